"""Load tests: a reference server process with its rate limit off, Locust in child processes.

Locust monkey-patches the standard library for gevent on import, so it is
never imported here: every Locust runs as its own process, bounded by
--run-time and by a timeout, and stopped at the end of its test.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server_stub.process import spawn

#: How the reference server is told not to rate-limit: the one place to change
#: when its rate-limit options change (issue 10 makes them a table).
RATE_LIMIT_OFF = ("--no-rate-limit",)
SECRET = "load-tests-secret-0123456789abcdefghijklmnopq"
STEPS = 14


@pytest.fixture
def unlimited_server() -> Iterator[str]:
    """The reference server as a process, in memory, rate limit off."""
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET, "D2FA_SERVER_LOG_LEVEL": "warning"}
    with spawn("--memory", *RATE_LIMIT_OFF, env=env) as server:
        yield server.base_url


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    """Locust's PREFIX_stats.csv by request name (the Aggregated row left out)."""
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        return {row["Name"]: row for row in csv.DictReader(f) if row["Type"]}


def read_failures(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_failures.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
