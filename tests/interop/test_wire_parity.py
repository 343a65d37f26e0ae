"""Our server and a real better-auth 1.7.25 answer one script identically on the wire.

Both servers get the same requests; what is compared is everything a client
can see except random values: status, error envelopes, JSON shapes (keys in
order, value types, booleans), and Set-Cookie names with their attributes.
The script avoids the places where PROTOCOL.md §0 says we differ on purpose
(replay, rate limits, verify-otp).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.interop.better_auth import better_auth_server
from tests.server.support import PASSWORD, Browser, secret_of, totp

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.interop, pytest.mark.slow]


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return ["list", len(value), _shape(value[0]) if value else None]
    if isinstance(value, bool) or value is None:
        return value
    return type(value).__name__


def _cookies(response: httpx.Response) -> list[str]:
    out = []
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        out.append(f"{name}={'<v>' if value else ''};{attributes}")
    return out


def _observe(response: httpx.Response) -> dict[str, Any]:
    body: Any = None
    if response.content:
        body = response.json()
        if not (isinstance(body, dict) and "code" in body and response.status_code >= 400):
            body = _shape(body)
    return {"status": response.status_code, "body": body, "cookies": _cookies(response)}


def _script(base: str) -> list[tuple[str, dict[str, Any]]]:
    """Run the scenario against `base`; (step name, observation) pairs."""
    browser = Browser(httpx.Client(timeout=30), api=base + "/api/auth", origin=base)
    seen: list[tuple[str, dict[str, Any]]] = []

    def step(name: str, response: httpx.Response) -> httpx.Response:
        seen.append((name, _observe(response)))
        return response

    def now() -> datetime:
        return datetime.now(UTC)

    email = "parity@example.test"
    sign_up = {"name": "Pat", "email": email, "password": PASSWORD}
    step("ok", browser.get("/ok"))
    step("404 get-totp-uri", browser.get("/two-factor/get-totp-uri"))
    step("404 view-backup-codes", browser.post("/two-factor/view-backup-codes"))
    step(
        "bad json",
        browser.request(
            "POST",
            "/sign-in/email",
            content=b'{"email":',
            headers={"content-type": "application/json"},
        ),
    )
    step(
        "text/plain",
        browser.request(
            "POST", "/sign-up/email", content=b"x", headers={"content-type": "text/plain"}
        ),
    )
    step(
        "form sign-up",
        browser.request(
            "POST",
            "/sign-up/email",
            content=f"name=F&email=form%40example.test&password={PASSWORD}".encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
            cookies=False,
        ),
    )
    browser.jar.clear()
    step("sign-up missing", browser.post("/sign-up/email", {"email": email}))
    step("sign-up bad email", browser.post("/sign-up/email", {**sign_up, "email": "x"}))
    step("sign-up short", browser.post("/sign-up/email", {**sign_up, "password": "short"}))
    step(
        "sign-in cross-site",
        browser.post(
            "/sign-in/email",
            sign_up,
            origin=False,
            headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"},
        ),
    )
    step("sign-up", browser.post("/sign-up/email", sign_up))
    step("sign-up again", browser.post("/sign-up/email", sign_up))
    step("get-session", browser.get("/get-session"))
    step("no origin", browser.post("/two-factor/enable", {"password": PASSWORD}, origin=False))
    step(
        "evil origin",
        browser.post(
            "/two-factor/enable", {"password": PASSWORD}, headers={"origin": "http://evil.test"}
        ),
    )
    step("enable wrong password", browser.post("/two-factor/enable", {"password": "nope nope"}))
    step("enable number", browser.post("/two-factor/enable", {"password": 1}))
    step("get-totp-uri none", browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}))
    enabled = step("enable", browser.post("/two-factor/enable", {"password": PASSWORD})).json()
    secret = secret_of(enabled["totpURI"])
    step("sign-in pending", browser.sign_in(email=email))
    step(
        "generate early", browser.post("/two-factor/generate-backup-codes", {"password": PASSWORD})
    )
    step("verify number", browser.post("/two-factor/verify-totp", {"code": 123}))
    wrong = f"{(int(totp(secret, now())) + 500_000) % 1_000_000:06d}"
    step("verify wrong", browser.post("/two-factor/verify-totp", {"code": wrong}))
    step("activate", browser.post("/two-factor/verify-totp", {"code": totp(secret, now())}))
    step("get-session active", browser.get("/get-session"))
    step("enable again", browser.post("/two-factor/enable", {"password": PASSWORD}))
    step("get-totp-uri", browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}))
    generated = browser.post("/two-factor/generate-backup-codes", {"password": PASSWORD})
    backup = step("generate", generated).json()["backupCodes"]
    step("sign-out", browser.post("/sign-out"))
    step("sign-out again", browser.post("/sign-out"))
    step("sign-in wrong", browser.sign_in(email=email, password="wrong wrong"))
    step("sign-in unknown", browser.sign_in(email="nobody@example.test"))
    step("sign-in 2fa", browser.sign_in(email=email))
    step("get-session challenge", browser.get("/get-session"))
    step("backup wrong", browser.post("/two-factor/verify-backup-code", {"code": "aaaaa-aaaaa"}))
    step("backup", browser.post("/two-factor/verify-backup-code", {"code": backup[0]}))
    step("sign-out 2", browser.post("/sign-out"))
    step("sign-in remember-me false", browser.sign_in(email=email, rememberMe=False))
    step("verify no origin", browser.post("/two-factor/verify-totp", {"code": "1"}, origin=False))
    real = browser.jar["better-auth.two_factor"]
    browser.jar["better-auth.two_factor"] = "2fa-AAAAAAAAAAAAAAAAAAAA." + real.split(".", 1)[1]
    step("verify forged", browser.post("/two-factor/verify-totp", {"code": "123456"}))
    browser.jar["better-auth.two_factor"] = real
    step(
        "backup trust",
        browser.post("/two-factor/verify-backup-code", {"code": backup[1], "trustDevice": True}),
    )
    step("sign-out 3", browser.post("/sign-out"))
    step("sign-in trusted", browser.sign_in(email=email))
    step(
        "disable wrong",
        browser.post("/two-factor/disable", {"password": "wrong wrong"}),
    )
    step("disable", browser.post("/two-factor/disable", {"password": PASSWORD}))
    step("get-session disabled", browser.get("/get-session"))
    step("sign-out 4", browser.post("/sign-out"))
    step("sign-in plain", browser.sign_in(email=email))
    step("send-otp", browser.post("/two-factor/send-otp", {}))
    browser.client.close()
    return seen


@pytest.fixture(scope="module")
def theirs() -> list[tuple[str, dict[str, Any]]]:
    """The script's observations against a real better-auth 1.7.25 (run once)."""
    with better_auth_server() as base:
        return _script(base)


@pytest.mark.parametrize("store", ["memory", "postgresql-2-workers"])
def test_same_script_same_answers(
    start_stub: Callable[..., str],
    theirs: list[tuple[str, dict[str, Any]]],
    store: str,
    request: pytest.FixtureRequest,
) -> None:
    where = ["--memory"]
    if store != "memory":
        where = ["--db", request.getfixturevalue("postgres_url"), "--workers", "2"]
    ours = _script(start_stub(*where, "--no-rate-limit"))
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    differences = [
        (name, mine, real)
        for (name, mine), (_, real) in zip(ours, theirs, strict=True)
        if mine != real
    ]
    assert differences == []
