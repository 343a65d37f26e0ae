"""The enrollment round trip a tester runs against a server, step by step.

sign up (fresh e-mail) -> enable -> activate -> sign out -> sign in (expect the
redirect) -> a wrong code is refused -> the right code gives a session -> sign
out -> sign in -> a backup code gives a session and is marked used in the
vault -> the same backup code is refused -> disable -> sign in without a
second factor.

Codes: activation uses the current step's code. The later sign-in uses the
*next* step's code, which servers accept (window of +-1 step, PROTOCOL.md
section 5) and which is not a replay of the activation code (server_stub
refuses replays, RFC 6238 section 5.2), so the trip never waits for a new
30-second step.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_2fa.core.otp import hotp, time_step
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.errors import EnrollError, RateLimited, ServerError
from desktop_2fa.enroll.flow import EnrollmentFlow, VaultSession, mark_backup_code_used
from desktop_2fa.enroll.model import Exchange
from desktop_2fa.enroll.report import Outcome, Report, StepResult
from desktop_2fa.vault import edits

DEFAULT_MAX_WAIT = 70.0  # seconds of 429 waiting allowed in one trip (the guide's window is 60)


class StepFailed(Exception):
    """A step's expectation did not hold."""


@dataclass
class _Trip:
    email: str
    password: str
    flow: EnrollmentFlow | None = None
    account_id: str | None = None
    backup_codes: tuple[str, ...] = ()


class RoundTrip:
    """Run the round trip; `on_step` sees each result as it happens (the GUI's live view).

    Args:
        client_factory: makes a fresh `AuthClient` (one cookie jar per trip).
        vault: where the enrolled account and its backup codes go.
        clock: Unix time now; sleep: waits out a 429 (tests pass fakes).
        max_wait: total seconds the trip may spend waiting for rate limits.
    """

    def __init__(
        self,
        client_factory: Callable[[], AuthClient],
        vault: VaultSession,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = DEFAULT_MAX_WAIT,
        on_step: Callable[[StepResult], None] = lambda _r: None,
        email: str | None = None,
    ) -> None:
        self.client_factory = client_factory
        self.vault = vault
        self.clock = clock
        self.sleep = sleep
        self.max_wait = max_wait
        self.on_step = on_step
        self.email = email or f"roundtrip-{secrets.token_hex(6)}@example.test"
        self._waited = 0.0
        self._sent: list[str] = []  # requests of the step running now

    def run(self) -> Report:
        trip = _Trip(email=self.email, password=secrets.token_urlsafe(18))
        started = time.perf_counter()
        client = self.client_factory()
        earlier = client.on_exchange

        def note(exchange: Exchange) -> None:
            self._sent.append(f"{exchange.method} {exchange.url}")
            if earlier is not None:
                earlier(exchange)

        client.on_exchange = note
        results: list[StepResult] = []
        try:
            steps = _Steps(self, client, trip).order()
            for name, action in steps:
                if results and results[-1].outcome is not Outcome.PASSED:
                    skipped = StepResult(name, None, 0.0, Outcome.SKIPPED, "an earlier step failed")
                    results.append(skipped)
                    self.on_step(skipped)
                    continue
                result = self._run_step(client, name, action)
                results.append(result)
                self.on_step(result)
            warnings = tuple(w for w in (client.clock_warning(),) if w)
        finally:
            client.close()
        total = (time.perf_counter() - started) * 1000
        return Report(client.base_url, trip.email, tuple(results), total, warnings)

    def _run_step(self, client: AuthClient, name: str, action: Callable[[], str]) -> StepResult:
        started = time.perf_counter()
        self._sent.clear()
        notes: list[str] = []
        while True:
            try:
                message = action()
                outcome = Outcome.PASSED
                break
            except RateLimited as e:
                wait = e.retry_after
                if wait is None or self._waited + wait > self.max_wait:
                    message, outcome = str(e), Outcome.FAILED
                    break
                notes.append(f"rate limited, waited {wait:g} s")
                self._waited += wait
                self.sleep(wait)
            except (EnrollError, StepFailed) as e:
                message, outcome = str(e), Outcome.FAILED
                break
        last = client.last_exchange
        status = last.status if last is not None else None
        text = "; ".join([*notes, message] if message else notes)
        ms = (time.perf_counter() - started) * 1000
        return StepResult(name, status, ms, outcome, text, tuple(self._sent))


