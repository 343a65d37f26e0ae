"""Interop fixtures: our server as a real uvicorn process on a free 127.0.0.1 port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.support import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_stub() -> Iterator[Callable[..., str]]:
    """Start `python -m server_stub ARGS...`; returns its base URL. Stopped after the test."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "server_stub", "--port", str(port), *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(base + "/api/auth/ok", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                pass
            assert process.poll() is None, "server_stub exited"
            assert time.monotonic() < deadline, "server_stub did not start"
            time.sleep(0.02)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
