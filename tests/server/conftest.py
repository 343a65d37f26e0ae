"""Fixtures: a fresh app, store and movable clock per test.

Every test that goes through the app runs once per store: in memory, SQLite
and PostgreSQL (a scratch server, see tests/postgres.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_stub.app import create_app
from server_stub.services.passwords import PasswordHasher
from server_stub.settings import RateLimit, Settings
from server_stub.storage.memory import MemoryStore
from server_stub.storage.postgres import PostgresStore
from server_stub.storage.protocol import Store
from server_stub.storage.sqlite import SQLiteStore
from tests.server.support import BASE, SECRET, Browser, MovableClock

#: Cheap scrypt for in-process tests; the real parameters are covered separately.
FAST_HASHER = PasswordHasher(n=2**4, r=1, p=1)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


STORES = ["memory", "sqlite", "postgresql"]


def open_test_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of `kind`, closed afterwards (the shared PostgreSQL one is not)."""
    if kind == "postgresql":
        yield request.getfixturevalue("postgres_store")
        return
    made: Store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "test.db")
    yield made
    made.close()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from open_test_store(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def connections(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Store]]:
    """Twenty stores on one database, each with its own connection(s), as processes have."""
    if request.param == "sqlite":
        path = tmp_path / "race.db"
        stores: list[Store] = [SQLiteStore(path) for _ in range(20)]
    else:
        url = request.getfixturevalue("postgres_url")
        stores = [PostgresStore(url, pool_size=1) for _ in range(20)]
    yield stores
    for store in stores:
        store.close()


@pytest.fixture
def make_browser(clock: MovableClock, store: Store) -> Iterator[Callable[..., Browser]]:
    """Build an app with the given settings overrides and a browser for it.

    Requests go through `httpx.ASGITransport` on one event loop per test.
    """
    runner = asyncio.Runner()
    clients: list[httpx.AsyncClient] = []

    def make(**overrides: Any) -> Browser:
        overrides.setdefault("rate_limit", None)
        overrides.setdefault("base_url", BASE)
        settings = Settings(secret=SECRET, **overrides)
        app = create_app(settings, store, clock=clock, password_hasher=FAST_HASHER)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
        clients.append(client)
        return Browser(client, runner)

    yield make
    for client in clients:
        runner.run(client.aclose())
    runner.close()


@pytest.fixture
def browser(make_browser: Callable[..., Browser]) -> Browser:
    """A browser against an app without rate limit (limits have their own tests)."""
    return make_browser()


@pytest.fixture
def limited_browser(make_browser: Callable[..., Browser]) -> Browser:
    """A browser against an app with the default 5 per 60 s limit."""
    return make_browser(rate_limit=RateLimit())
