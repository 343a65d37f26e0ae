"""Fixtures for the web pages and CORS: an in-process app per test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from server_stub.app import create_app
from server_stub.services.passwords import PasswordHasher
from server_stub.settings import Settings
from server_stub.storage.memory import MemoryStore
from server_stub.web import pages

BASE = "http://127.0.0.1:3000"
FRONT = "http://127.0.0.1:5173"
SECRET = "tests-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
#: Cheap scrypt for in-process tests.
FAST_HASHER = PasswordHasher(n=2**4, r=1, p=1)


class Client:
    """A synchronous face on `httpx.AsyncClient(transport=ASGITransport(app))`."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request(method, path, **kwargs))

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", path, **kwargs)

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty bundle folder the pages read from (tests write app.js into it)."""
    folder = tmp_path / "dist"
    folder.mkdir()
    monkeypatch.setattr(pages, "DIST", folder)
    return folder


@pytest.fixture
def built(dist: Path) -> Path:
    """A bundle folder holding an app.js."""
    (dist / "app.js").write_text("console.log('bundle one');\n", encoding="utf-8")
    return dist


@pytest.fixture
def make_client() -> Iterator[Callable[..., Client]]:
    """A client for a fresh app built with the given settings overrides."""
    clients: list[Client] = []

    def make(app: ASGIApp | None = None, base_url: str = BASE, **overrides: Any) -> Client:
        if app is None:
            overrides.setdefault("rate_limit", None)
            overrides.setdefault("base_url", BASE)
            settings = Settings(secret=SECRET, **overrides)
            app = create_app(settings, MemoryStore(), password_hasher=FAST_HASHER)
        clients.append(Client(app, base_url))
        return clients[-1]

    yield make
    for client in clients:
        client.close()
