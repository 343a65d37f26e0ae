"""Store calls never run on the event loop: one slow query stalls only its own request."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx

from server_stub.app import create_app
from server_stub.settings import Settings
from server_stub.storage.memory import MemoryStore
from tests.server.conftest import FAST_HASHER
from tests.server.support import BASE, SECRET, Browser, MovableClock, challenged, enroll, totp


class WatchedStore(MemoryStore):
    """Notes every store call made on a thread that runs an event loop."""

    def __init__(self) -> None:
        super().__init__()
        self.on_loop: list[str] = []

    def __getattribute__(self, name: str) -> Any:
        found = super().__getattribute__(name)
        if callable(found) and not name.startswith("_"):
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return found
            super().__getattribute__("on_loop").append(name)
        return found


def test_every_endpoint_calls_the_store_off_the_event_loop(clock: MovableClock) -> None:
    store = WatchedStore()
    app = create_app(
        Settings(secret=SECRET, base_url=BASE), store, clock=clock, password_hasher=FAST_HASHER
    )
    runner = asyncio.Runner()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
    browser = Browser(client, runner)
    enrolled = enroll(browser, clock)
    browser.post("/two-factor/get-totp-uri", {"password": "correct horse battery"})
    browser.post("/two-factor/generate-backup-codes", {"password": "correct horse battery"})
    challenged(browser)
    browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    browser.get("/get-session")
    browser.post("/two-factor/disable", {"password": "correct horse battery"})
    browser.post("/sign-out")
    browser.sign_in(password="wrong password")
    runner.run(client.aclose())
    runner.close()
    assert store.on_loop == []


class SlowStore(MemoryStore):
    """`get_session` for one token waits until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.slow_token = ""
        self.entered = threading.Event()
        self.release = threading.Event()

    def get_session(self, token: str) -> Any:
        if token == self.slow_token:
            self.entered.set()
            self.release.wait(timeout=30)
        return super().get_session(token)


def test_a_slow_query_does_not_stall_other_requests(clock: MovableClock) -> None:
    store = SlowStore()
    app = create_app(
        Settings(secret=SECRET, base_url=BASE, rate_limit=None),
        store,
        clock=clock,
        password_hasher=FAST_HASHER,
    )

    async def scenario() -> list[str]:
        done: list[str] = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            signed_up: list[httpx.Response] = []
            for email in ("slow@example.test", "fast@example.test"):
                body = {"name": "N", "email": email, "password": "password 123"}
                signed_up.append(
                    await client.post(
                        "/api/auth/sign-up/email", json=body, headers={"origin": BASE}
                    )
                )
            slow_cookie, fast_cookie = (r.headers["set-cookie"].split(";")[0] for r in signed_up)
            store.slow_token = signed_up[0].json()["token"]

            async def get(cookie: str, name: str) -> None:
                response = await client.get("/api/auth/get-session", headers={"cookie": cookie})
                assert response.json()["user"]["email"] == f"{name}@example.test"
                done.append(name)

            slow = asyncio.create_task(get(slow_cookie, "slow"))
            while not store.entered.is_set():
                await asyncio.sleep(0.005)
            await get(fast_cookie, "fast")  # answered while the slow one still waits
            store.release.set()
            await slow
        return done

    release_anyway: Callable[[], None] = store.release.set
    safety = threading.Timer(20, release_anyway)  # a stalled loop would hang the test
    safety.start()
    try:
        assert asyncio.run(scenario()) == ["fast", "slow"]
    finally:
        safety.cancel()
