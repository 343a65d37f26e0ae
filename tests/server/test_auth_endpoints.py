"""Core endpoints (PROTOCOL.md §1 and the sign-up/sign-in/get-session/sign-out rows of §4)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.server.support import (
    PASSWORD,
    Browser,
    MovableClock,
    assert_error,
    challenged,
    enroll,
    set_cookies,
)

ID = re.compile(r"[A-Za-z0-9]{32}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ATTRS = "; Path=/; HttpOnly; SameSite=Lax"


def test_ok_endpoint(browser: Browser) -> None:
    response = browser.get("/ok")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


# -- sign-up ---------------------------------------------------------------------
def test_sign_up_returns_token_user_and_session_cookie(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email", {"name": "Bob", "email": "Bob@Example.TEST", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token", "user"]
    assert ID.fullmatch(body["token"])
    user = body["user"]
    assert list(user) == [
        "name",
        "email",
        "emailVerified",
        "createdAt",
        "updatedAt",
        "twoFactorEnabled",
        "id",
    ]
    assert user["email"] == "bob@example.test"  # lower-cased
    assert user["emailVerified"] is False and user["twoFactorEnabled"] is False
    assert STAMP.fullmatch(user["createdAt"]) and user["createdAt"] == "2026-11-24T14:30:00.000Z"
    assert ID.fullmatch(user["id"])
    cookie = set_cookies(response)["better-auth.session_token"]
    assert cookie.startswith(f"better-auth.session_token={body['token']}.")
    assert cookie.endswith("; Max-Age=604800" + ATTRS)


def test_sign_up_image_appears_only_when_set(browser: Browser) -> None:
    body = browser.post(
        "/sign-up/email",
        {"name": "A", "email": "a@example.test", "password": PASSWORD, "image": "https://i/x.png"},
    ).json()
    assert list(body["user"])[3] == "image" and body["user"]["image"] == "https://i/x.png"


def test_sign_up_missing_field_is_validation_error(browser: Browser) -> None:
    response = browser.post("/sign-up/email", {"email": "a@example.test", "password": PASSWORD})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.name] Invalid input: expected string, received undefined",
    )


def test_sign_up_invalid_email(browser: Browser) -> None:
    response = browser.post("/sign-up/email", {"name": "A", "email": "nope", "password": PASSWORD})
    assert_error(response, 400, "VALIDATION_ERROR", "[body.email] Invalid email address")


def test_sign_up_password_too_short(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email", {"name": "A", "email": "a@example.test", "password": "1234567"}
    )
    assert_error(response, 400, "PASSWORD_TOO_SHORT", "Password too short")


def test_sign_up_password_too_long(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email", {"name": "A", "email": "a@example.test", "password": "x" * 129}
    )
    assert_error(response, 400, "PASSWORD_TOO_LONG", "Password too long")


def test_sign_up_password_length_bounds_are_inclusive(browser: Browser) -> None:
    for i, password in enumerate(("x" * 8, "y" * 128)):
        response = browser.post(
            "/sign-up/email", {"name": "A", "email": f"u{i}@example.test", "password": password}
        )
        assert response.status_code == 200


def test_sign_up_existing_email_is_422(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post(
        "/sign-up/email", {"name": "B", "email": "BOB@example.test", "password": PASSWORD}
    )
    assert_error(
        response,
        422,
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        "User already exists. Use another email.",
    )


def test_sign_up_remember_me_false_makes_a_browser_session_cookie(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email",
        {"name": "A", "email": "a@example.test", "password": PASSWORD, "rememberMe": False},
    )
    cookies = set_cookies(response)
    assert "Max-Age" not in cookies["better-auth.session_token"]
    assert cookies["better-auth.dont_remember"].startswith("better-auth.dont_remember=true.")


# -- sign-in ---------------------------------------------------------------------
def test_sign_in_without_two_factor(browser: Browser) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    response = browser.sign_in(email="BOB@EXAMPLE.TEST")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["redirect", "token", "user"]
    assert body["redirect"] is False and ID.fullmatch(body["token"])
    assert set_cookies(response)["better-auth.session_token"].endswith("Max-Age=604800" + ATTRS)


def test_sign_in_wrong_password_and_unknown_email_answer_the_same(browser: Browser) -> None:
    browser.sign_up()
    for email, password in (("bob@example.test", "wrong password"), ("eve@example.test", PASSWORD)):
        response = browser.sign_in(email=email, password=password)
        assert_error(response, 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password")
        assert "set-cookie" not in response.headers


def test_sign_in_validation_error(browser: Browser) -> None:
    response = browser.post("/sign-in/email", {"email": "bob@example.test"})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.password] Invalid input: expected string, received undefined",
    )


def test_sign_in_malformed_email_is_invalid_email(browser: Browser) -> None:
    response = browser.sign_in(email="not-an-email")
    assert_error(response, 400, "INVALID_EMAIL", "Invalid email")


def test_sign_in_overlong_password_is_refused_before_hashing(browser: Browser) -> None:
    response = browser.sign_in(password="p" * 129)
    assert_error(response, 400, "PASSWORD_TOO_LONG", "Password too long")


def test_sign_in_with_callback_url_redirects(browser: Browser) -> None:
    browser.sign_up()
    response = browser.sign_in(callbackURL="/dashboard")
    body = response.json()
    assert body["redirect"] is True and body["url"] == "/dashboard"
    assert response.headers["location"] == "/dashboard"


def test_sign_in_of_two_factor_user_issues_a_challenge(
    browser: Browser, clock: MovableClock
) -> None:
    enroll(browser, clock)
    response = challenged(browser)
    assert response.status_code == 200
    cookies = set_cookies(response)
    assert list(cookies) == [
        "better-auth.session_token",
        "better-auth.session_data",
        "better-auth.two_factor",
    ]
    assert cookies["better-auth.session_token"] == "better-auth.session_token=; Max-Age=0" + ATTRS
    assert cookies["better-auth.session_data"] == "better-auth.session_data=; Max-Age=0" + ATTRS
    challenge = cookies["better-auth.two_factor"]
    assert re.fullmatch(
        r"better-auth\.two_factor=2fa-[A-Za-z0-9_-]{20}\.[A-Za-z0-9%]+%3D; Max-Age=600" + ATTRS,
        challenge,
    )
    assert browser.get("/get-session").json() is None  # no session yet


def test_sign_in_remember_me_false_on_the_two_factor_leg(
    browser: Browser, clock: MovableClock
) -> None:
    enroll(browser, clock)
    response = challenged(browser, rememberMe=False)
    assert set_cookies(response)["better-auth.dont_remember"].startswith(
        "better-auth.dont_remember=true."
    )


# -- get-session -----------------------------------------------------------------
def test_get_session_shape(browser: Browser) -> None:
    token = browser.sign_up()["token"]
    response = browser.get("/get-session")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert list(body) == ["session", "user"]
    session = body["session"]
    assert list(session) == [  # better-auth's order (tests/interop/test_wire_parity.py)
        "expiresAt",
        "token",
        "createdAt",
        "updatedAt",
        "ipAddress",
        "userAgent",
        "userId",
        "id",
    ]
    assert session["token"] == token
    assert session["userId"] == body["user"]["id"]
    assert session["expiresAt"] == "2026-12-01T14:30:00.000Z"  # 7 days
    assert session["ipAddress"] == "127.0.0.1"
    assert "set-cookie" not in response.headers


def test_get_session_signed_out_is_null_without_cookies(browser: Browser) -> None:
    response = browser.get("/get-session")
    assert response.status_code == 200 and response.json() is None
    assert "set-cookie" not in response.headers


def test_get_session_with_dead_session_clears_cookies(browser: Browser) -> None:
    browser.sign_up()
    old = dict(browser.jar)
    browser.post("/sign-out")
    browser.jar.update(old)
    response = browser.get("/get-session")
    assert response.json() is None
    assert list(set_cookies(response)) == [
        "better-auth.session_token",
        "better-auth.session_data",
        "better-auth.dont_remember",
    ]


def test_get_session_ignores_bad_signature_bearer_and_bare_token(browser: Browser) -> None:
    token = browser.sign_up()["token"]
    forged = f"{token}.{'A' * 43}%3D"
    for headers in (
        {"cookie": f"better-auth.session_token={token}"},
        {"cookie": f"better-auth.session_token={forged}"},
        {"authorization": f"Bearer {token}"},
    ):
        response = browser.get("/get-session", headers=headers, cookies=False)
        assert response.json() is None
        assert "set-cookie" not in response.headers


def test_get_session_expired_session(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    clock.advance(7 * 24 * 3600 + 1)
    response = browser.get("/get-session")
    assert response.json() is None
    assert "better-auth.session_token" in set_cookies(response)


def test_get_session_sliding_refresh_after_a_day(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    clock.advance(24 * 3600 + 5)
    response = browser.get("/get-session")
    assert response.json()["session"]["expiresAt"] == "2026-12-02T14:30:05.000Z"
    assert "Max-Age=604800" in set_cookies(response)["better-auth.session_token"]


def test_get_session_no_refresh_when_not_remembered(browser: Browser, clock: MovableClock) -> None:
    browser.post(
        "/sign-up/email",
        {"name": "A", "email": "a@example.test", "password": PASSWORD, "rememberMe": False},
    )
    body = browser.get("/get-session").json()
    assert body["session"]["expiresAt"] == "2026-11-25T14:30:00.000Z"  # 1 day
    clock.advance(23 * 3600)
    response = browser.get("/get-session")
    assert response.json()["session"]["expiresAt"] == "2026-11-25T14:30:00.000Z"
    assert "set-cookie" not in response.headers


def test_get_session_clears_a_stray_cookie_cache(browser: Browser) -> None:
    browser.sign_up()
    browser.jar["better-auth.session_data"] = "junk"
    response = browser.get("/get-session")
    assert response.json() is not None
    assert list(set_cookies(response)) == ["better-auth.session_data"]


def test_post_get_session_is_method_not_allowed(browser: Browser) -> None:
    response = browser.post("/get-session")
    assert_error(
        response,
        405,
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
        "POST method requires deferSessionRefresh to be enabled in session config",
    )


# -- sign-out --------------------------------------------------------------------
def test_sign_out_deletes_session_and_clears_cookies(browser: Browser) -> None:
    browser.sign_up()
    old = dict(browser.jar)
    response = browser.post("/sign-out")
    assert response.status_code == 200 and response.json() == {"success": True}
    assert list(set_cookies(response)) == [
        "better-auth.session_token",
        "better-auth.session_data",
        "better-auth.dont_remember",
    ]
    browser.jar.update(old)
    assert browser.get("/get-session").json() is None


def test_sign_out_without_session_and_without_body(browser: Browser) -> None:
    response = browser.request("POST", "/sign-out")
    assert response.status_code == 200 and response.json() == {"success": True}


def test_sign_out_with_cookie_but_no_origin_is_refused(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/sign-out", origin=False)
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")
    assert browser.get("/get-session").json() is not None


# -- routing ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/two-factor/get-totp-uri"),
        ("OPTIONS", "/sign-in/email"),
        ("POST", "/two-factor/view-backup-codes"),
        ("POST", "/totp/generate"),
        ("GET", "/sign-in/email"),
        ("HEAD", "/get-session"),
        ("POST", "/nope"),
        ("GET", "/ok/"),
        ("GET", "//ok"),
    ],
)
def test_wrong_method_or_unknown_path_is_empty_404(
    browser: Browser, method: str, path: str
) -> None:
    response = browser.request(method, path)
    assert response.status_code == 404
    assert response.content == b""


def test_paths_outside_the_base_path_are_404(browser: Browser) -> None:
    assert browser.runner is not None and isinstance(browser.client, httpx.AsyncClient)
    response = browser.runner.run(browser.client.get("/ok"))
    assert response.status_code == 404 and response.content == b""
