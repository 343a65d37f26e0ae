"""Enrollment as a small state machine the GUI and the CLI both drive.

    sign up or sign in -> enable (password) -> store in the vault -> activate -> done

The account and its backup codes are stored *before* activation, so a crash
or a refused code never leaves the server expecting a secret that only the
server knows. Re-running for an account that is already enrolled stops with
`AlreadyEnrolled` instead of replacing a working secret.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from desktop_2fa.core import uri
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.core.otp import generate
from desktop_2fa.enroll.client import AuthClient, same_server
from desktop_2fa.enroll.errors import (
    AlreadyEnrolled,
    FlowOrderError,
    ServerError,
    UnexpectedResponse,
)
from desktop_2fa.enroll.model import EnableResult, Session
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import Account, BackupCodeSet, BackupSource, Enrollment, VaultData


class VaultSession(Protocol):
    """What the flow needs of an unlocked vault (`vault.store.OpenVault` is one).

    Changes go through `apply(edit)`, the vault's one writer (issue 9): the
    edit runs on the latest contents, so a change made meanwhile elsewhere
    (an HOTP step on the UI thread, another program) is never erased.
    """

    @property
    def data(self) -> VaultData: ...

    def apply(self, edit: Callable[[VaultData], VaultData]) -> VaultData: ...


class Step(StrEnum):
    START = "start"
    SIGNED_IN = "signed in"
    ENABLED = "enabled"
    STORED = "stored in the vault"
    DONE = "done"


def find_enrolled(data: VaultData, server: str, email: str) -> Account | None:
    """The vault's account enrolled against `server` for `email`, if any.

    Servers compare by their auth base URL, so `http://h:3000` finds an account
    enrolled at `http://h:3000/api/auth` (the same server, `auth_base_url`).
    """
    for account in data.accounts:
        e = account.enrollment
        if (
            e is not None
            and same_server(e.server, server)
            and e.email.casefold() == email.casefold()
        ):
            return account
    return None


class EnrollmentFlow:
    """Drive one enrollment; call the steps in order or `run()` for all of them.

    Args:
        client: an `AuthClient` for the server.
        vault: the unlocked vault the account goes into.
        email, password: the server account's credentials.
        clock: Unix time now (the CLI/GUI pass the real clock; tests a fixed one).
        log: receives one line per thing the flow decided (shown to the user).
    """

    def __init__(
        self,
        client: AuthClient,
        vault: VaultSession,
        *,
        email: str,
        password: str,
        clock: Callable[[], float],
        log: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self.client = client
        self.vault = vault
        self.email = email.strip()
        self.password = password
        self.clock = clock
        self.log = log
        self.step = Step.START
        self.enabled: EnableResult | None = None
        self.account: Account | None = None
        self.session: Session | None = None
        self._stale: Account | None = None

    def _require(self, step: Step) -> None:
        if self.step != step:
            raise FlowOrderError(f"enrollment step out of order: at {self.step!r}, need {step!r}")

    def sign_in(self, *, sign_up: bool, name: str = "") -> None:
        """Get a session: create the server account, or sign in to an existing one.

        Raises:
            AlreadyEnrolled: the server already asks this account for a second factor.
        """
        self._require(Step.START)
        if sign_up:
            self.client.sign_up(self.email, self.password, name or self.email.split("@")[0])
        else:
            result = self.client.sign_in(self.email, self.password)
            if result.two_factor_redirect:
                raise AlreadyEnrolled(
                    f"{self.email} already has two-factor sign-in on at {self.client.base_url}; "
                    "test it with 'sign-in', or disable it there before enrolling again"
                )
        session = self.client.get_session()
        if session is None:
            raise UnexpectedResponse(200, "signed in, but get-session shows no session")
        if session.user.two_factor_enabled:
            raise AlreadyEnrolled(f"{self.email} already has two-factor sign-in on")
        existing = find_enrolled(self.vault.data, self.client.base_url, self.email)
        if existing is not None:
            # The server says 2FA is off, so the stored secret is not in use:
            # a pending enrollment that never got activated. Safe to replace.
            self._stale = existing
            self.log(f"replacing {existing.label}: its enrollment was never activated")
        self.step = Step.SIGNED_IN

    def enable(self) -> EnableResult:
        """Ask the server for a secret and backup codes (2FA stays off until activation)."""
        self._require(Step.SIGNED_IN)
        self.enabled = self.client.enable(self.password)
        self.step = Step.ENABLED
        return self.enabled

    def store(self) -> Account:
        """Put the account and its backup codes into the vault, marked with server and e-mail."""
        self._require(Step.ENABLED)
        assert self.enabled is not None
        try:
            spec = uri.parse(self.enabled.totp_uri)
        except InvalidUri as e:
            raise UnexpectedResponse(200, f"the totpURI cannot be used: {e}") from e
        now = datetime.fromtimestamp(self.clock(), UTC)
        marker = Enrollment(
            server=self.client.base_url, email=self.email, enrolled_at=now, pending=True
        )
        stale = self._stale
        codes = self.enabled.backup_codes
        added: list[Account] = []

        def edit(data: VaultData) -> VaultData:
            if stale is not None and any(a.id == stale.id for a in data.accounts):
                data = edits.remove_account(data, stale.id)
            data, account = edits.add_account(
                data,
                spec,
                now,
                backup_codes=codes,
                backup_source=BackupSource.ENROLLMENT,
                enrollment=marker,
            )
            added.append(account)
            return data

        self.vault.apply(edit)
        account = added[-1]
        self.account = account
        self.step = Step.STORED
        return account

    def activate(self) -> Session:
        """Verify the first code, computed from the vault's copy of the secret."""
        self._require(Step.STORED)
        assert self.account is not None
        stored = edits.get_account(self.vault.data, self.account.id)
        code = generate(stored.params, self.clock()).value
        session = self.client.activate(code)
        if not session.user.two_factor_enabled:
            raise UnexpectedResponse(200, "the code was accepted but 2FA is still off")
        account_id = self.account.id
        self.vault.apply(lambda data: edits.mark_enrollment_activated(data, account_id))
        self.session = session
        self.step = Step.DONE
        return session

    def run(self, *, sign_up: bool, name: str = "") -> Account:
        """All steps; returns the stored account."""
        self.sign_in(sign_up=sign_up, name=name)
        self.enable()
        account = self.store()
        self.activate()
        return account


