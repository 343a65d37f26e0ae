"""The default `Store`: one SQLite file in WAL mode that survives restarts.

One connection per store, used under a lock (SQLite calls take microseconds;
reusing the connection is what keeps the hot paths fast). Every multi-step
operation runs inside `BEGIN IMMEDIATE`, which also takes SQLite's write lock,
so the single-use rules hold across processes sharing the file too. Backup
codes are one row each; redeeming one is a conditional `DELETE` whose row
count says who won a race.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from server_stub.storage.records import (
    AttemptOutcome,
    ChallengeRecord,
    Credentials,
    DuplicateEmail,
    SessionRecord,
    StorageError,
    TrustedDeviceRecord,
    TwoFactorRecord,
    UserRecord,
)
from server_stub.storage.sqlite_schema import migrate

_SELECT_USER = (
    "SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,"
    " u.two_factor_enabled"
    " FROM users u WHERE u.id = ?"
)
_SELECT_CREDENTIALS = (
    "SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,"
    " u.two_factor_enabled, u.password_hash"
    " FROM users u WHERE u.email = ?"
)
_SELECT_SESSION = (
    "SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at, s.ip_address,"
    " s.user_agent"
    " FROM sessions s WHERE s.token = ?"
)
_SELECT_SESSION_USER = (
    "SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at, s.ip_address,"
    " s.user_agent,"
    " u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,"
    " u.two_factor_enabled"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = ?"
)

Row = tuple[object, ...]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _dt(ms: object) -> datetime:
    assert isinstance(ms, int)
    return datetime.fromtimestamp(ms / 1000, UTC)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _user(row: Row, at: int = 0) -> UserRecord:
    image = row[at + 4]
    return UserRecord(
        id=str(row[at]),
        name=str(row[at + 1]),
        email=str(row[at + 2]),
        email_verified=bool(row[at + 3]),
        image=None if image is None else str(image),
        created_at=_dt(row[at + 5]),
        updated_at=_dt(row[at + 6]),
        two_factor_enabled=bool(row[at + 7]),
    )


def _session(row: Row) -> SessionRecord:
    return SessionRecord(
        id=str(row[0]),
        token=str(row[1]),
        user_id=str(row[2]),
        expires_at=_dt(row[3]),
        created_at=_dt(row[4]),
        updated_at=_dt(row[5]),
        ip_address=str(row[6]),
        user_agent=str(row[7]),
    )


class SQLiteStore:
    """A `Store` in one SQLite file (or `":memory:"`)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            file = Path(self.path)
            file.parent.mkdir(parents=True, exist_ok=True)
            # Password hashes and sealed secrets live here: owner-only from the
            # first byte; SQLite gives the -wal/-shm files the same mode.
            fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the database {self.path}: {e}") from e
        self._lock = threading.Lock()
        self._migrate()

    def _migrate(self) -> None:
        with self._write() as db:
            migrate(db, self.path)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One `BEGIN IMMEDIATE` transaction, committed unless it raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, args: Sequence[object]) -> Row | None:
        with self._lock:
            row: Row | None = self._db.execute(sql, args).fetchone()
            return row

    def _run(self, sql: str, args: Sequence[object]) -> int:
        """One statement in its own (implicit, atomic) transaction; row count."""
        with self._lock:
            return self._db.execute(sql, args).rowcount

    # -- users -------------------------------------------------------------
    def create_user(self, user: UserRecord, password_hash: str) -> None:
        try:
            self._run(
                "INSERT INTO users (id, name, email, email_verified, image, created_at,"
                " updated_at, two_factor_enabled, password_hash) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    user.id,
                    user.name,
                    user.email,
                    int(user.email_verified),
                    user.image,
                    _ms(user.created_at),
                    _ms(user.updated_at),
                    int(user.two_factor_enabled),
                    password_hash,
                ),
            )
        except sqlite3.IntegrityError as e:
            raise DuplicateEmail(user.email) from e

    def get_user(self, user_id: str) -> UserRecord | None:
        row = self._one(_SELECT_USER, (user_id,))
        return None if row is None else _user(row)

    def find_credentials(self, email: str) -> Credentials | None:
        row = self._one(_SELECT_CREDENTIALS, (email,))
        return None if row is None else Credentials(_user(row), str(row[8]))

    def get_password_hash(self, user_id: str) -> str | None:
        row = self._one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return None if row is None else str(row[0])

    def set_two_factor_enabled(
        self, user_id: str, enabled: bool, now: datetime
    ) -> UserRecord | None:
        with self._write() as db:
            db.execute(
                "UPDATE users SET two_factor_enabled = ?, updated_at = ? WHERE id = ?",
                (int(enabled), _ms(now), user_id),
            )
            row = db.execute(_SELECT_USER, (user_id,)).fetchone()
        return None if row is None else _user(row)

    # -- sessions ----------------------------------------------------------
    def create_session(self, session: SessionRecord) -> None:
        self._run(
            "INSERT INTO sessions (token, id, user_id, expires_at, created_at, updated_at,"
            " ip_address, user_agent) VALUES (?,?,?,?,?,?,?,?)",
            (
                session.token,
                session.id,
                session.user_id,
                _ms(session.expires_at),
                _ms(session.created_at),
                _ms(session.updated_at),
                session.ip_address,
                session.user_agent,
            ),
        )

    def get_session(self, token: str) -> tuple[SessionRecord, UserRecord] | None:
        row = self._one(_SELECT_SESSION_USER, (token,))
        return None if row is None else (_session(row), _user(row, 8))

    def extend_session(
        self, token: str, expires_at: datetime, now: datetime
    ) -> SessionRecord | None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET expires_at = ?, updated_at = ? WHERE token = ?",
                (_ms(expires_at), _ms(now), token),
            )
            row = db.execute(_SELECT_SESSION, (token,)).fetchone()
        return None if row is None else _session(row)

    def delete_session(self, token: str) -> None:
        self._run("DELETE FROM sessions WHERE token = ?", (token,))

    # -- second factor -----------------------------------------------------
    def get_two_factor(self, user_id: str) -> TwoFactorRecord | None:
        row = self._one(
            "SELECT user_id, secret, verified, last_used_step, failed_attempts, locked_until"
            " FROM two_factor WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        secret, step, locked = row[1], row[3], row[5]
        assert isinstance(secret, bytes)
        return TwoFactorRecord(
            user_id=str(row[0]),
            secret_ciphertext=secret,
            verified=bool(row[2]),
            last_used_step=None if step is None else _int(step),
            failed_attempts=_int(row[4]),
            locked_until=None if locked is None else _dt(locked),
        )

    def put_two_factor(
        self, user_id: str, secret_ciphertext: bytes, backup_digests: Sequence[bytes]
    ) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO two_factor (user_id, secret, verified) VALUES (?, ?, 0)"
                " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, verified = 0",
                (user_id, secret_ciphertext),
            )
            self._swap_codes(db, user_id, backup_digests)

    @staticmethod
    def _swap_codes(db: sqlite3.Connection, user_id: str, digests: Sequence[bytes]) -> None:
        db.execute("DELETE FROM backup_codes WHERE user_id = ?", (user_id,))
        db.executemany(
            "INSERT OR IGNORE INTO backup_codes (user_id, digest) VALUES (?, ?)",
            [(user_id, d) for d in digests],
        )

    def mark_two_factor_verified(self, user_id: str) -> None:
        self._run("UPDATE two_factor SET verified = 1 WHERE user_id = ?", (user_id,))

    def delete_two_factor(self, user_id: str) -> None:
        # backup_codes go with it (ON DELETE CASCADE).
        self._run("DELETE FROM two_factor WHERE user_id = ?", (user_id,))

    def claim_totp_step(self, user_id: str, step: int) -> bool:
        return (
            self._run(
                "UPDATE two_factor SET last_used_step = ?"
                " WHERE user_id = ? AND (last_used_step IS NULL OR last_used_step < ?)",
                (step, user_id, step),
            )
            == 1
        )

    def record_two_factor_failure(
        self, user_id: str, max_failures: int, locked_until: datetime
    ) -> int:
        with self._write() as db:
            db.execute(
                "UPDATE two_factor SET failed_attempts = failed_attempts + 1 WHERE user_id = ?",
                (user_id,),
            )
            db.execute(
                "UPDATE two_factor SET locked_until = ? WHERE user_id = ? AND failed_attempts >= ?",
                (_ms(locked_until), user_id, max_failures),
            )
            row = db.execute(
                "SELECT failed_attempts FROM two_factor WHERE user_id = ?", (user_id,)
            ).fetchone()
        return 0 if row is None else _int(row[0])

    def reset_two_factor_failures(self, user_id: str) -> None:
        self._run(
            "UPDATE two_factor SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?",
            (user_id,),
        )

    def replace_backup_codes(self, user_id: str, digests: Sequence[bytes]) -> None:
        with self._write() as db:
            if db.execute("SELECT 1 FROM two_factor WHERE user_id = ?", (user_id,)).fetchone():
                self._swap_codes(db, user_id, digests)

    def consume_backup_code(self, user_id: str, digest: bytes) -> bool:
        # The conditional DELETE is the whole race: SQLite runs it as one
        # transaction under its write lock, so one caller sees rowcount 1.
        return (
            self._run(
                "DELETE FROM backup_codes WHERE user_id = ? AND digest = ?", (user_id, digest)
            )
            == 1
        )

    # -- challenges --------------------------------------------------------
    def create_challenge(self, challenge: ChallengeRecord) -> None:
        self._run(
            "INSERT INTO challenges (id, user_id, expires_at, attempts) VALUES (?,?,?,?)",
            (challenge.id, challenge.user_id, _ms(challenge.expires_at), challenge.attempts),
        )

    def get_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        row = self._one(
            "SELECT id, user_id, expires_at, attempts FROM challenges"
            " WHERE id = ? AND expires_at > ?",
            (challenge_id, _ms(now)),
        )
        if row is None:
            return None
        return ChallengeRecord(str(row[0]), str(row[1]), _dt(row[2]), _int(row[3]))

    def reserve_challenge_attempt(
        self, challenge_id: str, max_attempts: int, now: datetime
    ) -> AttemptOutcome:
        with self._write() as db:
            changed = db.execute(
                "UPDATE challenges SET attempts = attempts + 1"
                " WHERE id = ? AND expires_at > ? AND attempts < ?",
                (challenge_id, _ms(now), max_attempts),
            ).rowcount
            if changed == 1:
                return AttemptOutcome.RESERVED
            live = db.execute(
                "SELECT 1 FROM challenges WHERE id = ? AND expires_at > ?",
                (challenge_id, _ms(now)),
            ).fetchone()
        return AttemptOutcome.MISSING if live is None else AttemptOutcome.CAPPED

    def consume_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        with self._write() as db:
            row = db.execute(
                "SELECT id, user_id, expires_at, attempts FROM challenges WHERE id = ?",
                (challenge_id,),
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM challenges WHERE id = ?", (challenge_id,))
        challenge = ChallengeRecord(str(row[0]), str(row[1]), _dt(row[2]), _int(row[3]))
        return challenge if challenge.expires_at > now else None

    def delete_challenge(self, challenge_id: str) -> None:
        self._run("DELETE FROM challenges WHERE id = ?", (challenge_id,))

    # -- trusted devices ---------------------------------------------------
    def create_trusted_device(self, device: TrustedDeviceRecord) -> None:
        self._run(
            "INSERT INTO trusted_devices (identifier, user_id, expires_at) VALUES (?,?,?)",
            (device.identifier, device.user_id, _ms(device.expires_at)),
        )

    def get_trusted_device(self, identifier: str) -> TrustedDeviceRecord | None:
        row = self._one(
            "SELECT identifier, user_id, expires_at FROM trusted_devices WHERE identifier = ?",
            (identifier,),
        )
        return None if row is None else TrustedDeviceRecord(str(row[0]), str(row[1]), _dt(row[2]))

    def delete_trusted_device(self, identifier: str) -> bool:
        return self._run("DELETE FROM trusted_devices WHERE identifier = ?", (identifier,)) == 1

    def delete_trusted_devices_of(self, user_id: str) -> None:
        self._run("DELETE FROM trusted_devices WHERE user_id = ?", (user_id,))

    # -- housekeeping ------------------------------------------------------
    def purge_expired(self, now: datetime) -> None:
        cutoff = _ms(now)
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (cutoff,))
            db.execute("DELETE FROM challenges WHERE expires_at <= ?", (cutoff,))
            db.execute("DELETE FROM trusted_devices WHERE expires_at <= ?", (cutoff,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
