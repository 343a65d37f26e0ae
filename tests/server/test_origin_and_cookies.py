"""PROTOCOL.md §2 (Origin / CSRF rule) and §3 (cookie signing and attributes)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import unquote

import pytest

from tests.server.support import (
    BASE,
    PASSWORD,
    SECRET,
    Browser,
    MovableClock,
    assert_error,
    cookie_value,
    enroll,
    set_cookies,
)

SIGN_UP = {"name": "A", "email": "a@example.test", "password": PASSWORD}


# -- §2 ------------------------------------------------------------------------
def test_no_cookie_no_origin_is_allowed(browser: Browser) -> None:
    response = browser.post("/sign-up/email", SIGN_UP, origin=False)
    assert response.status_code == 200
    browser.jar.clear()
    assert browser.post("/sign-in/email", SIGN_UP, origin=False).status_code == 200
    browser.jar.clear()
    assert browser.post("/sign-out", origin=False).status_code == 200


def test_any_cookie_without_origin_or_referer_is_refused(browser: Browser) -> None:
    browser.jar["unrelated"] = "1"
    response = browser.post("/sign-up/email", SIGN_UP, origin=False)
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")


def test_null_origin_counts_as_missing(browser: Browser) -> None:
    browser.jar["unrelated"] = "1"
    response = browser.post("/sign-up/email", SIGN_UP, headers={"origin": "null"})
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://127.0.0.1:3001", "https://127.0.0.1:3000", "x"]
)
def test_untrusted_origin_is_refused(browser: Browser, origin: str) -> None:
    browser.jar["unrelated"] = "1"
    response = browser.post("/sign-up/email", SIGN_UP, headers={"origin": origin})
    assert_error(response, 403, "INVALID_ORIGIN", "Invalid origin")


def test_untrusted_origin_on_sign_in_even_without_cookies(browser: Browser) -> None:
    response = browser.post(
        "/sign-in/email", SIGN_UP, headers={"origin": "http://evil.example"}, origin=False
    )
    assert_error(response, 403, "INVALID_ORIGIN", "Invalid origin")


def test_own_origin_and_trusted_origins_are_allowed(make_browser: Callable[..., Browser]) -> None:
    browser = make_browser(trusted_origins=("http://localhost:5173/",))
    browser.jar["unrelated"] = "1"
    assert browser.post("/sign-up/email", SIGN_UP).status_code == 200
    browser.jar = {"unrelated": "1"}
    response = browser.post("/sign-out", headers={"origin": "http://localhost:5173"})
    assert response.status_code == 200


def test_same_origin_referer_satisfies_the_rule(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/sign-out", origin=False, headers={"referer": BASE + "/some/page?x=1"})
    assert response.status_code == 200


def test_cross_site_navigation_sign_in_is_blocked(browser: Browser) -> None:
    response = browser.post(
        "/sign-in/email",
        SIGN_UP,
        origin=False,
        headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"},
    )
    assert_error(
        response,
        403,
        "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
        "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
    )


def test_fetch_metadata_without_origin_on_sign_in_needs_an_origin(browser: Browser) -> None:
    response = browser.post(
        "/sign-in/email", SIGN_UP, origin=False, headers={"sec-fetch-site": "same-origin"}
    )
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")


def test_get_requests_are_never_origin_checked(browser: Browser) -> None:
    browser.sign_up()
    response = browser.get("/get-session", headers={"origin": "http://evil.example"})
    assert response.status_code == 200 and response.json() is not None


def test_origin_is_checked_before_validation(browser: Browser) -> None:
    browser.jar["x"] = "1"
    response = browser.post("/two-factor/enable", {"password": 1}, origin=False)
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")


@pytest.mark.parametrize("url", ["http://evil.example/x", "//evil.example", "/a\\b", "/%2F%2Fx"])
def test_untrusted_callback_url(browser: Browser, url: str) -> None:
    response = browser.post("/sign-up/email", {**SIGN_UP, "callbackURL": url})
    assert_error(response, 403, "INVALID_CALLBACK_URL", "Invalid callbackURL")


def test_trusted_callback_urls(browser: Browser) -> None:
    for i, url in enumerate(("/welcome", BASE + "/x")):
        body = {**SIGN_UP, "email": f"c{i}@example.test", "callbackURL": url}
        assert browser.post("/sign-up/email", body, cookies=False).status_code == 200


# -- §3 ------------------------------------------------------------------------
def _sign(value: str) -> str:
    mac = hmac.new(SECRET.encode(), value.encode(), hashlib.sha256).digest()
    return f"{value}.{base64.b64encode(mac).decode()}"


def test_session_cookie_is_better_auth_signed(browser: Browser) -> None:
    response = browser.post("/sign-up/email", SIGN_UP)
    token = response.json()["token"]
    raw = cookie_value(response, "better-auth.session_token")
    assert "%" in raw and "/" not in raw and "+" not in raw and "=" not in raw
    assert unquote(raw) == _sign(token)


def test_cookie_signed_elsewhere_is_accepted(browser: Browser) -> None:
    """A cookie built with the documented algorithm works (interop with better-call)."""
    token = browser.sign_up()["token"]
    browser.jar = {"better-auth.session_token": _sign(token)}  # not even percent-encoded
    assert browser.get("/get-session").json()["session"]["token"] == token


def test_https_base_url_prefixes_and_secures_cookies(make_browser: Callable[..., Browser]) -> None:
    browser = make_browser(base_url="https://auth.example.test")
    browser.origin = "https://auth.example.test"
    response = browser.post("/sign-up/email", SIGN_UP)
    header = set_cookies(response)["__Secure-better-auth.session_token"]
    assert header.endswith("; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax")
    assert browser.get("/get-session").json() is not None
    clearing = set_cookies(browser.post("/sign-out"))["__Secure-better-auth.session_token"]
    assert (
        clearing
        == "__Secure-better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
    )


def test_no_domain_attribute_anywhere(browser: Browser, clock: MovableClock) -> None:
    enroll(browser, clock)
    response = browser.sign_in()
    for header in response.headers.get_list("set-cookie"):
        assert "Domain" not in header and "Expires" not in header
