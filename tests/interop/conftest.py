"""Interop fixtures: our server as a real uvicorn process on a free 127.0.0.1 port."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from server_stub.process import ServerProcess, spawn


@pytest.fixture
def start_stub() -> Iterator[Callable[..., str]]:
    """Start `python -m server_stub ARGS...`; returns its base URL. Stopped after the test."""
    servers: list[ServerProcess] = []

    def start(*args: str) -> str:
        servers.append(spawn(*args))
        return servers[-1].base_url

    yield start
    for server in servers:
        server.stop()
