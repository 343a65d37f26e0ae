"""The storage contract services rely on.

Every method is one atomic unit: a store may be shared by threads (the HTTP
layer runs password hashing in worker threads) and, for SQLite, by several
processes. Single-use and counter semantics are therefore expressed as
operations ("consume", "claim", "record failure") rather than read-then-write,
so a PostgreSQL store can implement each with one conditional statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from server_stub.storage.records import (
    AttemptOutcome,
    ChallengeRecord,
    Credentials,
    SessionRecord,
    TrustedDeviceRecord,
    TwoFactorRecord,
    UserRecord,
)


class Store(Protocol):
    """Users, sessions, second factors, challenges and trusted devices."""

    # -- users -------------------------------------------------------------
    def create_user(self, user: UserRecord, password_hash: str) -> None:
        """Insert a user. Raises `DuplicateEmail` if the e-mail is taken."""
        ...

    def get_user(self, user_id: str) -> UserRecord | None:
        """The user with that id."""
        ...

    def find_credentials(self, email: str) -> Credentials | None:
        """The user (and password hash) with that exact, lower-cased e-mail."""
        ...

    def get_password_hash(self, user_id: str) -> str | None:
        """The stored password hash of a user."""
        ...

    def set_two_factor_enabled(
        self, user_id: str, enabled: bool, now: datetime
    ) -> UserRecord | None:
        """Set `twoFactorEnabled` (and `updatedAt`); returns the new row."""
        ...

    # -- sessions ----------------------------------------------------------
    def create_session(self, session: SessionRecord) -> None:
        """Insert a session."""
        ...

    def get_session(self, token: str) -> tuple[SessionRecord, UserRecord] | None:
        """The session with that token and its user (expired ones included)."""
        ...

    def extend_session(
        self, token: str, expires_at: datetime, now: datetime
    ) -> SessionRecord | None:
        """Move a session's expiry (sliding refresh); None if it is gone."""
        ...

    def delete_session(self, token: str) -> None:
        """Delete one session (no error if absent)."""
        ...

    # -- second factor -----------------------------------------------------
    def get_two_factor(self, user_id: str) -> TwoFactorRecord | None:
        """The user's second factor, if any."""
        ...

    def put_two_factor(
        self, user_id: str, secret_ciphertext: bytes, backup_digests: Sequence[bytes]
    ) -> None:
        """Create or replace the (unverified) secret and the backup-code set.

        Replacing keeps the failure counter and lock, as better-auth does.
        """
        ...

    def mark_two_factor_verified(self, user_id: str) -> None:
        """Flag the secret as verified (activation)."""
        ...

    def delete_two_factor(self, user_id: str) -> None:
        """Delete secret and backup codes."""
        ...

    def claim_totp_step(self, user_id: str, step: int) -> bool:
        """Record `step` as used if it is newer than the last used one.

        Returns False when `step` (or a later one) was already used: the
        atomic half of the replay guard.
        """
        ...

    def record_two_factor_failure(
        self, user_id: str, max_failures: int, locked_until: datetime
    ) -> int:
        """Count one failure; at `max_failures` set the lock. Returns the count."""
        ...

    def reset_two_factor_failures(self, user_id: str) -> None:
        """Zero the failure counter and drop any lock."""
        ...

    def replace_backup_codes(self, user_id: str, digests: Sequence[bytes]) -> None:
        """Swap the whole backup-code set for a new one."""
        ...

    def consume_backup_code(self, user_id: str, digest: bytes) -> bool:
        """Delete one backup code; True for exactly one of any racing callers."""
        ...

    # -- challenges --------------------------------------------------------
    def create_challenge(self, challenge: ChallengeRecord) -> None:
        """Insert a sign-in challenge."""
        ...

    def get_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        """A live (unexpired) challenge."""
        ...

    def reserve_challenge_attempt(
        self, challenge_id: str, max_attempts: int, now: datetime
    ) -> AttemptOutcome:
        """Count an attempt before checking a code, unless the cap is reached."""
        ...

    def consume_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        """Delete a live challenge; only one racing caller gets the record."""
        ...

    def delete_challenge(self, challenge_id: str) -> None:
        """Delete a challenge (no error if absent)."""
        ...

    # -- trusted devices ---------------------------------------------------
    def create_trusted_device(self, device: TrustedDeviceRecord) -> None:
        """Insert a trusted-device record."""
        ...

    def get_trusted_device(self, identifier: str) -> TrustedDeviceRecord | None:
        """A trusted-device record (expired ones included)."""
        ...

    def delete_trusted_device(self, identifier: str) -> bool:
        """Delete one record; True if this call removed it."""
        ...

    def delete_trusted_devices_of(self, user_id: str) -> None:
        """Delete every trusted-device record of a user."""
        ...

    # -- housekeeping ------------------------------------------------------
    def purge_expired(self, now: datetime) -> None:
        """Drop expired sessions, challenges and trusted devices."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...
