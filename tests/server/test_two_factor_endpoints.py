"""The `/two-factor/*` rows of PROTOCOL.md §4 and the flows of §5."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.server.support import (
    PASSWORD,
    Browser,
    MovableClock,
    assert_error,
    challenged,
    enroll,
    secret_of,
    set_cookies,
    totp,
)

CODE = re.compile(r"[A-Za-z0-9]{5}-[A-Za-z0-9]{5}")
ATTRS = "; Path=/; HttpOnly; SameSite=Lax"
VERIFY_PATHS = ["/two-factor/verify-totp", "/two-factor/verify-otp"]


# -- enable ----------------------------------------------------------------------
def test_enable_returns_uri_and_ten_codes_without_cookie_change(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/enable", {"password": PASSWORD})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    body = response.json()
    assert list(body) == ["method", "totpURI", "backupCodes"]
    assert body["method"] == "totp"
    assert len(body["backupCodes"]) == 10 and len(set(body["backupCodes"])) == 10
    assert all(CODE.fullmatch(code) for code in body["backupCodes"])
    assert browser.get("/get-session").json()["user"]["twoFactorEnabled"] is False


def test_otpauth_uri_layout(browser: Browser) -> None:
    browser.sign_up()
    uri = browser.enable()["totpURI"]
    assert re.fullmatch(
        r"otpauth://totp/Desktop2FA%20Reference:bob%40example\.test"
        r"\?secret=[A-Z2-7]{52}&issuer=Desktop2FA\+Reference&digits=6&period=30",
        uri,
    )
    query = parse_qs(urlsplit(uri).query)
    assert query["issuer"] == ["Desktop2FA Reference"]
    assert "algorithm" not in query


def test_enable_issuer_from_body_wins(browser: Browser) -> None:
    browser.sign_up()
    uri = browser.post(
        "/two-factor/enable", {"password": PASSWORD, "issuer": "Acme & Co/1"}
    ).json()["totpURI"]
    label = urlsplit(uri).path.removeprefix("/")
    assert label == "Acme%20%26%20Co%2F1:bob%40example.test"
    assert unquote(label) == "Acme & Co/1:bob@example.test"
    assert parse_qs(urlsplit(uri).query)["issuer"] == ["Acme & Co/1"]
    assert "issuer=Acme+%26+Co%2F1&" in uri


def test_enable_without_session_is_unauthorized(browser: Browser) -> None:
    response = browser.post("/two-factor/enable", {"password": PASSWORD})
    assert_error(response, 401, "UNAUTHORIZED", "Unauthorized")


def test_enable_wrong_password(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/enable", {"password": "wrong password"})
    assert_error(response, 400, "INVALID_PASSWORD", "Invalid password")


def test_enable_validation_error_comes_before_the_session_check(browser: Browser) -> None:
    response = browser.post("/two-factor/enable", {"password": 12345678})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.password] Invalid input: expected string, received number",
    )


def test_enable_method_otp_is_not_available(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/enable", {"password": PASSWORD, "method": "otp"})
    assert_error(response, 400, "OTP_NOT_CONFIGURED", "OTP is not available")
    response = browser.post("/two-factor/enable", {"password": PASSWORD, "method": "sms"})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        '[body.method] Invalid option: expected one of "otp"|"totp"',
    )


def test_enable_after_activation(browser: Browser, clock: MovableClock) -> None:
    enroll(browser, clock)
    response = browser.post("/two-factor/enable", {"password": PASSWORD})
    assert_error(response, 400, "TOTP_ALREADY_ENABLED", "TOTP is already enabled")


def test_enable_again_before_activation_replaces_the_secret(
    browser: Browser, clock: MovableClock
) -> None:
    browser.sign_up()
    first = browser.enable()
    second = browser.enable()
    assert secret_of(first["totpURI"]) != secret_of(second["totpURI"])
    old_code = totp(secret_of(first["totpURI"]), clock.now)
    new_code = totp(secret_of(second["totpURI"]), clock.now)
    if old_code != new_code:
        response = browser.post("/two-factor/verify-totp", {"code": old_code})
        assert_error(response, 401, "INVALID_CODE", "Invalid code")
    response = browser.post("/two-factor/verify-backup-code", {"code": first["backupCodes"][0]})
    assert_error(response, 401, "INVALID_BACKUP_CODE", "Invalid backup code")
    assert browser.post("/two-factor/verify-totp", {"code": new_code}).status_code == 200


def test_pending_enrolment_does_not_change_sign_in(browser: Browser) -> None:
    browser.sign_up()
    browser.enable()
    browser.post("/sign-out")
    body = browser.sign_in().json()
    assert body["redirect"] is False and "token" in body


# -- activation (verify-totp in session mode) --------------------------------------
@pytest.mark.parametrize("path", VERIFY_PATHS)
def test_activation_rotates_session_but_echoes_old_token_and_stale_user(
    browser: Browser, clock: MovableClock, path: str
) -> None:
    old_token = browser.sign_up()["token"]
    secret = secret_of(browser.enable()["totpURI"])
    old_cookie = dict(browser.jar)
    response = browser.post(path, {"code": totp(secret, clock.now)})
    assert response.status_code == 200
    body = response.json()
    # Quirk mirrored from better-auth: the old (now dead) token and the stale user.
    assert body["token"] == old_token
    assert body["user"]["twoFactorEnabled"] is False
    cookie = set_cookies(response)["better-auth.session_token"]
    assert cookie.endswith("; Max-Age=604800" + ATTRS)
    assert not cookie.startswith(f"better-auth.session_token={old_token}.")
    session = browser.get("/get-session").json()
    assert session["user"]["twoFactorEnabled"] is True
    assert session["session"]["token"] != old_token
    stale = Browser(browser.client, browser.runner, jar=old_cookie)
    assert stale.get("/get-session").json() is None


def test_activation_wrong_code(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    secret = secret_of(browser.enable()["totpURI"])
    wrong = f"{(int(totp(secret, clock.now)) + 1) % 1_000_000:06d}"
    response = browser.post("/two-factor/verify-totp", {"code": wrong})
    assert_error(response, 401, "INVALID_CODE", "Invalid code")
    assert browser.get("/get-session").json()["user"]["twoFactorEnabled"] is False


def test_verify_totp_without_secret(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/verify-totp", {"code": "123456"})
    assert_error(response, 400, "TOTP_NOT_ENABLED", "TOTP not enabled")


def test_verify_totp_code_must_be_a_string(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/verify-totp", {"code": 123456})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.code] Invalid input: expected string, received number",
    )


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_window_accepts_one_step_either_side(
    browser: Browser, clock: MovableClock, offset: int
) -> None:
    browser.sign_up()
    secret = secret_of(browser.enable()["totpURI"])
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, clock.now, offset)})
    assert response.status_code == 200


@pytest.mark.parametrize("offset", [-2, 2])
def test_window_refuses_two_steps_away(browser: Browser, clock: MovableClock, offset: int) -> None:
    browser.sign_up()
    secret = secret_of(browser.enable()["totpURI"])
    code = totp(secret, clock.now, offset)
    if code in {totp(secret, clock.now, o) for o in (-1, 0, 1)}:
        pytest.skip("astronomically unlikely code collision")
    response = browser.post("/two-factor/verify-totp", {"code": code})
    assert_error(response, 401, "INVALID_CODE", "Invalid code")


def test_code_format_must_be_exactly_six_digits(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    secret = secret_of(browser.enable()["totpURI"])
    code = totp(secret, clock.now)
    for bad in (f"{code[:3]} {code[3:]}", code + "0", f" {code}", code[:5]):
        response = browser.post("/two-factor/verify-totp", {"code": bad})
        assert_error(response, 401, "INVALID_CODE", "Invalid code")


# -- sign-in with 2FA (challenge mode) ---------------------------------------------
@pytest.mark.parametrize("path", VERIFY_PATHS)
def test_challenge_verify_signs_in(browser: Browser, clock: MovableClock, path: str) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    response = browser.post(path, {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token", "user"] and body["user"]["twoFactorEnabled"] is True
    cookies = set_cookies(response)
    assert list(cookies) == ["better-auth.session_token", "better-auth.two_factor"]
    assert cookies["better-auth.session_token"].startswith(
        f"better-auth.session_token={body['token']}."
    )
    assert cookies["better-auth.two_factor"] == "better-auth.two_factor=; Max-Age=0" + ATTRS
    assert browser.get("/get-session").json()["session"]["token"] == body["token"]


def test_consumed_challenge_cannot_be_replayed(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    challenge = dict(browser.jar)
    assert (
        browser.post(
            "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)}
        ).status_code
        == 200
    )
    replay = Browser(browser.client, browser.runner, jar=challenge)
    clock.advance(30)
    response = replay.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")


def test_no_forged_or_expired_challenge(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    browser.post("/sign-out")
    response = browser.post("/two-factor/verify-totp", {"code": "123456"})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")
    challenged(browser)
    real = browser.jar["better-auth.two_factor"]
    browser.jar["better-auth.two_factor"] = "2fa-AAAAAAAAAAAAAAAAAAAA." + real.split(".", 1)[1]
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")
    browser.jar["better-auth.two_factor"] = real
    clock.advance(600)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")


def test_challenge_within_its_life(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    clock.advance(599)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200


def test_challenge_verify_needs_origin(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    response = browser.post(
        "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)}, origin=False
    )
    assert_error(response, 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")


def test_session_wins_over_challenge(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    session_jar = dict(browser.jar)
    assert browser.sign_in().json()["twoFactorRedirect"] is True  # session kept server-side
    browser.jar.update(session_jar)  # both cookies now
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200
    token = session_jar["better-auth.session_token"].split(".")[0]
    assert response.json()["token"] == token  # the existing session is echoed
    assert "set-cookie" not in response.headers


def test_unverified_secret_cannot_answer_a_challenge(
    browser: Browser, clock: MovableClock, make_browser: Callable[..., Browser]
) -> None:
    """Only a verified secret makes sign-in ask for a code (§5, §8)."""
    browser.sign_up()
    browser.enable()
    browser.post("/sign-out")
    assert "token" in browser.sign_in().json()


def test_remember_me_false_gives_browser_session_cookie(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser, rememberMe=False)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    cookies = set_cookies(response)
    assert "Max-Age" not in cookies["better-auth.session_token"]
    assert cookies["better-auth.dont_remember"].startswith("better-auth.dont_remember=true.")
    session = browser.get("/get-session").json()["session"]
    assert session["expiresAt"] == "2026-11-25T14:30:30.000Z"  # one day


# -- trusted device ----------------------------------------------------------------
def test_trust_device_skips_the_challenge_and_rotates(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser, rememberMe=False)
    response = browser.post(
        "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now), "trustDevice": True}
    )
    cookies = set_cookies(response)
    assert re.fullmatch(
        r"better-auth\.trust_device=[A-Za-z0-9_-]{43}!trust-device-[A-Za-z0-9_-]{32}\.[^;]+"
        r"; Max-Age=2592000" + ATTRS,
        cookies["better-auth.trust_device"],
    )
    assert cookies["better-auth.dont_remember"] == "better-auth.dont_remember=; Max-Age=0" + ATTRS
    first_trust = browser.jar["better-auth.trust_device"]
    browser.post("/sign-out")
    response = browser.sign_in()
    body = response.json()
    assert body["redirect"] is False and "token" in body
    rotated = browser.jar["better-auth.trust_device"]
    assert rotated != first_trust
    # The previous value no longer works: normal challenge, cookie cleared.
    browser.post("/sign-out")
    browser.jar["better-auth.trust_device"] = first_trust
    response = browser.sign_in()
    assert response.json()["twoFactorRedirect"] is True
    assert set_cookies(response)["better-auth.trust_device"].startswith(
        "better-auth.trust_device=; Max-Age=0"
    )


def test_trusted_device_expires_after_thirty_days(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    browser.post(
        "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now), "trustDevice": True}
    )
    browser.post("/sign-out")
    clock.advance(30 * 24 * 3600)
    assert browser.sign_in().json()["twoFactorRedirect"] is True


# -- backup codes ------------------------------------------------------------------
def test_backup_code_signs_in_once(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token", "user"]
    assert list(set_cookies(response)) == ["better-auth.session_token", "better-auth.two_factor"]
    challenged(browser)
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert_error(response, 401, "INVALID_BACKUP_CODE", "Invalid backup code")


def test_backup_codes_compare_exactly(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    code = enrolled.backup_codes[1]
    for variant in (code.swapcase(), code.replace("-", ""), f" {code}"):
        response = browser.post("/two-factor/verify-backup-code", {"code": variant})
        assert_error(response, 401, "INVALID_BACKUP_CODE", "Invalid backup code")
    assert browser.post("/two-factor/verify-backup-code", {"code": code}).status_code == 200


def test_backup_code_in_session_mode_echoes_the_session(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    token = browser.get("/get-session").json()["session"]["token"]
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[2]})
    assert response.status_code == 200 and response.json()["token"] == token
    assert "set-cookie" not in response.headers


def test_backup_code_disable_session(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    response = browser.post(
        "/two-factor/verify-backup-code",
        {"code": enrolled.backup_codes[3], "disableSession": True},
    )
    assert response.status_code == 200
    assert list(response.json()) == ["user"]
    assert "set-cookie" not in response.headers
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[4]})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")


def test_backup_codes_not_enabled(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/verify-backup-code", {"code": "abcde-fghij"})
    assert_error(response, 400, "BACKUP_CODES_NOT_ENABLED", "Backup codes aren't enabled")


def test_backup_code_with_trust_device(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    response = browser.post(
        "/two-factor/verify-backup-code",
        {"code": enrolled.backup_codes[5], "trustDevice": True},
    )
    assert "better-auth.trust_device" in set_cookies(response)


# -- get-totp-uri ------------------------------------------------------------------
def test_get_totp_uri_pending_and_active(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    uri = browser.enable()["totpURI"]
    response = browser.post("/two-factor/get-totp-uri", {"password": PASSWORD})
    assert response.status_code == 200 and response.json() == {"totpURI": uri}
    browser.post("/two-factor/verify-totp", {"code": totp(secret_of(uri), clock.now)})
    assert browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}).json() == {
        "totpURI": uri
    }


def test_get_totp_uri_uses_app_name_not_issuer(make_browser: Callable[..., Browser]) -> None:
    browser = make_browser(app_name="My App", issuer="Plugin Issuer")
    browser.sign_up()
    enabled = browser.enable()["totpURI"]
    again = browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}).json()["totpURI"]
    assert enabled.startswith("otpauth://totp/Plugin%20Issuer:")
    assert again.startswith("otpauth://totp/My%20App:")  # better-auth quirk
    assert secret_of(enabled) == secret_of(again)


def test_get_totp_uri_errors(browser: Browser) -> None:
    assert_error(
        browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}),
        401,
        "UNAUTHORIZED",
        "Unauthorized",
    )
    browser.sign_up()
    assert_error(
        browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}),
        400,
        "TOTP_NOT_ENABLED",
        "TOTP not enabled",
    )
    browser.enable()
    assert_error(
        browser.post("/two-factor/get-totp-uri", {"password": "wrong password"}),
        400,
        "INVALID_PASSWORD",
        "Invalid password",
    )


# -- generate-backup-codes ---------------------------------------------------------
def test_generate_backup_codes_replaces_the_set(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    response = browser.post("/two-factor/generate-backup-codes", {"password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["status", "backupCodes"] and body["status"] is True
    assert len(body["backupCodes"]) == 10 and all(CODE.fullmatch(c) for c in body["backupCodes"])
    old = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert_error(old, 401, "INVALID_BACKUP_CODE", "Invalid backup code")
    new = browser.post("/two-factor/verify-backup-code", {"code": body["backupCodes"][0]})
    assert new.status_code == 200


def test_generate_backup_codes_errors(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    browser.enable()
    assert_error(
        browser.post("/two-factor/generate-backup-codes", {"password": PASSWORD}),
        400,
        "TWO_FACTOR_NOT_ENABLED",
        "Two factor isn't enabled",
    )
    browser.post("/sign-out")
    browser.jar.clear()
    enroll(browser, clock, email="carol@example.test")
    assert_error(
        browser.post("/two-factor/generate-backup-codes", {"password": "wrong password"}),
        400,
        "INVALID_PASSWORD",
        "Invalid password",
    )


# -- disable -----------------------------------------------------------------------
def test_disable_rotates_session_and_removes_the_factor(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    browser.post(
        "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now), "trustDevice": True}
    )
    old = dict(browser.jar)
    response = browser.post("/two-factor/disable", {"password": PASSWORD})
    assert response.status_code == 200 and response.json() == {"status": True}
    cookies = set_cookies(response)
    assert list(cookies) == ["better-auth.session_token", "better-auth.trust_device"]
    assert cookies["better-auth.session_token"].endswith("Max-Age=604800" + ATTRS)
    assert cookies["better-auth.trust_device"] == "better-auth.trust_device=; Max-Age=0" + ATTRS
    stale = Browser(browser.client, browser.runner, jar=old)
    assert stale.get("/get-session").json() is None
    assert browser.get("/get-session").json()["user"]["twoFactorEnabled"] is False
    browser.post("/sign-out")
    assert "token" in browser.sign_in().json()  # a plain session again
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert_error(response, 400, "BACKUP_CODES_NOT_ENABLED", "Backup codes aren't enabled")


def test_disable_forgets_all_trusted_devices(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    browser.post(
        "/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now), "trustDevice": True}
    )
    trust = browser.jar["better-auth.trust_device"]
    browser.post("/two-factor/disable", {"password": PASSWORD}, cookies=True)
    # Re-enable; the old trust cookie must not skip the new second factor.
    enabled = browser.enable()
    clock.advance(30)
    browser.post(
        "/two-factor/verify-totp", {"code": totp(secret_of(enabled["totpURI"]), clock.now)}
    )
    browser.post("/sign-out")
    browser.jar["better-auth.trust_device"] = trust
    assert browser.sign_in().json()["twoFactorRedirect"] is True


def test_disable_errors(browser: Browser) -> None:
    assert_error(
        browser.post("/two-factor/disable", {"password": PASSWORD}),
        401,
        "UNAUTHORIZED",
        "Unauthorized",
    )
    browser.sign_up()
    assert_error(
        browser.post("/two-factor/disable", {"password": "wrong password"}),
        400,
        "INVALID_PASSWORD",
        "Invalid password",
    )
    assert_error(
        browser.post("/two-factor/disable", {}),
        400,
        "VALIDATION_ERROR",
        "[body.password] Invalid input: expected string, received undefined",
    )


def test_disable_when_never_enabled_is_still_200(browser: Browser) -> None:
    browser.sign_up()
    response = browser.post("/two-factor/disable", {"password": PASSWORD})
    assert response.status_code == 200 and response.json() == {"status": True}


# -- send-otp ----------------------------------------------------------------------
def test_send_otp_is_not_configured(browser: Browser) -> None:
    response = browser.post("/two-factor/send-otp", {})
    assert_error(response, 400, "OTP_NOT_CONFIGURED", "otp isn't configured")
