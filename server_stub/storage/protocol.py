"""The storage contract services rely on.

Every method is one atomic unit: a store is shared by the threads that run
requests and, for SQLite and PostgreSQL, by every server process on the same
database. Single-use and counter semantics are therefore expressed as
operations ("consume", "claim", "record failure", "hit") rather than
read-then-write, and every limit (request buckets, attempt counters, locks)
lives here, so N processes allow exactly the configured numbers, not N times.
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
    SignInThrottle,
    TrustedDeviceRecord,
    TwoFactorRecord,
    UserRecord,
)


class Store(Protocol):
    """Users, sessions, second factors, challenges and trusted devices."""

    @property
    def parallel_calls(self) -> int:
        """How many calls can usefully run at once (one connection under a lock: 1)."""
        ...

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

    def begin_two_factor_attempt(
        self, user_id: str, challenge_id: str, max_attempts: int, now: datetime
    ) -> AttemptOutcome:
        """The account lock, then the challenge's cap, in one step (better-auth's order).

        LOCKED while the user's lock lasts; a lock that has run out is lifted
        and the failure count zeroed. Otherwise one attempt is counted before
        the code is checked (RESERVED), unless the challenge's cap is reached
        (CAPPED) or the challenge is gone or expired (MISSING).
        """
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

    # -- limits --------------------------------------------------------------
    def hit_rate_limit(
        self, bucket: bytes, window: int, max_hits: int, now: datetime
    ) -> int | None:
        """Count one request in `bucket` (`window` seconds, `max_hits` per window).

        Returns None when allowed, else the seconds until the window ends.
        """
        ...

    def reserve_sign_in(
        self, account: bytes, policy: SignInThrottle, now: datetime
    ) -> datetime | None:
        """Count a password attempt at `account` before it is checked.

        Returns None when the attempt may go on, or the end of the account's
        pause (the attempt is refused and not counted).
        """
        ...

    def clear_sign_in_failures(self, account: bytes) -> None:
        """Forget the failures of `account` (a correct password)."""
        ...

    # -- housekeeping ------------------------------------------------------
    def purge_expired(self, now: datetime) -> None:
        """Drop expired sessions, challenges, trusted devices, buckets and failures."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...
