"""Several server processes on one database: `--workers N`, and two servers side by side.

PostgreSQL is the scratch server of tests/postgres.py; SQLite in WAL mode must
stay correct too. Requests reach the workers the way the kernel hands out
connections; the access log (one line per request, tagged with the pid)
shows that both served.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from server_stub.process import ServerProcess, spawn
from tests.server.support import PASSWORD, SECRET, Browser, race, secret_of, totp

pytestmark = pytest.mark.slow

WORKER_STARTED = re.compile(r"worker (\d+) started \(pid (\d+)\)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def start() -> Iterator[Callable[..., ServerProcess]]:
    """`python -m server_stub ARGS...` with the tests' secret; all stopped afterwards."""
    started: list[ServerProcess] = []

    def run(*args: str) -> ServerProcess:
        started.append(spawn(*args, env={**os.environ, "D2FA_SERVER_SECRET": SECRET}))
        return started[-1]

    yield run
    for server in started:
        server.stop()


def _pids_serving(log: str, path: str) -> set[str]:
    return set(re.findall(r"\[(\d+)\] " + re.escape(path) + r" \d{3} ", log))


def _workers(server: ServerProcess, count: int) -> dict[int, int]:
    """slot -> pid of the newest worker per slot, once `count` slots have one."""
    deadline = time.monotonic() + 30
    while True:
        found = {int(slot): int(pid) for slot, pid in WORKER_STARTED.findall(server.log())}
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _enrolled(base: str) -> tuple[Browser, str, list[str]]:
    browser = Browser(httpx.Client(timeout=30), api=base + "/api/auth", origin=base)
    browser.sign_up()
    enabled = browser.enable()
    secret = secret_of(enabled["totpURI"])
    activation = totp(secret, datetime.now(UTC))
    assert browser.post("/two-factor/verify-totp", {"code": activation}).status_code == 200
    return browser, secret, enabled["backupCodes"]


def test_two_servers_on_one_database_share_the_rate_limit(
    database: str, start: Callable[..., ServerProcess]
) -> None:
    first, second = start("--db", database), start("--db", database)
    with httpx.Client() as client:
        statuses = [
            client.post(
                server.base_url + "/api/auth/two-factor/verify-totp", json={"code": "0"}
            ).status_code
            for server in (first, second) * 3
        ]
    assert statuses == [401] * 5 + [429]


def test_two_workers_share_limits_and_single_use(
    database: str, start: Callable[..., ServerProcess]
) -> None:
    server = start("--db", database, "--workers", "2", "--no-rate-limit")
    browser, secret, codes = _enrolled(server.base_url)
    cookies = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
    browser.client.close()

    def post(path: str, body: dict[str, str]) -> int:
        with httpx.Client(timeout=30) as client:
            return client.post(
                server.base_url + "/api/auth" + path,
                json=body,
                headers={"cookie": cookies, "origin": server.base_url},
            ).status_code

    redeemed = race(20, lambda _: post("/two-factor/verify-backup-code", {"code": codes[0]}))
    assert sorted(redeemed) == [200] + [401] * 19
    # The next step's code (the activation used this one): accepted once, by one worker.
    code = totp(secret, datetime.now(UTC), 1)
    verified = race(20, lambda _: post("/two-factor/verify-totp", {"code": code}))
    assert sorted(verified) == [200] + [401] * 19
    log = server.stop()
    assert len(_pids_serving(log, "POST /api/auth/two-factor/verify-backup-code")) == 2
    assert len(_pids_serving(log, "POST /api/auth/two-factor/verify-totp")) == 2
    assert "Traceback" not in log and " 500 " not in log


def test_a_killed_worker_is_replaced_and_no_finished_enrollment_is_lost(
    postgres_url: str, start: Callable[..., ServerProcess]
) -> None:
    server = start("--db", postgres_url, "--workers", "2", "--no-rate-limit")
    victim = _workers(server, 2)[1]
    finished: list[tuple[str, str]] = []  # (email, TOTP secret) of completed enrollments
    lock = threading.Lock()
    stop_at = time.monotonic() + 8

    def enroll_in_a_loop(thread: int) -> int:
        errors = 0
        for n in range(1000):
            if time.monotonic() > stop_at:
                break
            email = f"load-{thread}-{n}@example.test"
            browser = Browser(httpx.Client(timeout=30), api=server.base_url + "/api/auth",
                              origin=server.base_url)  # fmt: skip
            try:
                browser.sign_up(email)
                secret = secret_of(browser.enable()["totpURI"])
                response = browser.post(
                    "/two-factor/verify-totp", {"code": totp(secret, datetime.now(UTC))}
                )
                if response.status_code == 200:
                    with lock:
                        finished.append((email, secret))
            except (httpx.TransportError, AssertionError):
                errors += 1  # a request the killed worker was serving
            finally:
                browser.client.close()
        return errors

    with ThreadPoolExecutor(4) as pool:
        load = [pool.submit(enroll_in_a_loop, i) for i in range(4)]
        time.sleep(3)
        before_kill = len(finished)
        os.kill(victim, signal.SIGKILL)
        errors = sum(f.result() for f in load)
    assert before_kill > 0 and len(finished) > before_kill + 2  # it kept answering
    assert errors <= 8  # only what was in flight on the killed worker
    assert "was killed by SIGKILL; starting another" in server.log()
    assert len(set(re.findall(r"worker 1 started \(pid (\d+)\)", server.log()))) == 2
    with httpx.Client(timeout=30) as client:
        for email, secret in finished:
            browser = Browser(client, api=server.base_url + "/api/auth", origin=server.base_url)
            assert browser.sign_in(email=email, password=PASSWORD).json()["twoFactorRedirect"]
            code = totp(secret, datetime.now(UTC), 1)
            assert browser.post("/two-factor/verify-totp", {"code": code}).status_code == 200
            browser.post("/sign-out")


def test_a_worker_killed_again_and_again_at_its_start_leaves_the_others_serving(
    tmp_path: Path, start: Callable[..., ServerProcess]
) -> None:
    """Only workers that all fail to start make the server give up: one slot
    whose workers keep dying (the OOM killer, an operator) must not take the
    healthy workers down with it."""
    server = start("--db", str(tmp_path / "s.db"), "--workers", "2")
    killed: set[int] = set()
    for _ in range(6):
        deadline = time.monotonic() + 30
        while (pid := _workers(server, 2)[1]) in killed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pid not in killed, server.log()[-2000:]
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)
    with httpx.Client(timeout=30) as client:
        assert client.get(server.base_url + "/api/auth/ok").status_code == 200
    assert server.process.poll() is None, server.log()[-2000:]
    assert "giving up" not in server.log()


def test_stopping_the_parent_stops_every_worker(
    tmp_path: Path, start: Callable[..., ServerProcess]
) -> None:
    server = start("--db", str(tmp_path / "s.db"), "--workers", "3")
    pids = list(_workers(server, 3).values())
    assert len(pids) == 3
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
