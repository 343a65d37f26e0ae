"""Audits against in-process reference servers whose clock the audit's waits move.

The server, the audit's TOTP codes and its waits share one `MovableClock`, so
rate-limit windows of 60 s and lockouts pass in no real time. Password
hashing is cheap scrypt here (the real parameters are tested in tests/server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.types import ASGIApp

import server_stub.app
import server_stub.runner
from desktop_2fa.audit.model import AuditReport, CheckResult
from desktop_2fa.audit.runner import Audit
from server_stub.runner import RunningServer, start_in_thread
from server_stub.services.passwords import PasswordHasher
from server_stub.settings import Settings
from tests.enroll.conftest import dripping_server  # noqa: F401 - a fixture
from tests.server.support import MovableClock

SECRET = "audit-tests-secret-0123456789abcdefghijklmnop"
FAST_HASHER = PasswordHasher(n=2**4, r=1, p=1)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime.now(UTC))


@pytest.fixture
def serve(clock: MovableClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """Start a reference server: `serve(store=..., wrap=..., **settings)` -> its URL.

    `wrap` wraps the ASGI app (a weakness or a strength in front of it).
    """
    running: list[RunningServer] = []
    monkeypatch.setattr(server_stub.app, "PasswordHasher", lambda: FAST_HASHER)

    def start(wrap: Callable[[ASGIApp], ASGIApp] | None = None, **options: Any) -> str:
        store = options.pop("store", None)
        if wrap is not None:
            real = server_stub.runner.create_app
            monkeypatch.setattr(
                server_stub.runner, "create_app", lambda *a, **k: wrap(real(*a, **k))
            )
        running.append(
            start_in_thread(Settings(secret=SECRET, **options), store=store, clock=clock)
        )
        return running[-1].base_url

    yield start
    for server in running:
        server.stop()


def run_audit(url: str, clock: MovableClock, *only: str, **options: Any) -> AuditReport:
    """An audit whose waits move `clock` instead of sleeping."""
    options.setdefault("max_wait", 100_000)
    return Audit(
        url,
        only=only or None,
        clock=lambda: clock.now.timestamp(),  # noqa: PLW0108 - `now` is replaced as it moves
        sleep=clock.advance,
        **options,
    ).run()


def result(report: AuditReport, check_id: str) -> CheckResult:
    (found,) = [r for r in report.results if r.info.id == check_id]
    return found
