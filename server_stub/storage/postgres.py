"""A `Store` on PostgreSQL through psycopg 3 and a connection pool.

For several workers (and machines) on one database. Same SQL as SQLite
(`sql_store`), with `?`/`:name` parameters turned into psycopg's `%s`/`%(name)s`
and rows locked with `FOR UPDATE` inside transactions. Connections run in
autocommit, so a lone statement is its own transaction; conditional
statements (`DELETE ... WHERE`, `UPDATE ... WHERE n < max`, upserts) are
atomic under READ COMMITTED because PostgreSQL re-checks the condition on the
newest row version after waiting for a concurrent writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from server_stub.storage import schema
from server_stub.storage.records import StorageError, StorageUnavailable
from server_stub.storage.sql_rows import Args, Row
from server_stub.storage.sql_store import SqlStore

#: Serialises schema migrations of processes that start at the same moment.
_MIGRATION_LOCK = 0x64326661  # "d2fa"
_NAMED = re.compile(r"(?<![:\w]):([a-z_]+)")
_CONVERTED: dict[tuple[str, bool], str] = {}

Connection = psycopg.Connection[tuple[Any, ...]]


def _psycopg_sql(sql: str, named: bool) -> str:
    """`?` -> `%s` and `:name` -> `%(name)s` (cached: the statements are constants)."""
    key = (sql, named)
    converted = _CONVERTED.get(key)
    if converted is None:
        converted = _NAMED.sub(r"%(\1)s", sql) if named else sql.replace("?", "%s")
        _CONVERTED[key] = converted
    return converted


class _Statements:
    """`Executor` over one psycopg connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _execute(self, sql: str, args: Args) -> psycopg.Cursor[tuple[Any, ...]]:
        named = isinstance(args, Mapping)
        return self._conn.execute(_psycopg_sql(sql, named), args)

    def one(self, sql: str, args: Args = ()) -> Row | None:
        return self._execute(sql, args).fetchone()

    def run(self, sql: str, args: Args = ()) -> int:
        return self._execute(sql, args).rowcount

    def many(self, sql: str, rows: Sequence[Args]) -> None:
        if rows:
            with self._conn.cursor() as cursor:
                cursor.executemany(_psycopg_sql(sql, False), rows)


@contextmanager
def _reachable(where: str) -> Iterator[None]:
    """A lost or refused connection becomes one `StorageUnavailable` (no traceback)."""
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as e:
        first_line = (str(e).strip().splitlines() or ["no answer"])[0]
        raise StorageUnavailable(f"{where}: {first_line}") from e


class _Pool:
    """`Connections` for PostgreSQL: a psycopg pool of autocommit connections.

    A connection that broke (the server restarted) is dropped by the pool when
    it comes back, so the next request gets a fresh one.
    """

    def __init__(self, pool: ConnectionPool[Connection], where: str) -> None:
        self.pool = pool
        self.where = where

    @contextmanager
    def auto(self) -> Iterator[_Statements]:
        with _reachable(self.where), self.pool.connection() as conn:
            yield _Statements(conn)

    @contextmanager
    def transaction(self) -> Iterator[_Statements]:
        with _reachable(self.where), self.pool.connection() as conn, conn.transaction():
            yield _Statements(conn)


def public_url(url: str) -> str:
    """The database URL without its password, for logs and messages."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = str(parts.get("host") or "")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname') or ''}"


class PostgresStore(SqlStore):
    """A `Store` in a PostgreSQL database (`postgresql://USER@HOST:PORT/DB`)."""

    lock_rows = " FOR UPDATE"
    duplicate_errors = (psycopg.errors.UniqueViolation,)

    def __init__(
        self, url: str, *, pool_size: int = 10, timeout: float = 10.0, wait: float = 3.0
    ) -> None:
        """Connect, bring the schema up to date and open the pool.

        `timeout` bounds the first connection; `wait` bounds how long a call
        waits for a connection later (all busy, or the server gone), after
        which it fails with `StorageUnavailable` rather than hang.

        Raises:
            StorageError: the URL is unreadable or the server cannot be reached.
            UnsupportedSchema: the database was written by a newer server.
        """
        self.url = public_url(url)
        try:
            psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError as e:
            raise StorageError(f"not a PostgreSQL URL: {self.url}") from e
        pool: ConnectionPool[Connection] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True},
            timeout=wait,
            open=False,
            name="desktop-2fa-server",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except PoolTimeout as e:
            pool.close()
            raise StorageError(f"cannot connect to the database {self.url}") from e
        self._pool = _Pool(pool, self.url)
        #: Each call waits on the network with the GIL released: one per connection.
        self.parallel_calls = pool_size
        super().__init__(self._pool)
        try:
            self._migrate()
        except BaseException:
            pool.close()
            raise

    def _migrate(self) -> None:
        with self._pool.transaction() as db:
            db.one("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            found = db.one("SELECT to_regclass(?)", (schema.VERSION_TABLE,))
            current = 0
            if found is not None and found[0] is not None:
                row = db.one(f"SELECT MAX(version) FROM {schema.VERSION_TABLE}")
                current = 0 if row is None or row[0] is None else int(str(row[0]))
            for statement in schema.statements(schema.Dialect.POSTGRES, current, self.url):
                db.run(statement)

    def close(self) -> None:
        self._pool.pool.close()
