"""PostgreSQL for the tests: one scratch server per session, started on first use.

`postgres_cluster` runs `initdb` into a temporary folder and `postgres` as an
unprivileged user on 127.0.0.1 (`server_stub.scratch_postgres`), and stops it
at the end of the session. `postgres_url` is a new empty database per test;
`postgres_store` is one shared `PostgresStore`, emptied before each test.
PostgreSQL's server must be installed: `make test` installs Debian's
`postgresql` where it is missing, and a run without it fails, loudly.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from server_stub.scratch_postgres import ScratchPostgres, ScratchPostgresError
from server_stub.storage.postgres import PostgresStore

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ScratchPostgres]:
    cluster = ScratchPostgres()
    try:
        cluster.start()
    except ScratchPostgresError as e:
        pytest.fail(f"PostgreSQL for the tests: {e}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: ScratchPostgres) -> str:
    """A new, empty database on the scratch server."""
    return postgres_cluster.create_database(f"test_{next(_names)}")


@pytest.fixture(scope="session")
def _shared_postgres(
    postgres_cluster: ScratchPostgres,
) -> Iterator[tuple[PostgresStore, psycopg.Connection[Any]]]:
    url = postgres_cluster.create_database("shared")
    store = PostgresStore(url)
    admin = psycopg.connect(url, autocommit=True)
    yield store, admin
    admin.close()
    store.close()


@pytest.fixture
def postgres_store(
    _shared_postgres: tuple[PostgresStore, psycopg.Connection[Any]],
) -> PostgresStore:
    """The session's `PostgresStore` with every table emptied (do not close it)."""
    store, admin = _shared_postgres
    tables = [
        row[0]
        for row in admin.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'schema_version'"
        )
    ]
    admin.execute("TRUNCATE " + ", ".join(tables))
    return store
