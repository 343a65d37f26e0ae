"""Users, password sign-in and sessions (better-auth's core, emailAndPassword on)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from server_stub.services import errors, ids
from server_stub.services.passwords import PasswordHasher, utf16_length
from server_stub.settings import Settings
from server_stub.storage.protocol import Store
from server_stub.storage.records import (
    ChallengeRecord,
    DuplicateEmail,
    SessionRecord,
    TrustedDeviceRecord,
    UserRecord,
)

#: zod 4's `z.email()` pattern (better-auth validates e-mails with it).
EMAIL_PATTERN = re.compile(
    r"(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}"
)


def is_email(text: str) -> bool:
    """True if zod would accept `text` as an e-mail address."""
    return EMAIL_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class ClientMeta:
    """What a session records about the client that created it."""

    ip_address: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session for a user (sign-up, sign-in without a second factor)."""

    session: SessionRecord
    user: UserRecord
    #: A rotated trust-device cookie value, when a trusted device skipped 2FA.
    trust_value: str | None = None


@dataclass(frozen=True, slots=True)
class ChallengeIssued:
    """Password accepted; a second factor is required."""

    challenge_id: str
    methods: tuple[str, ...]
    #: A correctly signed trust-device cookie was presented but is not (or no
    #: longer) valid: the caller clears it.
    stale_trust_cookie: bool


@dataclass(frozen=True, slots=True)
class SessionLookup:
    """Result of reading a session cookie's token."""

    session: SessionRecord | None
    user: UserRecord | None
    #: The token pointed at a dead session: the caller clears the cookies.
    dead: bool = False
    #: The expiry moved (sliding refresh): the caller re-sends the cookie.
    refreshed: bool = False


#: Expired rows are swept at most this often (per process), by a sign-in.
PURGE_EVERY = timedelta(minutes=1)


