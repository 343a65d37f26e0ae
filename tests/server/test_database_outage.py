"""The database goes away and comes back: clear errors meanwhile, service after."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from server_stub.process import spawn
from server_stub.scratch_postgres import ScratchPostgres
from tests.server.support import SECRET, Browser

pytestmark = pytest.mark.slow

WORKER_STARTED = re.compile(r"worker (\d+) started \(pid (\d+)\)")


@pytest.fixture
def cluster() -> Iterator[ScratchPostgres]:
    with ScratchPostgres() as own:  # its own, since this test stops it
        yield own


@pytest.mark.parametrize("limits", [["--no-rate-limit"], []])
def test_a_lost_database_gives_500_and_one_log_line_then_service_resumes(
    cluster: ScratchPostgres, limits: list[str]
) -> None:
    url = cluster.create_database("outage")
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET}
    with spawn("--db", url, *limits, env=env) as server, httpx.Client(timeout=30) as client:
        browser = Browser(client, api=server.base_url + "/api/auth", origin=server.base_url)
        browser.sign_up()
        cluster.halt()
        for _ in range(3):
            response = browser.get("/get-session")
            assert response.status_code == 500
            assert response.json() == {
                "message": "Internal server error",
                "code": "INTERNAL_SERVER_ERROR",
            }
        cluster.resume()
        answers = [browser.get("/get-session") for _ in range(20)]
        assert answers[-1].json()["user"]["email"] == "bob@example.test"
        assert [r.status_code for r in answers].count(500) <= 1  # at most a stale connection
        log = server.stop()
    assert "Traceback" not in log
    assert log.count("the database did not answer") >= 3


def test_a_worker_started_while_the_database_is_down_says_so_in_one_line(
    cluster: ScratchPostgres,
) -> None:
    """A replacement worker that cannot reach the database is a log line, not a
    traceback every 10 s, and the slot is served again once the database is back."""
    url = cluster.create_database("outage")
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET}
    with spawn("--db", url, "--workers", "2", env=env) as server:
        deadline = time.monotonic() + 30
        while len(pids := WORKER_STARTED.findall(server.log())) < 2:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        cluster.halt()
        os.kill(int(dict(pids)["1"]), signal.SIGKILL)
        deadline = time.monotonic() + 60
        while "worker 1 cannot start" not in server.log():
            assert time.monotonic() < deadline, server.log()[-3000:]
            time.sleep(0.2)
        cluster.resume()
        deadline = time.monotonic() + 60
        while not any(
            f"Started server process [{pid}]" in server.log()
            for slot, pid in WORKER_STARTED.findall(server.log())[2:]
            if slot == "1"
        ):
            assert time.monotonic() < deadline, server.log()[-3000:]
            time.sleep(0.2)
        log = server.stop()
    assert "Traceback" not in log, log[-3000:]
    assert "cannot connect to the database postgresql://" in log
