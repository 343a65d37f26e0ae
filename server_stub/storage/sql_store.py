"""Every `Store` method once, in SQL that SQLite (3.35+) and PostgreSQL both accept.

The engines differ only in how a connection is had and a transaction begun
(`Connections`), how a row is locked inside a transaction (`FOR UPDATE`,
which SQLite neither needs, since `BEGIN IMMEDIATE` takes the whole write
lock, nor accepts), and which exception a duplicate key raises. Every
single-use or counter rule is one conditional statement or one transaction
with the row locked, so it holds across threads and processes alike: a
conditional `DELETE`/`UPDATE` whose row count (or `RETURNING`) says who won.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from server_stub.storage import limits
from server_stub.storage import sql_rows as rows
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
from server_stub.storage.sql_rows import Connections, Executor

_SELECT_USER = f"SELECT {rows.USER_COLUMNS} FROM users u WHERE u.id = ?"
_SELECT_CREDENTIALS = f"SELECT {rows.USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?"
_SELECT_SESSION_USER = (
    f"SELECT {rows.SESSION_COLUMNS}, {rows.USER_COLUMNS}"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = ?"
)
_RETURNING_SESSION = " RETURNING " + rows.SESSION_COLUMNS.replace("s.", "")
_RETURNING_USER = " RETURNING " + rows.USER_COLUMNS.replace("u.", "")

# better-auth's fixed window in one statement (limits.bucket_step is the same
# rule for the memory store). Every right-hand side sees the row as it was.
_HIT = """
INSERT INTO rate_limits AS b (bucket, hits, last_at, expires_at, refused)
VALUES (:bucket, 1, :now, :now + :window, FALSE)
ON CONFLICT (bucket) DO UPDATE SET
    hits = CASE WHEN :now - b.last_at >= :window THEN 1
                WHEN b.hits >= :max THEN b.hits ELSE b.hits + 1 END,
    refused = (:now - b.last_at < :window AND b.hits >= :max),
    last_at = CASE WHEN :now - b.last_at < :window AND b.hits >= :max
                   THEN b.last_at ELSE :now END,
    expires_at = CASE WHEN :now - b.last_at < :window AND b.hits >= :max
                      THEN b.expires_at ELSE :now + :window END
