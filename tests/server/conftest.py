"""Fixtures: a fresh app, memory store and movable clock per test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from server_stub.app import create_app
from server_stub.services.passwords import PasswordHasher
from server_stub.settings import RateLimit, Settings
from server_stub.storage.memory import MemoryStore
from tests.server.support import BASE, SECRET, Browser, MovableClock

#: Cheap scrypt for in-process tests; the real parameters are covered separately.
FAST_HASHER = PasswordHasher(n=2**4, r=1, p=1)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def make_browser(clock: MovableClock, store: MemoryStore) -> Iterator[Callable[..., Browser]]:
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