class AccountService:
    """Sign-up, sign-in, sessions and trusted devices."""

    def __init__(self, store: Store, settings: Settings, hasher: PasswordHasher) -> None:
        self._store = store
        self._settings = settings
        self._hasher = hasher
        self._secret = settings.secret.encode("utf-8")
        self._purge_lock = threading.Lock()
        self._next_purge: datetime | None = None

    def _purge(self, now: datetime) -> None:
        """Sweep expired rows now and then; housekeeping, not a limit."""
        with self._purge_lock:
            if self._next_purge is not None and now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY
        self._store.purge_expired(now)

    def _throttle_key(self, email: str, address: str | None = None) -> bytes:
        """Whom a password-failure count belongs to: the e-mail, known or not
        (and the client address, for the count per address).

        Keyed on the address rather than the user, so an unknown e-mail pauses
        exactly like a real account and the pause tells nothing; stored as an
        HMAC so the table holds no address anyone typed.
        """
        key = b"sign-in\x00" + email.encode()
        if address is not None:
            key = b"sign-in-from\x00" + address.encode() + b"\x00" + email.encode()
        return hmac.new(self._secret, key, hashlib.sha256).digest()

    def _reserve_sign_in(self, email: str, address: str, now: datetime) -> tuple[bytes, ...]:
        """Count a password attempt per (e-mail, address), then per e-mail; the keys counted.

        The address's own count goes first, so that attempts a paused address
        keeps sending are not counted against the account from everywhere.

        Raises:
            SignInPaused: either count is pausing.
        """
        throttle = self._settings.sign_in_throttle
        if throttle is None:
            return ()
        keys = (self._throttle_key(email, address), self._throttle_key(email))
        for key, policy in zip(keys, (throttle, throttle.account_wide()), strict=True):
            paused_until = self._store.reserve_sign_in(key, policy, now)
            if paused_until is not None:
                wait = math.ceil((paused_until - now).total_seconds())
                raise errors.SignInPaused(max(1, wait))
        return keys

    # -- passwords ---------------------------------------------------------
    def check_length(self, password: str, *, new: bool) -> None:
        """Raise for a password outside the allowed lengths (before hashing it)."""
        length = utf16_length(password)
        if new and length < self._settings.min_password_length:
            raise errors.PasswordTooShort()
        if length > self._settings.max_password_length:
            raise errors.PasswordTooLong()

    def verify_password(self, user_id: str, password: str) -> None:
        """Re-authentication; raises `InvalidPassword` (or `PasswordTooLong`)."""
        self.check_length(password, new=False)
        stored = self._store.get_password_hash(user_id)
        if stored is None or not password:
            if password:
                self._hasher.hash(password)
            raise errors.InvalidPassword()
        if not self._hasher.verify(password, stored):
            raise errors.InvalidPassword()

    # -- sign-up / sign-in -------------------------------------------------
    def sign_up(
        self,
        name: str,
        email: str,
        password: str,
        *,
        image: str | None,
        remember: bool,
        meta: ClientMeta,
        now: datetime,
    ) -> SignedIn:
        """Create a user with a password and sign them in."""
        self.check_length(password, new=True)
        email = email.lower()
        if self._store.find_credentials(email) is not None:
            raise errors.UserAlreadyExists()
        password_hash = self._hasher.hash(password)
        user = UserRecord(
            id=ids.new_id(),
            name=name,
            email=email,
            email_verified=False,
            image=image,
            created_at=now,
            updated_at=now,
            two_factor_enabled=False,
        )
        try:
            self._store.create_user(user, password_hash)
        except DuplicateEmail as e:  # lost a race with a parallel sign-up
            raise errors.UserAlreadyExists() from e
        return SignedIn(self.create_session(user.id, not remember, meta, now), user)

    def sign_in(
        self,
        email: str,
        password: str,
        *,
        remember: bool,
        trust_cookie: str | None,
        meta: ClientMeta,
        now: datetime,
    ) -> SignedIn | ChallengeIssued:
        """Check the password, then either start a session or a 2FA challenge.

        Unknown e-mails cost one password hash too and get the same error, so
        neither the answer nor its timing tells whether an account exists.
        Wrong passwords are counted per e-mail and client address, and per
        e-mail (`SignInThrottle`): past the free ones the e-mail pauses (for
        that address, or for all) and every attempt, right or wrong, gets
        `SignInPaused` without a password check.
        """
        if not is_email(email):
            raise errors.InvalidEmail()
        self.check_length(password, new=False)
        self._purge(now)
        email = email.lower()
        counted = self._reserve_sign_in(email, meta.ip_address, now)
        credentials = self._store.find_credentials(email)
        if credentials is None:
            self._hasher.hash(password)
            raise errors.InvalidEmailOrPassword()
        if not self._hasher.verify(password, credentials.password_hash):
            raise errors.InvalidEmailOrPassword()
        for key in counted:
            self._store.clear_sign_in_failures(key)
        user = credentials.user
        if not user.two_factor_enabled:
            return SignedIn(self.create_session(user.id, not remember, meta, now), user)
        if trust_cookie is not None:
            rotated = self._rotate_trusted_device(user.id, trust_cookie, now)
            if rotated is not None:
                session = self.create_session(user.id, not remember, meta, now)
                return SignedIn(session, user, trust_value=rotated)
        challenge = ChallengeRecord(
            id=ids.new_challenge_id(),
            user_id=user.id,
            expires_at=now + timedelta(seconds=self._settings.challenge_max_age),
            attempts=0,
        )
        self._store.create_challenge(challenge)
        second = self._store.get_two_factor(user.id)
        # §8: "totp" is listed only when the secret is verified; "otp" never
        # (no e-mail/SMS sender is configured).
        methods = ("totp",) if second is not None and second.verified else ()
        return ChallengeIssued(challenge.id, methods, stale_trust_cookie=trust_cookie is not None)

    # -- sessions ----------------------------------------------------------
    def create_session(
        self,
        user_id: str,
        dont_remember: bool,
        meta: ClientMeta,
        now: datetime,
    ) -> SessionRecord:
        """A new session: 7 days, or 1 day when the user chose not to be remembered."""
        lifetime = (
            self._settings.dont_remember_session_age
            if dont_remember
            else self._settings.session_max_age
        )
        session = SessionRecord(
            id=ids.new_id(),
            token=ids.new_token(),
            user_id=user_id,
            expires_at=now + timedelta(seconds=lifetime),
            created_at=now,
            updated_at=now,
            ip_address=meta.ip_address,
            user_agent=meta.user_agent,
        )
        self._store.create_session(session)
        return session

    def rotate_session(self, old: SessionRecord, now: datetime) -> SessionRecord:
        """Replace a session by a new one (same client data) and delete the old."""
        meta = ClientMeta(old.ip_address, old.user_agent)
        session = self.create_session(old.user_id, False, meta, now)
        self._store.delete_session(old.token)
        return session

    def lookup_session(self, token: str, now: datetime, *, refresh: bool) -> SessionLookup:
        """The live session behind a cookie token, refreshing it like get-session.

        A session older than `session_update_age` gets its expiry moved to
        now + `session_max_age` (better-auth's sliding refresh), unless
        `refresh` is False (the user chose not to be remembered).
        """
        found = self._store.get_session(token)
        if found is None:
            return SessionLookup(None, None, dead=True)
        session, user = found
        if session.expires_at <= now:
            self._store.delete_session(token)
            return SessionLookup(None, None, dead=True)
        settings = self._settings
        refresh_at = session.expires_at - timedelta(
            seconds=settings.session_max_age - settings.session_update_age
        )
        if refresh and refresh_at <= now:
            expires = now + timedelta(seconds=settings.session_max_age)
            updated = self._store.extend_session(token, expires, now)
            if updated is None:
                return SessionLookup(None, None, dead=True)
            return SessionLookup(updated, user, refreshed=True)
        return SessionLookup(session, user)

    def sign_out(self, token: str) -> None:
        """Delete the session (nothing happens if it is already gone)."""
        self._store.delete_session(token)

    # -- trusted devices ---------------------------------------------------
    def trust_token(self, user_id: str, identifier: str) -> str:
        """HMAC-SHA256(secret, "<user id>!<identifier>"), base64url without padding."""
        mac = hmac.new(self._secret, f"{user_id}!{identifier}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")

    def trust_device(self, user_id: str, now: datetime) -> str:
        """Record a new trusted device; returns the cookie value `<hmac>!<identifier>`."""
        identifier = ids.new_trust_identifier()
        expires = now + timedelta(seconds=self._settings.trust_device_max_age)
        self._store.create_trusted_device(TrustedDeviceRecord(identifier, user_id, expires))
        return f"{self.trust_token(user_id, identifier)}!{identifier}"

    def _rotate_trusted_device(self, user_id: str, cookie: str, now: datetime) -> str | None:
        """The new cookie value if `cookie` is a valid trust for `user_id`, else None.

        The old record is deleted before the new one is made, and only the
        caller that deleted it gets a new one: a copied cookie works once.
        """
        token, _, identifier = cookie.partition("!")
        if not token or not identifier or "!" in identifier:
            return None
        if not hmac.compare_digest(token.encode(), self.trust_token(user_id, identifier).encode()):
            return None
        record = self._store.get_trusted_device(identifier)
        if record is None or record.user_id != user_id or record.expires_at <= now:
            return None
        if not self._store.delete_trusted_device(identifier):
            return None
        return self.trust_device(user_id, now)
