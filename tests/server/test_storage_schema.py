"""One versioned schema for SQLite and PostgreSQL: old databases are brought up to
date with their data, newer ones are refused rather than misread."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from server_stub.storage import SQLiteStore, Store, UnsupportedSchema
from server_stub.storage.postgres import PostgresStore
from server_stub.storage.schema import SCHEMA_VERSION, Dialect, statements
from tests.server.support import START

V1_USER = (
    "INSERT INTO users (id, name, email, email_verified, image, created_at, updated_at,"
    " two_factor_enabled, password_hash) VALUES ('u1', 'Old', 'old@example.test', FALSE, NULL,"
    " 0, 0, TRUE, 'hash')"
)


def _check_upgraded(store: Store) -> None:
    user = store.get_user("u1")
    assert user is not None and user.email == "old@example.test" and user.two_factor_enabled
    assert store.hit_rate_limit(b"bucket", 10, 1, START) is None  # version 2's table


def test_sqlite_version_1_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    for statement in statements(Dialect.SQLITE, 0, "v1", target=1):
        db.execute(statement)
    db.execute(V1_USER)
    db.commit()
    db.close()
    store = SQLiteStore(path)
    _check_upgraded(store)
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(UnsupportedSchema, match="schema version 99"):
        SQLiteStore(path)


def test_postgresql_version_1_is_upgraded_and_keeps_its_rows(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as db:
        for statement in statements(Dialect.POSTGRES, 0, "v1", target=1):
            db.execute(statement)
        db.execute(V1_USER)
    store = PostgresStore(postgres_url)
    _check_upgraded(store)
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as db:
        rows: list[Any] = db.execute("SELECT version FROM schema_version").fetchall()
        assert rows == [(SCHEMA_VERSION,)]
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(UnsupportedSchema, match="schema version 99"):
        PostgresStore(postgres_url)


def test_postgresql_refuses_a_bad_url_and_an_unreachable_server() -> None:
    from server_stub.storage import StorageError

    with pytest.raises(StorageError, match="cannot connect") as refused:
        PostgresStore("postgresql://nobody:hunter2@127.0.0.1:1/none", timeout=1)
    assert "hunter2" not in str(refused.value)
    with pytest.raises(StorageError, match="not a PostgreSQL URL"):
        PostgresStore("postgresql://a@b/c?sslmode=bogus&&x")
