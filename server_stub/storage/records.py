"""The rows the server keeps, as frozen values shared by every store.

Times are aware UTC datetimes. Nothing here is secret in plain text: the TOTP
key is AES-GCM ciphertext and backup codes are only present as keyed digests
(see `services.at_rest`).
"""

from __future__ import annotations

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
    """What `Store.reserve_challenge_attempt` found."""

    RESERVED = "reserved"
    CAPPED = "capped"
    MISSING = "missing"


class StorageError(Exception):
    """Base of every storage failure."""


class DuplicateEmail(StorageError):
    """A user with that e-mail already exists."""


class UnsupportedSchema(StorageError):
    """The database was written by a newer server."""
