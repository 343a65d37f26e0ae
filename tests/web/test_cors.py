"""CORS for `--trusted-origin` origins (issue 15): a front-end on another origin
can call the API from a browser; any other origin gets nothing extra."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from server_stub.process import spawn
from server_stub.settings import RateLimit
from tests.web.conftest import FRONT, Client

API = "/api/auth"
PREFLIGHT = {
    "Origin": FRONT,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def test_preflight_from_a_trusted_origin_allows_credentials(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(trusted_origins=(FRONT,))
    response = client.options(API + "/sign-in/email", headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == FRONT
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type"
    assert int(response.headers["access-control-max-age"]) > 0
    assert "Origin" in response.headers["vary"]


def test_requests_from_a_trusted_origin_are_readable_and_keep_the_origin_rule(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(trusted_origins=(FRONT,))
    body = {"name": "Ann", "email": "ann@example.test", "password": "a long password"}
    signed_up = client.post(API + "/sign-up/email", json=body, headers={"Origin": FRONT})
    assert signed_up.status_code == 200
    assert signed_up.headers["access-control-allow-origin"] == FRONT
    assert signed_up.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in signed_up.headers["vary"]
    session = client.get(API + "/get-session", headers={"Origin": FRONT})
    assert session.json()["user"]["email"] == "ann@example.test"
    assert session.headers["access-control-allow-origin"] == FRONT
    # CORS does not loosen PROTOCOL.md §2: a cookie-carrying POST from elsewhere is still refused.
    elsewhere = client.post(API + "/sign-out", json={}, headers={"Origin": "http://evil.test"})
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "INVALID_ORIGIN"
    assert _cors_headers(elsewhere) == {}


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:5174",  # another port
        "https://127.0.0.1:5173",  # another scheme
        "http://localhost:5173",  # another host name for the same machine
        "http://127.0.0.1:5173.evil.test",
        "http://127.0.0.1:517",  # a prefix of the trusted origin
        "http://127.0.0.1:51730",  # the trusted origin is a prefix of it
        "http://evil.test",
        "null",
        FRONT + "/",
    ],
)
def test_other_origins_get_nothing_extra(make_client: Callable[..., Client], origin: str) -> None:
    client = make_client(trusted_origins=(FRONT,))
    preflight = client.options(API + "/sign-in/email", headers={**PREFLIGHT, "Origin": origin})
    assert preflight.status_code == 404 and preflight.content == b""
    assert _cors_headers(preflight) == {}
    ok = client.get(API + "/ok", headers={"Origin": origin})
    assert ok.status_code == 200 and _cors_headers(ok) == {}


def test_without_trusted_origins_nobody_gets_cors(make_client: Callable[..., Client]) -> None:
    client = make_client()
    preflight = client.options(API + "/sign-in/email", headers=PREFLIGHT)
    assert preflight.status_code == 404 and _cors_headers(preflight) == {}


def test_only_the_api_answers_cors(make_client: Callable[..., Client]) -> None:
    client = make_client(trusted_origins=(FRONT,), web=False)
    preflight = client.options("/", headers=PREFLIGHT)
    assert preflight.status_code == 404 and _cors_headers(preflight) == {}
    # a bare OPTIONS (no Access-Control-Request-Method) is not a preflight
    bare = client.options(API + "/sign-in/email", headers={"Origin": FRONT})
    assert bare.status_code == 404


@pytest.mark.parametrize(
    "requested",
    ["content-type, x(bad)", "content-type\x0b", "x-" + "a" * 2000, "content-type,,x"],
)
def test_odd_requested_headers_are_not_echoed(
    make_client: Callable[..., Client], requested: str
) -> None:
    client = make_client(trusted_origins=(FRONT,))
    headers = {**PREFLIGHT, "Access-Control-Request-Headers": requested}
    response = client.options(API + "/sign-in/email", headers=headers)
    assert response.status_code == 204
    assert "access-control-allow-headers" not in response.headers


def test_a_rate_limited_answer_is_readable_with_its_wait(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(trusted_origins=(FRONT,), rate_limit=RateLimit(window=60, max=1))
    path = API + "/two-factor/enable"
    # the preflight is answered before the limiter: it never uses up the budget
    for _ in range(3):
        assert client.options(path, headers=PREFLIGHT).status_code == 204
    first = client.post(path, json={"password": "x"}, headers={"Origin": FRONT})
    assert first.status_code == 401
    limited = client.post(path, json={"password": "x"}, headers={"Origin": FRONT})
    assert limited.status_code == 429
    assert limited.headers["access-control-allow-origin"] == FRONT
    exposed = limited.headers["access-control-expose-headers"].lower()
    assert "x-retry-after" in exposed and int(limited.headers["x-retry-after"]) > 0


def test_the_command_line_trusts_origins_and_can_drop_the_pages() -> None:
    with spawn("--memory", "--no-web", "--trusted-origin", FRONT) as server:
        preflight = httpx.options(server.base_url + API + "/sign-up/email", headers=PREFLIGHT)
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == FRONT
        page = httpx.get(server.base_url + "/")
        assert page.status_code == 404 and page.content == b""
        assert httpx.get(server.base_url + API + "/ok").json() == {"ok": True}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_preflight_for_a_method_the_api_has_not_is_not_allowed_it(
    make_client: Callable[..., Client], method: str
) -> None:
    client = make_client(trusted_origins=(FRONT,))
    headers = {**PREFLIGHT, "Access-Control-Request-Method": method}
    response = client.options(API + "/sign-in/email", headers=headers)
    allowed = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert method not in allowed and allowed == {"GET", "POST"}
