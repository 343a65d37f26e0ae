"""The two-factor plugin: enrolment, verification, backup codes, disable.

Verification runs in one of two modes (PROTOCOL.md §5): *session mode* when
the request carries a live session (activation, or a signed-in user checking
a code) and *challenge mode* during sign-in. Only challenge mode counts
attempts and failures. Beyond better-auth (§0): a TOTP time step that already
succeeded is refused (RFC 6238 section 5.2), claimed atomically so two racing
requests cannot both use one code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from server_stub.services import errors, ids, totp
from server_stub.services.accounts import AccountService, ClientMeta
from server_stub.services.at_rest import AtRestKeys
from server_stub.settings import Settings
from server_stub.storage.protocol import Store
from server_stub.storage.records import (
    AttemptOutcome,
    ChallengeRecord,
    SessionRecord,
    TwoFactorRecord,
    UserRecord,
)


@dataclass(frozen=True, slots=True)
class SessionMode:
    """A signed-in user verifying a code (or activating 2FA)."""

    session: SessionRecord
    user: UserRecord


@dataclass(frozen=True, slots=True)
class ChallengeMode:
    """The second step of a sign-in."""

    challenge: ChallengeRecord
    user: UserRecord


Mode = SessionMode | ChallengeMode


@dataclass(frozen=True, slots=True)
class Enrollment:
    """What enable hands back (shown once)."""

    totp_uri: str
    backup_codes: list[str]


@dataclass(frozen=True, slots=True)
class Verified:
    """A successful verification, as the route must answer it.

    Attributes:
        token: the body's `token` (None: left out, e.g. `disableSession`).
        user: the body's `user`. After activation both are stale on purpose:
            better-auth echoes the old token and the user as it was (§5).
        new_session: the session the `session_token` cookie must now carry.
        trust_value: a new `trust_device` cookie value (trustDevice:true).
        challenge_done: the challenge is used up: clear `two_factor`.
    """

    token: str | None
    user: UserRecord
    new_session: SessionRecord | None = None
    trust_value: str | None = None
    challenge_done: bool = False


class TwoFactorService:
    """The `/two-factor/*` rules."""

    def __init__(
        self, store: Store, settings: Settings, accounts: AccountService, keys: AtRestKeys
    ) -> None:
        self._store = store
        self._settings = settings
        self._accounts = accounts
        self._keys = keys

    # -- enrolment ---------------------------------------------------------
    def enable(
        self, user: UserRecord, password: str, method: str, issuer: str | None
    ) -> Enrollment:
        """Store a new, unverified secret and backup codes (step 1 of §5).

        Calling it again before activation replaces both.
        """
        self._accounts.verify_password(user.id, password)
        if method == "otp":
            raise errors.OtpNotConfigured()
        existing = self._store.get_two_factor(user.id)
        if existing is not None and existing.verified:
            raise errors.TotpAlreadyEnabled()
        key = ids.new_totp_key()
        codes = ids.new_backup_codes()
        self._store.put_two_factor(
            user.id,
            self._keys.seal_totp_key(user.id, key),
            [self._keys.backup_digest(user.id, code) for code in codes],
        )
        # Issuer precedence at enable: body > plugin issuer > appName (JS `||`,
        # so an empty string falls through too).
        label = issuer or self._settings.issuer or self._settings.app_name
        return Enrollment(totp.otpauth_uri(key, label, user.email), codes)

    def totp_uri(self, user: UserRecord, password: str) -> str:
        """The otpauth URI again (pending or active).

        Quirk mirrored from better-auth 1.7.25: the secret is checked before
        the password, and the URI always uses appName, not the issuer.
        """
        row = self._store.get_two_factor(user.id)
        if row is None:
            raise errors.TotpNotEnabled()
        self._accounts.verify_password(user.id, password)
        key = self._keys.open_totp_key(user.id, row.secret_ciphertext)
        return totp.otpauth_uri(key, self._settings.app_name, user.email)

    def regenerate_backup_codes(self, user: UserRecord, password: str) -> list[str]:
        """Replace the whole backup-code set (only once 2FA is active)."""
        if not user.two_factor_enabled:
            raise errors.TwoFactorNotEnabled()
        self._accounts.verify_password(user.id, password)
        if self._store.get_two_factor(user.id) is None:
            raise errors.TwoFactorNotEnabled()
        codes = ids.new_backup_codes()
        self._store.replace_backup_codes(
            user.id, [self._keys.backup_digest(user.id, code) for code in codes]
        )
        return codes

    def disable(
        self, session: SessionRecord, user: UserRecord, password: str, now: datetime
    ) -> tuple[SessionRecord, UserRecord]:
        """Remove the second factor and rotate the session.

        Answers success even if 2FA was never on (better-auth quirk, harmless).
        Stricter than better-auth: every trusted device of the user is
        forgotten, not only the one in this request's cookie, so re-enabling
        2FA later cannot be skipped by an old trust cookie.
        """
        self._accounts.verify_password(user.id, password)
        updated = self._store.set_two_factor_enabled(user.id, False, now) or user
        self._store.delete_two_factor(user.id)
        self._store.delete_trusted_devices_of(user.id)
        return self._accounts.rotate_session(session, now), updated

    # -- challenge ---------------------------------------------------------
    def open_challenge(self, challenge_id: str, now: datetime) -> ChallengeMode:
        """The sign-in challenge behind a `two_factor` cookie value."""
        challenge = self._store.get_challenge(challenge_id, now)
        if challenge is None:
            raise errors.InvalidTwoFactorCookie()
        user = self._store.get_user(challenge.user_id)
        if user is None:
            raise errors.InvalidTwoFactorCookie()
        return ChallengeMode(challenge, user)

    def _begin_attempt(self, mode: ChallengeMode, row: TwoFactorRecord, now: datetime) -> None:
        """Account lock, then the per-challenge cap (better-auth's order), in one store step."""
        outcome = self._store.begin_two_factor_attempt(
            row.user_id, mode.challenge.id, self._settings.challenge_max_attempts, now
        )
        if outcome is AttemptOutcome.LOCKED:
            raise errors.AccountLocked()
        if outcome is AttemptOutcome.MISSING:
            raise errors.InvalidTwoFactorCookie()
        if outcome is AttemptOutcome.CAPPED:
            self._store.delete_challenge(mode.challenge.id)
            raise errors.TooManyAttempts()

    def _record_failure(self, user_id: str, now: datetime) -> None:
        settings = self._settings
        self._store.record_two_factor_failure(
            user_id,
            settings.lockout_max_failures,
            now + timedelta(seconds=settings.lockout_seconds),
        )

    def _finish(
        self,
        mode: Mode,
        *,
        trust_device: bool,
        dont_remember: bool,
        meta: ClientMeta,
        now: datetime,
    ) -> Verified:
        """better-auth's `valid()`: in challenge mode consume it and sign in."""
        if isinstance(mode, SessionMode):
            return Verified(token=mode.session.token, user=mode.user)
        if self._store.consume_challenge(mode.challenge.id, now) is None:
            raise errors.ChallengeAlreadyUsed()
        session = self._accounts.create_session(mode.user.id, dont_remember, meta, now)
        trust = self._accounts.trust_device(mode.user.id, now) if trust_device else None
        return Verified(
            token=session.token,
            user=mode.user,
            new_session=session,
            trust_value=trust,
            challenge_done=True,
        )

    # -- verification ------------------------------------------------------
    def verify_totp(
        self,
        mode: Mode,
        code: str,
        *,
        trust_device: bool,
        dont_remember: bool,
        meta: ClientMeta,
        now: datetime,
    ) -> Verified:
        """Check an authenticator code; activates 2FA on the first success."""
        user = mode.user
        row = self._store.get_two_factor(user.id)
        challenge = isinstance(mode, ChallengeMode)
        if row is None or (challenge and not row.verified):
            raise errors.TotpNotEnabled()
        if isinstance(mode, ChallengeMode):
            self._begin_attempt(mode, row, now)
        key = self._keys.open_totp_key(user.id, row.secret_ciphertext)
        step = totp.matching_step(key, code, now, row.last_used_step)
        if step is None or not self._store.claim_totp_step(user.id, step):
            if challenge:
                self._record_failure(user.id, now)
            raise errors.InvalidCode()
        if challenge:
            self._store.reset_two_factor_failures(user.id)
        if not row.verified:
            self._store.mark_two_factor_verified(user.id)
            if isinstance(mode, SessionMode) and not user.two_factor_enabled:
                # Activation rotates the session; the body keeps the old token
                # and the stale user (quirk mirrored from better-auth, §5).
                self._store.set_two_factor_enabled(user.id, True, now)
                rotated = self._accounts.rotate_session(mode.session, now)
                return Verified(token=mode.session.token, user=user, new_session=rotated)
        return self._finish(
            mode, trust_device=trust_device, dont_remember=dont_remember, meta=meta, now=now
        )

    def verify_backup_code(
        self,
        mode: Mode,
        code: str,
        *,
        trust_device: bool,
        disable_session: bool,
        dont_remember: bool,
        meta: ClientMeta,
        now: datetime,
    ) -> Verified:
        """Redeem a backup code (exactly once, even under concurrent requests)."""
        user = mode.user
        row = self._store.get_two_factor(user.id)
        if row is None:
            raise errors.BackupCodesNotEnabled()
        challenge = isinstance(mode, ChallengeMode)
        if isinstance(mode, ChallengeMode):
            self._begin_attempt(mode, row, now)
        if not self._store.consume_backup_code(user.id, self._keys.backup_digest(user.id, code)):
            if challenge:
                self._record_failure(user.id, now)
            raise errors.InvalidBackupCode()
        if challenge:
            self._store.reset_two_factor_failures(user.id)
        if not disable_session:
            return self._finish(
                mode, trust_device=trust_device, dont_remember=dont_remember, meta=meta, now=now
            )
        if isinstance(mode, ChallengeMode):
            # No session is made; the challenge cannot be used again.
            self._store.delete_challenge(mode.challenge.id)
            return Verified(token=None, user=user)
        return Verified(token=mode.session.token, user=user)