class _Steps:
    """The round trip's steps, each a method returning the line shown in the report."""

    def __init__(self, trip: RoundTrip, client: AuthClient, state: _Trip) -> None:
        self.rt = trip
        self.client = client
        self.trip = state

    def _code(self, steps_ahead: int = 0) -> str:
        assert self.trip.account_id is not None
        params = edits.get_account(self.rt.vault.data, self.trip.account_id).params
        at = self.rt.clock() + steps_ahead * params.period
        return hotp(params, time_step(params, at))

    def sign_up(self) -> str:
        self.trip.flow = EnrollmentFlow(
            self.client,
            self.rt.vault,
            email=self.trip.email,
            password=self.trip.password,
            clock=self.rt.clock,
        )
        self.trip.flow.sign_in(sign_up=True, name="Round Trip")
        return f"created {self.trip.email}"

    def enable(self) -> str:
        assert self.trip.flow is not None
        enabled = self.trip.flow.enable()
        account = self.trip.flow.store()
        self.trip.account_id = account.id
        self.trip.backup_codes = enabled.backup_codes
        if len(enabled.backup_codes) != 10:
            raise StepFailed(f"expected 10 backup codes, got {len(enabled.backup_codes)}")
        return f"totpURI and {len(enabled.backup_codes)} backup codes stored in the vault"

    def activate(self) -> str:
        assert self.trip.flow is not None
        self.trip.flow.activate()
        return "first code accepted; get-session shows twoFactorEnabled"

    def sign_out(self) -> str:
        self.client.sign_out()
        if self.client.get_session() is not None:
            raise StepFailed("still signed in after sign-out")
        return "signed out"

    def sign_in_expect_redirect(self) -> str:
        result = self.client.sign_in(self.trip.email, self.trip.password)
        if not result.two_factor_redirect:
            raise StepFailed("sign-in gave a session without asking for a second factor")
        return f"twoFactorRedirect, methods {list(result.methods)}"

    def _expect_refusal(self, attempt: Callable[[], object], code: str, what: str) -> str:
        try:
            attempt()
        except RateLimited:
            raise  # waited out by the step runner, like any other 429
        except ServerError as e:
            if e.status == 401 and e.code == code:
                return e.server_message
            raise StepFailed(f"expected 401 {code}, got {e.status} {e.code}") from e
        raise StepFailed(f"{what} was accepted")

    def wrong_code_refused(self) -> str:
        valid = {self._code(k) for k in (-1, 0, 1)}
        wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
        return self._expect_refusal(
            lambda: self.client.verify_totp(wrong), "INVALID_CODE", "a wrong code"
        )

    def right_code_session(self) -> str:
        self.client.verify_totp(self._code(1))
        session = self.client.get_session()
        if session is None:
            raise StepFailed("no session after a right code")
        return f"session for {session.user.email}"

    def _backup_code_session(self, index: int) -> str:
        assert self.trip.account_id is not None
        code = self.trip.backup_codes[index]
        self.client.verify_backup_code(code)
        if self.client.get_session() is None:
            raise StepFailed("no session after a backup code")
        mark_backup_code_used(self.rt.vault, self.trip.account_id, code, self.rt.clock())
        stored = edits.get_account(self.rt.vault.data, self.trip.account_id).backup_codes
        if not any(c.code == code and c.used for c in stored.codes):
            raise StepFailed("the used backup code is not marked used in the vault")
        return f"session; {code[:3]}... marked used in the vault ({stored.unused} left)"

    def backup_code_session(self) -> str:
        return self._backup_code_session(0)

    def same_backup_code_refused(self) -> str:
        self.client.sign_out()
        if not self.client.sign_in(self.trip.email, self.trip.password).two_factor_redirect:
            raise StepFailed("sign-in did not ask for a second factor")
        used = self.trip.backup_codes[0]
        return self._expect_refusal(
            lambda: self.client.verify_backup_code(used),
            "INVALID_BACKUP_CODE",
            "a used backup code",
        )

    def another_backup_code_session(self) -> str:
        # Disabling needs a session; a second, unused code gives it.
        return self._backup_code_session(1)

    def disable(self) -> str:
        self.client.disable(self.trip.password)
        session = self.client.get_session()
        if session is None or session.user.two_factor_enabled:
            raise StepFailed("2FA still on (or no session) after disable")
        return "two-factor sign-in turned off"

    def sign_in_plain(self) -> str:
        self.client.sign_out()
        if self.client.sign_in(self.trip.email, self.trip.password).two_factor_redirect:
            raise StepFailed("still asked for a second factor after disable")
        return "session without a second factor"

    def order(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("sign up with a fresh e-mail", self.sign_up),
            ("enable 2FA with the password", self.enable),
            ("activate with the first code", self.activate),
            ("sign out", self.sign_out),
            ("sign in asks for a second factor", self.sign_in_expect_redirect),
            ("a wrong code is refused", self.wrong_code_refused),
            ("the right code gives a session", self.right_code_session),
            ("sign out again", self.sign_out),
            ("sign in asks for a second factor again", self.sign_in_expect_redirect),
            ("a backup code gives a session", self.backup_code_session),
            ("the same backup code is refused", self.same_backup_code_refused),
            ("another backup code gives a session", self.another_backup_code_session),
            ("disable 2FA with the password", self.disable),
            ("sign in without a second factor", self.sign_in_plain),
        ]