def backup_codes_of(vault: VaultSession, account_id: str) -> BackupCodeSet:
    return edits.get_account(vault.data, account_id).backup_codes


def mark_backup_code_used(vault: VaultSession, account_id: str, code: str, at: float) -> None:
    when = datetime.fromtimestamp(at, UTC)
    vault.apply(lambda data: edits.set_backup_code_used(data, account_id, code, when)[0])


def finish_pending(
    client: AuthClient,
    vault: VaultSession,
    account_id: str,
    password: str,
    clock: Callable[[], float],
) -> Account:
    """Turn on an enrollment that was stored but never activated (issue 11).

    The app was closed, or the network failed, between storing and activating.
    Sign in again; when the server still has two-factor sign-in off, activate
    with the stored secret; when it is already on (activated, but the vault
    never heard), the stored secret's code completing the sign-in proves it is
    the secret in use. Either way the account stops being pending.

    Raises:
        FlowOrderError: the account has no pending enrollment.
        EnrollError: the server refused the password or the code.
    """
    account = edits.get_account(vault.data, account_id)
    enrollment = account.enrollment
    if enrollment is None or not enrollment.pending:
        raise FlowOrderError(f"{account.label} has no enrollment waiting to be finished")
    result = client.sign_in(enrollment.email, password)
    at = clock()
    code = generate(account.params, at).value
    if result.two_factor_redirect:
        try:
            client.verify_totp(code)
        except ServerError as e:
            if e.code != "INVALID_CODE":
                raise
            # This step's code may be spent already (the activation that the
            # vault never heard of; RFC 6238 section 5.2 refuses replays): the
            # next step's is accepted inside the +-1 window.
            client.verify_totp(generate(account.params, at + account.params.period).value)
    else:
        session = client.activate(code)
        if not session.user.two_factor_enabled:
            raise UnexpectedResponse(200, "the code was accepted but 2FA is still off")
    data = vault.apply(lambda data: edits.mark_enrollment_activated(data, account_id))
    return edits.get_account(data, account_id)