RETURNING refused, last_at
"""


class SqlStore:
    """A `Store` over any `Connections` speaking this module's SQL."""

    #: Appended to a SELECT inside a transaction to lock the rows it reads.
    lock_rows = ""
    #: What the driver raises for a duplicate key.
    duplicate_errors: tuple[type[Exception], ...] = ()

    def __init__(self, connections: Connections) -> None:
        self._db = connections

    def _one(self, sql: str, args: rows.Args) -> rows.Row | None:
        with self._db.auto() as db:
            return db.one(sql, args)

    def _run(self, sql: str, args: rows.Args) -> int:
        with self._db.auto() as db:
            return db.run(sql, args)

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
                    user.email_verified,
                    user.image,
                    rows.ms(user.created_at),
                    rows.ms(user.updated_at),
                    user.two_factor_enabled,
                    password_hash,
                ),
            )
        except self.duplicate_errors as e:
            raise DuplicateEmail(user.email) from e

    def get_user(self, user_id: str) -> UserRecord | None:
        row = self._one(_SELECT_USER, (user_id,))
        return None if row is None else rows.user(row)

    def find_credentials(self, email: str) -> Credentials | None:
        row = self._one(_SELECT_CREDENTIALS, (email,))
        return None if row is None else Credentials(rows.user(row), str(row[8]))

    def get_password_hash(self, user_id: str) -> str | None:
        row = self._one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return None if row is None else str(row[0])

    def set_two_factor_enabled(
        self, user_id: str, enabled: bool, now: datetime
    ) -> UserRecord | None:
        row = self._one(
            "UPDATE users SET two_factor_enabled = ?, updated_at = ? WHERE id = ?"
            + _RETURNING_USER,
            (enabled, rows.ms(now), user_id),
        )
        return None if row is None else rows.user(row)

    # -- sessions ----------------------------------------------------------
    def create_session(self, session: SessionRecord) -> None:
        self._run(
            "INSERT INTO sessions (token, id, user_id, expires_at, created_at, updated_at,"
            " ip_address, user_agent) VALUES (?,?,?,?,?,?,?,?)",
            (
                session.token,
                session.id,
                session.user_id,
                rows.ms(session.expires_at),
                rows.ms(session.created_at),
                rows.ms(session.updated_at),
                session.ip_address,
                session.user_agent,
            ),
        )

    def get_session(self, token: str) -> tuple[SessionRecord, UserRecord] | None:
        row = self._one(_SELECT_SESSION_USER, (token,))
        return None if row is None else (rows.session(row), rows.user(row, 8))

    def extend_session(
        self, token: str, expires_at: datetime, now: datetime
    ) -> SessionRecord | None:
        row = self._one(
            "UPDATE sessions SET expires_at = ?, updated_at = ? WHERE token = ?"
            + _RETURNING_SESSION,
            (rows.ms(expires_at), rows.ms(now), token),
        )
        return None if row is None else rows.session(row)

    def delete_session(self, token: str) -> None:
        self._run("DELETE FROM sessions WHERE token = ?", (token,))

    # -- second factor -----------------------------------------------------
    def get_two_factor(self, user_id: str) -> TwoFactorRecord | None:
        row = self._one(
            f"SELECT {rows.TWO_FACTOR_COLUMNS} FROM two_factor WHERE user_id = ?", (user_id,)
        )
        return None if row is None else rows.two_factor(row)

    def put_two_factor(
        self, user_id: str, secret_ciphertext: bytes, backup_digests: Sequence[bytes]
    ) -> None:
        with self._db.transaction() as db:
            db.run(
                "INSERT INTO two_factor (user_id, secret, verified) VALUES (?, ?, FALSE)"
                " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, verified = FALSE",
                (user_id, secret_ciphertext),
            )
            self._swap_codes(db, user_id, backup_digests)

    @staticmethod
    def _swap_codes(db: Executor, user_id: str, digests: Sequence[bytes]) -> None:
        db.run("DELETE FROM backup_codes WHERE user_id = ?", (user_id,))
        db.many(
            "INSERT INTO backup_codes (user_id, digest) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(user_id, d) for d in digests],
        )

    def mark_two_factor_verified(self, user_id: str) -> None:
        self._run("UPDATE two_factor SET verified = TRUE WHERE user_id = ?", (user_id,))

    def delete_two_factor(self, user_id: str) -> None:
        # backup_codes go with it (ON DELETE CASCADE).
        self._run("DELETE FROM two_factor WHERE user_id = ?", (user_id,))

    def claim_totp_step(self, user_id: str, step: int) -> bool:
        changed = self._run(
            "UPDATE two_factor SET last_used_step = ?"
            " WHERE user_id = ? AND (last_used_step IS NULL OR last_used_step < ?)",
            (step, user_id, step),
        )
        return changed == 1

    def record_two_factor_failure(
        self, user_id: str, max_failures: int, locked_until: datetime
    ) -> int:
        row = self._one(
            "UPDATE two_factor SET failed_attempts = failed_attempts + 1,"
            " locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END"
            " WHERE user_id = ? RETURNING failed_attempts",
            (max_failures, rows.ms(locked_until), user_id),
        )
        return 0 if row is None else rows.integer(row[0])

    def reset_two_factor_failures(self, user_id: str) -> None:
        self._run(
            "UPDATE two_factor SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?",
            (user_id,),
        )

    def replace_backup_codes(self, user_id: str, digests: Sequence[bytes]) -> None:
        with self._db.transaction() as db:
            if db.one("SELECT 1 FROM two_factor WHERE user_id = ?" + self.lock_rows, (user_id,)):
                self._swap_codes(db, user_id, digests)

    def consume_backup_code(self, user_id: str, digest: bytes) -> bool:
        # The conditional DELETE is the whole race: one caller sees row count 1.
        deleted = self._run(
            "DELETE FROM backup_codes WHERE user_id = ? AND digest = ?", (user_id, digest)
        )
        return deleted == 1

    # -- challenges --------------------------------------------------------
    def create_challenge(self, challenge: ChallengeRecord) -> None:
        self._run(
            f"INSERT INTO challenges ({rows.CHALLENGE_COLUMNS}) VALUES (?,?,?,?)",
            (
                challenge.id,
                challenge.user_id,
                rows.ms(challenge.expires_at),
                challenge.attempts,
            ),
        )

    def get_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        row = self._one(
            f"SELECT {rows.CHALLENGE_COLUMNS} FROM challenges WHERE id = ? AND expires_at > ?",
            (challenge_id, rows.ms(now)),
        )
        return None if row is None else _challenge(row)

    def begin_two_factor_attempt(
        self, user_id: str, challenge_id: str, max_attempts: int, now: datetime
    ) -> AttemptOutcome:
        moment = rows.ms(now)
        with self._db.transaction() as db:
            lock = db.one(
                "SELECT locked_until FROM two_factor WHERE user_id = ?" + self.lock_rows,
                (user_id,),
            )
            if lock is not None and lock[0] is not None:
                if rows.integer(lock[0]) > moment:
                    return AttemptOutcome.LOCKED
                db.run(
                    "UPDATE two_factor SET failed_attempts = 0, locked_until = NULL"
                    " WHERE user_id = ?",
                    (user_id,),
                )
            changed = db.run(
                "UPDATE challenges SET attempts = attempts + 1"
                " WHERE id = ? AND expires_at > ? AND attempts < ?",
                (challenge_id, moment, max_attempts),
            )
            if changed == 1:
                return AttemptOutcome.RESERVED
            live = db.one(
                "SELECT 1 FROM challenges WHERE id = ? AND expires_at > ?", (challenge_id, moment)
            )
        return AttemptOutcome.MISSING if live is None else AttemptOutcome.CAPPED

    def consume_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        # DELETE ... RETURNING: only the caller whose statement removed the row gets it.
        row = self._one(
            f"DELETE FROM challenges WHERE id = ? RETURNING {rows.CHALLENGE_COLUMNS}",
            (challenge_id,),
        )
        if row is None:
            return None
        challenge = _challenge(row)
        return challenge if challenge.expires_at > now else None

    def delete_challenge(self, challenge_id: str) -> None:
        self._run("DELETE FROM challenges WHERE id = ?", (challenge_id,))

    # -- trusted devices ---------------------------------------------------
    def create_trusted_device(self, device: TrustedDeviceRecord) -> None:
        self._run(
            "INSERT INTO trusted_devices (identifier, user_id, expires_at) VALUES (?,?,?)",
            (device.identifier, device.user_id, rows.ms(device.expires_at)),
        )

    def get_trusted_device(self, identifier: str) -> TrustedDeviceRecord | None:
        row = self._one(
            "SELECT identifier, user_id, expires_at FROM trusted_devices WHERE identifier = ?",
            (identifier,),
        )
        if row is None:
            return None
        return TrustedDeviceRecord(str(row[0]), str(row[1]), rows.dt(row[2]))

    def delete_trusted_device(self, identifier: str) -> bool:
        return self._run("DELETE FROM trusted_devices WHERE identifier = ?", (identifier,)) == 1

    def delete_trusted_devices_of(self, user_id: str) -> None:
        self._run("DELETE FROM trusted_devices WHERE user_id = ?", (user_id,))

    # -- limits --------------------------------------------------------------
    def hit_rate_limit(
        self, bucket: bytes, window: int, max_hits: int, now: datetime
    ) -> int | None:
        moment, window_ms = rows.ms(now), window * 1000
        row = self._one(
            _HIT, {"bucket": bucket, "now": moment, "window": window_ms, "max": max_hits}
        )
        assert row is not None  # an upsert always returns its row
        if not row[0]:
            return None
        return limits.wait_seconds(rows.integer(row[1]) + window_ms, moment)

    def reserve_sign_in(
        self, account: bytes, policy: SignInThrottle, now: datetime
    ) -> datetime | None:
        moment = rows.ms(now)
        with self._db.transaction() as db:
            # Make sure the row exists first, so that the SELECT below locks it
            # even for the very first failure of two racing processes.
            db.run(
                "INSERT INTO sign_in_failures (account, failures, forget_at) VALUES (?, 0, 0)"
                " ON CONFLICT (account) DO NOTHING",
                (account,),
            )
            found = db.one(
                "SELECT failures, forget_at, blocked_until FROM sign_in_failures"
                " WHERE account = ?" + self.lock_rows,
                (account,),
            )
            assert found is not None
            blocked = None if found[2] is None else rows.integer(found[2])
            old = limits.Failures(rows.integer(found[0]), rows.integer(found[1]), blocked)
            new, refused_until = limits.throttle_step(old, moment, policy)
            if refused_until is not None:
                return rows.dt(refused_until)
            db.run(
                "UPDATE sign_in_failures SET failures = ?, forget_at = ?, blocked_until = ?"
                " WHERE account = ?",
                (new.failures, new.forget_at, new.blocked_until, account),
            )
        return None

    def clear_sign_in_failures(self, account: bytes) -> None:
        self._run("DELETE FROM sign_in_failures WHERE account = ?", (account,))

    # -- housekeeping ------------------------------------------------------
    def purge_expired(self, now: datetime) -> None:
        cutoff = rows.ms(now)
        with self._db.transaction() as db:
            for table, column in (
                ("sessions", "expires_at"),
                ("challenges", "expires_at"),
                ("trusted_devices", "expires_at"),
                ("rate_limits", "expires_at"),
                ("sign_in_failures", "forget_at"),
            ):
                db.run(f"DELETE FROM {table} WHERE {column} <= ?", (cutoff,))


def _challenge(row: rows.Row) -> ChallengeRecord:
    return ChallengeRecord(str(row[0]), str(row[1]), rows.dt(row[2]), rows.integer(row[3]))
