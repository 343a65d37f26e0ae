"""Interop fixtures: our server as a real uvicorn process on a free 127.0.0.1 port."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from server_stub.process import ServerProcess, spawn

SECRET = "interop-stub-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
#: Where our server keeps its data in the interop tests: one process on SQLite,
#: and the scale-out set-up, two workers on PostgreSQL (tests/postgres.py).
STORES = ["sqlite", "postgresql-2-workers"]


@pytest.fixture(params=STORES)
def store_args(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> list[str]:
    """`--db ...` (and `--workers`) for each kind of store."""
    if request.param == "sqlite":
        return ["--db", str(tmp_path_factory.mktemp("interop") / "interop.db")]
    return ["--db", request.getfixturevalue("postgres_url"), "--workers", "2"]


@pytest.fixture
def start_stub() -> Iterator[Callable[..., str]]:
    """Start `python -m server_stub ARGS...`; returns its base URL. Stopped after the test."""
    servers: list[ServerProcess] = []

    def start(*args: str) -> str:
        servers.append(spawn(*args, env={**os.environ, "D2FA_SERVER_SECRET": SECRET}))
        return servers[-1].base_url

    yield start
    for server in servers:
        server.stop()
