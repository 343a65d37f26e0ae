"""The rows the server keeps, as frozen values shared by every store.

Times are aware UTC datetimes. Nothing here is secret in plain text: the TOTP
key is AES-GCM ciphertext and backup codes are only present as keyed digests
(see `services.at_rest`).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as better-auth's `user` table (plus the plugin's column)."""

    id: str
    name: str
    email: str
    email_verified: bool
    image: str | None
    created_at: datetime
    updated_at: datetime
    two_factor_enabled: bool


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user with the stored password hash (only sign-in and re-auth need it)."""

    user: UserRecord
    password_hash: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A session; `token` is what the session cookie carries."""

    id: str
    token: str
    user_id: str
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    ip_address: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class TwoFactorRecord:
    """The per-user second factor.

    Attributes:
        secret_ciphertext: the TOTP key sealed with the at-rest key.
        verified: False between enable and the first verified code.
        last_used_step: the newest TOTP time step that succeeded (replay guard,
            RFC 6238 section 5.2); None before the first success.
        failed_attempts: consecutive failures in challenge mode.
        locked_until: the account lock's end, if locked.
    """

    user_id: str
    secret_ciphertext: bytes
    verified: bool
    last_used_step: int | None
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class ChallengeRecord:
    """A pending second-factor challenge (the `two_factor` cookie's id)."""

    id: str
    user_id: str
    expires_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class TrustedDeviceRecord:
    """A trusted device (`trust_device` cookie identifier)."""

    identifier: str
    user_id: str
    expires_at: datetime


class AttemptOutcome(enum.Enum):
    """What `Store.begin_two_factor_attempt` found."""

    RESERVED = "reserved"
    CAPPED = "capped"
    MISSING = "missing"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class SignInThrottle:
    """How consecutive wrong passwords slow down guessing at one e-mail.

    NIST SP 800-63B section 5.2.2 asks to limit consecutive failed attempts on
    an account (to no more than 100) and suggests waits that grow as failures
    mount, without letting a third party lock the owner out. So failures are
    counted twice: per e-mail *and client address*, where from the `free`-th
    one on that address pauses for `first_pause` seconds, doubling with each
    further failure up to `longest_pause` (a guesser elsewhere never pauses
    the owner); and per e-mail from any address, where the same pauses start
    at the `account_free`-th (many addresses guessing together). A success,
    or a day (`forget_after`) without failures, starts a count again.
    """

    free: int = 5
    first_pause: int = 15
    longest_pause: int = 300
    forget_after: int = 24 * 3600
    account_free: int = 100

    def __post_init__(self) -> None:
        if min(self.free, self.first_pause, self.longest_pause, self.forget_after) < 1:
            raise ValueError("sign-in throttle numbers must be at least 1")
        if self.account_free < self.free:
            raise ValueError("the account-wide count must allow at least the per-address one")

    def pause_ms(self, failures: int) -> int | None:
        """How long the account pauses after `failures` consecutive failures (None: not)."""
        if failures < self.free:
            return None
        doublings = min(failures - self.free, 30)
        return min(self.first_pause << doublings, self.longest_pause) * 1000

    def account_wide(self) -> SignInThrottle:
        """The policy of the count per e-mail from every address."""
        return dataclasses.replace(self, free=self.account_free)


class StorageError(Exception):
    """Base of every storage failure."""


class DuplicateEmail(StorageError):
    """A user with that e-mail already exists."""


class UnsupportedSchema(StorageError):
    """The database was written by a newer server."""


class StorageUnavailable(StorageError):
    """The database did not answer (down, unreachable, or locked for too long)."""
