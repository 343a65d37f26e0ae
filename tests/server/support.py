"""Helpers for the server tests: a movable clock, a cookie-keeping browser, TOTP.

TOTP codes in tests are computed with a small RFC 6238 implementation written
here on purpose (neither the server's pyotp path nor desktop_2fa's).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import struct
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

BASE = "http://127.0.0.1:3000"
API = BASE + "/api/auth"
SECRET = "tests-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
# 14:30:00 UTC is the start of a 30 s step, so "+ 29 s" stays in it.
START = datetime(2026, 11, 24, 14, 30, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
T = TypeVar("T")


class MovableClock:
    """A clock tests move by hand (no sleeps)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def totp(secret_b32: str, at: datetime, step_offset: int = 0) -> str:
    """RFC 6238 HMAC-SHA1, 6 digits, 30 s."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int(at.timestamp()) // 30 + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def secret_of(uri: str) -> str:
    """The `secret` query value of an otpauth URI."""
    return parse_qs(urlsplit(uri).query)["secret"][0]


@dataclass
class Browser:
    """Talks to the app like a careful non-browser client.

    Keeps cookies verbatim from Set-Cookie (honouring Max-Age=0 as delete),
    sends them back, and sends `Origin` on POSTs unless told otherwise.
    """

    client: httpx.AsyncClient | httpx.Client
    runner: asyncio.Runner | None = None
    jar: dict[str, str] = field(default_factory=dict)
    origin: str | None = BASE
    api: str = API

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        origin: bool = True,
        cookies: bool = True,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if method != "GET" and origin and self.origin is not None:
            sent.setdefault("origin", self.origin)
        if cookies and self.jar:
            sent.setdefault("cookie", "; ".join(f"{k}={v}" for k, v in self.jar.items()))
        url = self.api + path
        if isinstance(self.client, httpx.Client):
            response = self.client.request(method, url, json=json, content=content, headers=sent)
        else:
            assert self.runner is not None
            response = self.runner.run(
                self.client.request(method, url, json=json, content=content, headers=sent)
            )
        self.client.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return response

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json={} if json is None else json, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    # -- flows ---------------------------------------------------------------
    def sign_up(self, email: str = "bob@example.test", password: str = PASSWORD) -> dict[str, Any]:
        response = self.post(
            "/sign-up/email", {"name": "Bob", "email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def sign_in(
        self, email: str = "bob@example.test", password: str = PASSWORD, **extra: Any
    ) -> httpx.Response:
        return self.post("/sign-in/email", {"email": email, "password": password, **extra})

    def enable(self, password: str = PASSWORD) -> dict[str, Any]:
        response = self.post("/two-factor/enable", {"password": password})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers by cookie name (full header text)."""
    out = {}
    for header in response.headers.get_list("set-cookie"):
        out[header.partition("=")[0]] = header
    return out


def cookie_value(response: httpx.Response, name: str) -> str:
    """The raw value a response set for `name`."""
    parsed: SimpleCookie = SimpleCookie()
    parsed.load(set_cookies(response)[name])
    return parsed[name].value


def assert_error(response: httpx.Response, status: int, code: str | None, message: str) -> None:
    """Status plus the better-auth envelope."""
    assert response.status_code == status, (response.status_code, response.text)
    expected: dict[str, str] = {"message": message}
    if code is not None:
        expected["code"] = code
    assert response.json() == expected


@dataclass(frozen=True)
class Enrolled:
    """A user with active 2FA."""

    secret: str
    backup_codes: list[str]


def enroll(browser: Browser, clock: MovableClock, email: str = "bob@example.test") -> Enrolled:
    """Sign up, enable and activate 2FA, then move to the next time step.

    Leaves the browser signed in (with the rotated session cookie).
    """
    browser.sign_up(email)
    enabled = browser.enable()
    secret = secret_of(enabled["totpURI"])
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, clock.now)})
    assert response.status_code == 200, response.text
    clock.advance(30)  # the activation code's step is spent (replay guard)
    return Enrolled(secret, enabled["backupCodes"])


def challenged(browser: Browser, **extra: Any) -> httpx.Response:
    """Sign out (if needed) and sign in again, expecting the 2FA challenge."""
    browser.post("/sign-out")
    response = browser.sign_in(**extra)
    assert response.json() == {"twoFactorRedirect": True, "twoFactorMethods": ["totp"]}
    return response


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def race(workers: int, attempt: Callable[[int], T]) -> list[T]:
    """`attempt(0..workers-1)` in as many threads, released at the same moment."""
    barrier = threading.Barrier(workers)

    def run(i: int) -> T:
        barrier.wait()
        return attempt(i)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))
