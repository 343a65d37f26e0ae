"""The default `Store`: one SQLite file in WAL mode that survives restarts.

One connection per store, used under a lock (SQLite calls take microseconds;
reusing the connection is what keeps the hot paths fast). Every multi-step
operation runs inside `BEGIN IMMEDIATE`, which also takes SQLite's write lock,
so the single-use rules and the limits hold across processes sharing the file
(`--workers`, or two servers on one database) too. The SQL itself is shared
with PostgreSQL (`sql_store`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from server_stub.storage import schema
from server_stub.storage.records import StorageError, StorageUnavailable
from server_stub.storage.sql_rows import Args, Row
from server_stub.storage.sql_store import SqlStore


class _Statements:
    """`Executor` over one sqlite3 connection (the caller holds the lock)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def one(self, sql: str, args: Args = ()) -> Row | None:
        row: Row | None = self._db.execute(sql, args).fetchone()
        return row

    def run(self, sql: str, args: Args = ()) -> int:
        return self._db.execute(sql, args).rowcount

    def many(self, sql: str, rows: Sequence[Args]) -> None:
        self._db.executemany(sql, rows)


class _Connection:
    """`Connections` for SQLite: one connection, one lock.

    "database is locked" past the busy timeout (another process held the
    write lock for 10 s) and other operational errors become one
    `StorageUnavailable`.
    """

    def __init__(self, db: sqlite3.Connection, where: str) -> None:
        self.db = db
        self.where = where
        self.lock = threading.Lock()
        self._statements = _Statements(db)

    @contextmanager
    def _operational(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as e:
            raise StorageUnavailable(f"{self.where}: {e}") from e

    @contextmanager
    def auto(self) -> Iterator[_Statements]:
        with self.lock, self._operational():
            yield self._statements

    @contextmanager
    def transaction(self) -> Iterator[_Statements]:
        with self.lock, self._operational():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self._statements
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")


class SQLiteStore(SqlStore):
    """A `Store` in one SQLite file (or `":memory:"`)."""

    duplicate_errors = (sqlite3.IntegrityError,)
    #: One connection under a lock, yet two threads: while one waits for the
    #: file's write lock held by another process (SQLite's busy handler sleeps
    #: 1, 2, 5 ms...), the other does the service work around its own store
    #: call (a TOTP check, building rows), which needs no lock. With one thread,
    #: two workers on one file served about a quarter fewer verify-totp
    #: requests at 8 connections than with `anyio.to_thread`.
    parallel_calls = 2

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
            db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the database {self.path}: {e}") from e
        self._connection = _Connection(db, self.path)
        super().__init__(self._connection)
        self._migrate()

    def _migrate(self) -> None:
        with self._connection.transaction() as db:
            found = db.one(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (schema.VERSION_TABLE,),
            )
            current = 0
            if found is not None:
                row = db.one(f"SELECT MAX(version) FROM {schema.VERSION_TABLE}")
                current = 0 if row is None or row[0] is None else int(str(row[0]))
            for statement in schema.statements(schema.Dialect.SQLITE, current, self.path):
                db.run(statement)

    def close(self) -> None:
        with self._connection.lock:
            self._connection.db.close()
