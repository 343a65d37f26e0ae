"""An in-memory `Store` for tests: same semantics as SQLite, nothing on disk.

One lock guards every operation, so each method is atomic exactly like one
SQLite transaction (in particular `consume_backup_code` and
`consume_challenge` succeed for one caller only). It lives inside one
process, so it cannot be shared by several workers. Request buckets are
capped at better-auth's 100,000 (oldest dropped first), and so are the
password-failure rows, which random e-mails would otherwise pile up for a
day each (an e-mail that is pausing is dropped last).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from datetime import datetime

from server_stub.storage import limits
from server_stub.storage.records import (
    AttemptOutcome,
    ChallengeRecord,
    Credentials,
    DuplicateEmail,
    SessionRecord,
    SignInThrottle,
    TrustedDeviceRecord,
    TwoFactorRecord,
    UserRecord,
)
from server_stub.storage.sql_rows import dt, ms

#: better-auth's memory store keeps at most this many buckets.
MAX_BUCKETS = 100_000
#: Password-failure rows kept at most; a full table is pruned to 90 %, so
#: that the scan is not paid on every new e-mail.
MAX_FAILURES = 100_000


class MemoryStore:
    """Dictionaries behind a lock."""

    #: One lock: a second thread would only wait for it.
    parallel_calls = 1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, UserRecord] = {}
        self._by_email: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self._sessions: dict[str, SessionRecord] = {}
        self._two_factor: dict[str, TwoFactorRecord] = {}
        self._backup: dict[str, set[bytes]] = {}
        self._challenges: dict[str, ChallengeRecord] = {}
        self._devices: dict[str, TrustedDeviceRecord] = {}
        self._buckets: dict[bytes, tuple[limits.Bucket, int]] = {}  # and expiry
        self._failures: dict[bytes, limits.Failures] = {}

    # -- users -------------------------------------------------------------
    def create_user(self, user: UserRecord, password_hash: str) -> None:
        with self._lock:
            if user.email in self._by_email:
                raise DuplicateEmail(user.email)
            self._users[user.id] = user
            self._by_email[user.email] = user.id
            self._hashes[user.id] = password_hash

    def get_user(self, user_id: str) -> UserRecord | None:
        with self._lock:
            return self._users.get(user_id)

    def find_credentials(self, email: str) -> Credentials | None:
        with self._lock:
            user_id = self._by_email.get(email)
            if user_id is None:
                return None
            return Credentials(self._users[user_id], self._hashes[user_id])

    def get_password_hash(self, user_id: str) -> str | None:
        with self._lock:
            return self._hashes.get(user_id)

    def set_two_factor_enabled(
        self, user_id: str, enabled: bool, now: datetime
    ) -> UserRecord | None:
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                return None
            user = dataclasses.replace(user, two_factor_enabled=enabled, updated_at=now)
            self._users[user_id] = user
            return user

    # -- sessions ----------------------------------------------------------
    def create_session(self, session: SessionRecord) -> None:
        with self._lock:
            self._sessions[session.token] = session

    def get_session(self, token: str) -> tuple[SessionRecord, UserRecord] | None:
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            user = self._users.get(session.user_id)
            return None if user is None else (session, user)

    def extend_session(
        self, token: str, expires_at: datetime, now: datetime
    ) -> SessionRecord | None:
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            session = dataclasses.replace(session, expires_at=expires_at, updated_at=now)
            self._sessions[token] = session
            return session

    def delete_session(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    # -- second factor -----------------------------------------------------
    def get_two_factor(self, user_id: str) -> TwoFactorRecord | None:
        with self._lock:
            return self._two_factor.get(user_id)

    def put_two_factor(
        self, user_id: str, secret_ciphertext: bytes, backup_digests: Sequence[bytes]
    ) -> None:
        with self._lock:
            old = self._two_factor.get(user_id)
            self._two_factor[user_id] = TwoFactorRecord(
                user_id=user_id,
                secret_ciphertext=secret_ciphertext,
                verified=False,
                last_used_step=None if old is None else old.last_used_step,
                failed_attempts=0 if old is None else old.failed_attempts,
                locked_until=None if old is None else old.locked_until,
            )
            self._backup[user_id] = set(backup_digests)

    def mark_two_factor_verified(self, user_id: str) -> None:
        with self._lock:
            row = self._two_factor.get(user_id)
            if row is not None:
                self._two_factor[user_id] = dataclasses.replace(row, verified=True)

    def delete_two_factor(self, user_id: str) -> None:
        with self._lock:
            self._two_factor.pop(user_id, None)
            self._backup.pop(user_id, None)

    def claim_totp_step(self, user_id: str, step: int) -> bool:
        with self._lock:
            row = self._two_factor.get(user_id)
            if row is None or (row.last_used_step is not None and row.last_used_step >= step):
                return False
            self._two_factor[user_id] = dataclasses.replace(row, last_used_step=step)
            return True

    def record_two_factor_failure(
        self, user_id: str, max_failures: int, locked_until: datetime
    ) -> int:
        with self._lock:
            row = self._two_factor.get(user_id)
            if row is None:
                return 0
            count = row.failed_attempts + 1
            lock = locked_until if count >= max_failures else row.locked_until
            self._two_factor[user_id] = dataclasses.replace(
                row, failed_attempts=count, locked_until=lock
            )
            return count

    def reset_two_factor_failures(self, user_id: str) -> None:
        with self._lock:
            row = self._two_factor.get(user_id)
            if row is not None:
                self._two_factor[user_id] = dataclasses.replace(
                    row, failed_attempts=0, locked_until=None
                )

    def replace_backup_codes(self, user_id: str, digests: Sequence[bytes]) -> None:
        with self._lock:
            if user_id in self._two_factor:
                self._backup[user_id] = set(digests)

    def consume_backup_code(self, user_id: str, digest: bytes) -> bool:
        with self._lock:
            codes = self._backup.get(user_id)
            if codes is None or digest not in codes:
                return False
            codes.discard(digest)
            return True

    # -- challenges --------------------------------------------------------
    def create_challenge(self, challenge: ChallengeRecord) -> None:
        with self._lock:
            self._challenges[challenge.id] = challenge

    def get_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        with self._lock:
            challenge = self._challenges.get(challenge_id)
            return challenge if challenge is not None and challenge.expires_at > now else None

    def begin_two_factor_attempt(
        self, user_id: str, challenge_id: str, max_attempts: int, now: datetime
    ) -> AttemptOutcome:
        with self._lock:
            row = self._two_factor.get(user_id)
            if row is not None and row.locked_until is not None:
                if row.locked_until > now:
                    return AttemptOutcome.LOCKED
                self._two_factor[user_id] = dataclasses.replace(
                    row, failed_attempts=0, locked_until=None
                )
            challenge = self._challenges.get(challenge_id)
            if challenge is None or challenge.expires_at <= now:
                return AttemptOutcome.MISSING
            if challenge.attempts >= max_attempts:
                return AttemptOutcome.CAPPED
            self._challenges[challenge_id] = dataclasses.replace(
                challenge, attempts=challenge.attempts + 1
            )
            return AttemptOutcome.RESERVED

    def consume_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        with self._lock:
            challenge = self._challenges.pop(challenge_id, None)
            return challenge if challenge is not None and challenge.expires_at > now else None

    def delete_challenge(self, challenge_id: str) -> None:
        with self._lock:
            self._challenges.pop(challenge_id, None)

    # -- trusted devices ---------------------------------------------------
    def create_trusted_device(self, device: TrustedDeviceRecord) -> None:
        with self._lock:
            self._devices[device.identifier] = device

    def get_trusted_device(self, identifier: str) -> TrustedDeviceRecord | None:
        with self._lock:
            return self._devices.get(identifier)

    def delete_trusted_device(self, identifier: str) -> bool:
        with self._lock:
            return self._devices.pop(identifier, None) is not None

    def delete_trusted_devices_of(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k, v in self._devices.items() if v.user_id == user_id]:
                del self._devices[key]

    # -- limits --------------------------------------------------------------
    def hit_rate_limit(
        self, bucket: bytes, window: int, max_hits: int, now: datetime
    ) -> int | None:
        moment, window_ms = ms(now), window * 1000
        with self._lock:
            found = self._buckets.get(bucket)
            if found is None and len(self._buckets) >= MAX_BUCKETS:
                self._prune_buckets(moment)
            old = None if found is None else found[0]
            new, wait = limits.bucket_step(old, moment, window_ms, max_hits)
            if wait is None:
                self._buckets[bucket] = (new, moment + window_ms)
            return wait

    def _prune_buckets(self, moment: int) -> None:
        for key in [k for k, (_, expires) in self._buckets.items() if expires <= moment]:
            del self._buckets[key]
        for key in list(self._buckets)[: max(0, len(self._buckets) - MAX_BUCKETS + 1)]:
            del self._buckets[key]

    def reserve_sign_in(
        self, account: bytes, policy: SignInThrottle, now: datetime
    ) -> datetime | None:
        with self._lock:
            moment = ms(now)
            found = self._failures.get(account)
            if found is None and len(self._failures) >= MAX_FAILURES:
                self._prune_failures(moment)
            new, refused_until = limits.throttle_step(found, moment, policy)
            if refused_until is not None:
                return dt(refused_until)
            self._failures[account] = new
            return None

    def _prune_failures(self, moment: int) -> None:
        rows = self._failures
        for key in [k for k, v in rows.items() if v.forget_at <= moment]:
            del rows[key]
        excess = len(rows) - MAX_FAILURES * 9 // 10
        if excess > 0:
            calm = [k for k, v in rows.items() if not v.blocked_until or v.blocked_until <= moment]
            for key in list(dict.fromkeys([*calm, *rows]))[:excess]:
                del rows[key]

    def clear_sign_in_failures(self, account: bytes) -> None:
        with self._lock:
            self._failures.pop(account, None)

    # -- housekeeping ------------------------------------------------------
    def purge_expired(self, now: datetime) -> None:
        with self._lock:
            for table in (self._sessions, self._challenges, self._devices):
                for key in [k for k, v in table.items() if v.expires_at <= now]:
                    del table[key]
            moment = ms(now)
            self._prune_buckets(moment)
            for account in [k for k, v in self._failures.items() if v.forget_at <= moment]:
                del self._failures[account]

    def close(self) -> None:
        """Nothing to release."""
