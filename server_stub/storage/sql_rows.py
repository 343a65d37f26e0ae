"""Rows as SQLite and PostgreSQL return them, turned into records, and back.

Both engines keep times as integer milliseconds and return flags as 0/1 or
booleans, so one set of converters serves both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol

from server_stub.storage.records import SessionRecord, TwoFactorRecord, UserRecord

Row = tuple[object, ...]
Args = Sequence[object] | Mapping[str, object]

USER_COLUMNS = (
    "u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,"
    " u.two_factor_enabled"
)
SESSION_COLUMNS = (
    "s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at, s.ip_address, s.user_agent"
)
TWO_FACTOR_COLUMNS = "user_id, secret, verified, last_used_step, failed_attempts, locked_until"
CHALLENGE_COLUMNS = "id, user_id, expires_at, attempts"


class Executor(Protocol):
    """Statements on one connection, in `?` (or `:name`) parameter style."""

    def one(self, sql: str, args: Args = ()) -> Row | None:
        """The first row of a query, if any."""
        ...

    def run(self, sql: str, args: Args = ()) -> int:
        """A statement's row count."""
        ...

    def many(self, sql: str, rows: Sequence[Args]) -> None:
        """One statement for each parameter set."""
        ...


class Connections(Protocol):
    """Where a SQL store gets its connections from."""

    def auto(self) -> AbstractContextManager[Executor]:
        """Each statement is its own transaction."""
        ...

    def transaction(self) -> AbstractContextManager[Executor]:
        """One write transaction, committed unless the block raises."""
        ...


def ms(moment: datetime) -> int:
    """Milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def dt(value: object) -> datetime:
    """A stored millisecond count as an aware UTC datetime."""
    return datetime.fromtimestamp(integer(value) / 1000, UTC)


def integer(value: object) -> int:
    """A stored integer (never a float or text)."""
    assert isinstance(value, int)
    return value


def blob(value: object) -> bytes:
    """A stored byte string (PostgreSQL may hand back a memoryview)."""
    if isinstance(value, memoryview):
        return value.tobytes()
    assert isinstance(value, bytes)
    return value


def user(row: Row, at: int = 0) -> UserRecord:
    """A `USER_COLUMNS` row (starting at column `at`)."""
    image = row[at + 4]
    return UserRecord(
        id=str(row[at]),
        name=str(row[at + 1]),
        email=str(row[at + 2]),
        email_verified=bool(row[at + 3]),
        image=None if image is None else str(image),
        created_at=dt(row[at + 5]),
        updated_at=dt(row[at + 6]),
        two_factor_enabled=bool(row[at + 7]),
    )


def session(row: Row) -> SessionRecord:
    """A `SESSION_COLUMNS` row."""
    return SessionRecord(
        id=str(row[0]),
        token=str(row[1]),
        user_id=str(row[2]),
        expires_at=dt(row[3]),
        created_at=dt(row[4]),
        updated_at=dt(row[5]),
        ip_address=str(row[6]),
        user_agent=str(row[7]),
    )


def two_factor(row: Row) -> TwoFactorRecord:
    """A `TWO_FACTOR_COLUMNS` row."""
    step, locked = row[3], row[5]
    return TwoFactorRecord(
        user_id=str(row[0]),
        secret_ciphertext=blob(row[1]),
        verified=bool(row[2]),
        last_used_step=None if step is None else integer(step),
        failed_attempts=integer(row[4]),
        locked_until=None if locked is None else dt(locked),
    )
