"""Open the store a `--db` value names: a SQLite file or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

from server_stub.storage.memory import MemoryStore
from server_stub.storage.protocol import Store
from server_stub.storage.sqlite import SQLiteStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str) -> bool:
    """True if `location` is a PostgreSQL URL rather than a file path."""
    return location.startswith(POSTGRES_SCHEMES)


def describe(location: str | None) -> str:
    """What a log line may say about the store (a URL without its password)."""
    if location is None:
        return "memory"
    if is_postgres(location):
        from server_stub.storage.postgres import public_url

        return public_url(location)
    return location


def open_store(location: str | None, *, pool_size: int = 16) -> Store:
    """The store at `location` (None: in memory), schema brought up to date.

    PostgreSQL is imported only when asked for, so a SQLite server starts fast.

    Raises:
        StorageError: cannot be opened or reached (`UnsupportedSchema` if newer).
    """
    if location is None:
        return MemoryStore()
    if is_postgres(location):
        from server_stub.storage.postgres import PostgresStore

        return PostgresStore(location, pool_size=pool_size)
    return SQLiteStore(Path(location))
