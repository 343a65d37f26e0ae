"""Reading an app's internal SQLite database (taken from a rooted phone or a backup).

The file is untrusted: it is opened in memory (`deserialize`, never as a
path), read-only, with SQLite's limits lowered and a progress handler that
stops any statement after a bounded number of steps, so a crafted database
(a view that recurses, a huge row) ends with one error instead of hanging.
Only real tables are read, never views or triggers, and only by name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from desktop_2fa.importers.errors import CorruptFile

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_STEPS = 20_000_000  # progress-handler ticks of 1,000 VM steps: a few seconds at most
MAX_ROWS = 100_000
MAX_VALUE_BYTES = 1 << 20
_WAL_VERSIONS = b"\x02\x02"
_ROLLBACK_VERSIONS = b"\x01\x01"

Row = Mapping[str, object]


def is_sqlite(data: bytes) -> bool:
    return data.startswith(SQLITE_MAGIC)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _rollback_mode(data: bytes) -> bytes:
    """`data` with its header saying rollback journal rather than write-ahead log.

    Android opens app databases in WAL mode by default (since 9), and an app may
    ask for it; the header's file format versions (bytes 18 and 19, "SQLite
    database file format" section 1.3.3) are then 2, and SQLite's in-memory
    database cannot open such an image. What the main file holds is the same in
    both modes; changes still in the "-wal" file beside it are not in the file.
    """
    if data[18:20] == _WAL_VERSIONS:
        return data[:18] + _ROLLBACK_VERSIONS + data[20:]
    return data


def _connect(data: bytes, title: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.deserialize(_rollback_mode(data))
        # A damaged or hostile TEXT value need not be UTF-8: read it with
        # U+FFFD in place of the bad bytes, so one bad entry is one entry error.
        conn.text_factory = _text
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
    except (sqlite3.Error, ValueError, OverflowError, MemoryError) as e:
        conn.close()
        raise CorruptFile(title, "it is not a readable SQLite database") from e
    steps = 0

    def progress() -> int:
        nonlocal steps
        steps += 1
        return 1 if steps * 1000 > MAX_STEPS else 0  # non-zero aborts the statement

    conn.set_progress_handler(progress, 1000)
    return conn


def read_tables(
    data: bytes, title: str, tables: tuple[str, ...], required: str
) -> dict[str, list[dict[str, object]]]:
    """Every row of each named table that exists as a real table, as `{column: value}`.

    Raises:
        CorruptFile: not a database, damaged, too big to read, or `required` is missing.
    """
    if not is_sqlite(data):
        raise CorruptFile(title, "it is not an SQLite database")
    conn = _connect(data, title)
    try:
        names = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if required not in names:
            raise CorruptFile(title, f"the database has no '{required}' table")
        found: dict[str, list[dict[str, object]]] = {}
        for table in tables:
            if table not in names:
                continue
            cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT {MAX_ROWS + 1}')  # noqa: S608 - a fixed name checked above
            columns = [c[0].lower() for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor]
            if len(rows) > MAX_ROWS:
                raise CorruptFile(title, f"the '{table}' table has too many rows")
            found[table] = rows
        return found
    except (sqlite3.Error, ValueError, MemoryError, OverflowError) as e:
        raise CorruptFile(title, "the database is damaged or too large to read") from e
    finally:
        conn.close()


def column_text(row: Row, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def column_int(row: Row, key: str, default: int = 0) -> int:
    value = row.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # More than 20 digits is no counter or type any app writes (and int()
    # refuses over 4,300 with a ValueError).
    if isinstance(value, str):
        digits = value.strip().lstrip("-")
        if digits.isdigit() and len(digits) <= 20:
            return int(value)
    return default
