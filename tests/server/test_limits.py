"""PROTOCOL.md §6 (attempt cap, account lock, rate limiter) and §0's replay guard."""

from __future__ import annotations

from collections.abc import Callable

from tests.server.support import (
    PASSWORD,
    Browser,
    MovableClock,
    assert_error,
    challenged,
    enroll,
    set_cookies,
    totp,
)

LOCKED = (
    "Too many failed verification attempts. Your account is temporarily locked."
    " Please try again later."
)
TOO_MANY = "Too many attempts. Please request a new code."


def _wrong(secret: str, clock: MovableClock) -> str:
    used = {totp(secret, clock.now, o) for o in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in used)


# -- replay (RFC 6238 §5.2) ------------------------------------------------------
def test_a_code_that_succeeded_is_refused_again(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    secret = browser.enable()["totpURI"].split("secret=")[1].split("&")[0]
    code = totp(secret, clock.now)
    assert browser.post("/two-factor/verify-totp", {"code": code}).status_code == 200
    # Same code, same step, now in challenge mode: refused (better-auth accepts it).
    challenged(browser)
    response = browser.post("/two-factor/verify-totp", {"code": code})
    assert_error(response, 401, "INVALID_CODE", "Invalid code")
    # An older step than the last used one is refused too.
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, clock.now, -1)})
    assert_error(response, 401, "INVALID_CODE", "Invalid code")
    # The next step's code (inside the window) is fine.
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, clock.now, 1)})
    assert response.status_code == 200


def test_replay_is_refused_on_verify_otp_too(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    code = totp(enrolled.secret, clock.now)
    challenged(browser)
    assert browser.post("/two-factor/verify-otp", {"code": code}).status_code == 200
    challenged(browser)
    response = browser.post("/two-factor/verify-totp", {"code": code})
    assert_error(response, 401, "INVALID_CODE", "Invalid code")


# -- per-challenge attempt cap -----------------------------------------------------
def test_sixth_attempt_on_a_challenge_is_refused_even_with_the_right_code(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    wrong = _wrong(enrolled.secret, clock)
    for _ in range(5):
        response = browser.post("/two-factor/verify-totp", {"code": wrong})
        assert_error(response, 401, "INVALID_CODE", "Invalid code")
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE", TOO_MANY)
    assert set_cookies(response)["better-auth.two_factor"].startswith(
        "better-auth.two_factor=; Max-Age=0"
    )
    browser.jar["better-auth.two_factor"] = "kept-anyway"  # a client that ignores the clearing
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie")


def test_backup_code_failures_share_the_cap(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    challenged(browser)
    for _ in range(5):
        response = browser.post("/two-factor/verify-backup-code", {"code": "aaaaa-aaaaa"})
        assert_error(response, 401, "INVALID_BACKUP_CODE", "Invalid backup code")
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert_error(response, 400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE", TOO_MANY)


def test_session_mode_has_no_cap(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    wrong = _wrong(enrolled.secret, clock)
    for _ in range(12):
        assert browser.post("/two-factor/verify-totp", {"code": wrong}).status_code == 401
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200


# -- account lock --------------------------------------------------------------------
def _fail(browser: Browser, code: str, times: int) -> None:
    for _ in range(times):
        response = browser.post("/two-factor/verify-totp", {"code": code})
        assert_error(response, 401, "INVALID_CODE", "Invalid code")


def test_ten_consecutive_failures_lock_the_account_for_900_seconds(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    wrong = _wrong(enrolled.secret, clock)
    challenged(browser)
    _fail(browser, wrong, 5)
    challenged(browser)
    _fail(browser, wrong, 5)  # the 10th failure still answers INVALID_CODE
    challenged(browser)  # password sign-in still works while locked
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 429, "ACCOUNT_TEMPORARILY_LOCKED", LOCKED)
    assert "x-retry-after" not in response.headers and "retry-after" not in response.headers
    response = browser.post("/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]})
    assert_error(response, 429, "ACCOUNT_TEMPORARILY_LOCKED", LOCKED)
    clock.advance(899)
    challenged(browser)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert_error(response, 429, "ACCOUNT_TEMPORARILY_LOCKED", LOCKED)
    clock.advance(1)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200


def test_lock_counts_across_factors_and_success_resets(
    browser: Browser, clock: MovableClock
) -> None:
    enrolled = enroll(browser, clock)
    wrong = _wrong(enrolled.secret, clock)
    challenged(browser)
    _fail(browser, wrong, 4)
    response = browser.post("/two-factor/verify-backup-code", {"code": "bbbbb-bbbbb"})
    assert response.status_code == 401  # 5 failures
    challenged(browser)
    _fail(browser, wrong, 4)  # 9 failures
    assert (
        browser.post(
            "/two-factor/verify-backup-code", {"code": enrolled.backup_codes[0]}
        ).status_code
        == 200
    )  # success resets the count
    challenged(browser)
    _fail(browser, wrong, 5)
    challenged(browser)
    clock.advance(30)
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200  # only 5 since the reset


def test_lock_is_not_applied_in_session_mode(browser: Browser, clock: MovableClock) -> None:
    enrolled = enroll(browser, clock)
    session = dict(browser.jar)
    wrong = _wrong(enrolled.secret, clock)
    for _ in range(2):
        assert browser.sign_in().json()["twoFactorRedirect"] is True  # session stays alive
        _fail(browser, wrong, 5)
    browser.jar = session
    response = browser.post("/two-factor/verify-totp", {"code": totp(enrolled.secret, clock.now)})
    assert response.status_code == 200


# -- rate limiter ------------------------------------------------------------------
RATE = {"message": "Too many requests. Please try again later."}


def test_sixth_request_per_path_gets_429_with_both_headers(
    limited_browser: Browser, clock: MovableClock
) -> None:
    browser = limited_browser
    browser.sign_up()
    for _ in range(5):
        response = browser.post("/two-factor/enable", {"password": "wrong password"})
        assert response.status_code == 400  # rejected requests count too
    response = browser.post("/two-factor/enable", {"password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == RATE
    assert response.headers["x-retry-after"] == "60"
    assert response.headers["retry-after"] == "60"
    # Other paths have their own bucket; non-2FA paths are not limited.
    assert browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}).status_code == 400
    for _ in range(10):
        assert browser.get("/get-session").status_code == 200


def test_window_semantics(limited_browser: Browser, clock: MovableClock) -> None:
    browser = limited_browser
    for _ in range(5):
        browser.post("/two-factor/send-otp")
        clock.advance(10)
    # Last allowed request was 10 s ago: 50 s remain.
    response = browser.post("/two-factor/send-otp")
    assert response.status_code == 429 and response.headers["x-retry-after"] == "50"
    clock.advance(45)
    response = browser.post("/two-factor/send-otp")  # refusals do not extend the block
    assert response.status_code == 429 and response.headers["retry-after"] == "5"
    clock.advance(4.5)
    assert browser.post("/two-factor/send-otp").headers["x-retry-after"] == "1"
    clock.advance(0.5)
    assert browser.post("/two-factor/send-otp").status_code == 400  # a new window


def test_limit_keys_on_the_socket_peer_not_forwarded_for(
    limited_browser: Browser,
) -> None:
    browser = limited_browser
    for i in range(5):
        browser.post("/two-factor/send-otp", headers={"x-forwarded-for": f"10.0.0.{i}"})
    response = browser.post("/two-factor/send-otp", headers={"x-forwarded-for": "10.9.9.9"})
    assert response.status_code == 429


def test_trusted_proxy_forwarded_for_is_believed(
    make_browser: Callable[..., Browser],
) -> None:
    from server_stub.settings import RateLimit

    browser = make_browser(rate_limit=RateLimit(), trusted_proxies=("127.0.0.1",))
    for _ in range(5):
        browser.post("/two-factor/send-otp", headers={"x-forwarded-for": "203.0.113.7"})
    blocked = browser.post("/two-factor/send-otp", headers={"x-forwarded-for": "203.0.113.7"})
    assert blocked.status_code == 429
    other = browser.post(
        "/two-factor/send-otp", headers={"x-forwarded-for": "203.0.113.7, 198.51.100.2"}
    )
    assert other.status_code == 400


def test_configured_window_and_max(
    make_browser: Callable[..., Browser], clock: MovableClock
) -> None:
    from server_stub.settings import RateLimit

    browser = make_browser(rate_limit=RateLimit(window=10, max=2))
    assert [browser.post("/two-factor/send-otp").status_code for _ in range(3)] == [400, 400, 429]
    clock.advance(10)
    assert browser.post("/two-factor/send-otp").status_code == 400


def test_unknown_two_factor_paths_count_too(limited_browser: Browser) -> None:
    for _ in range(5):
        assert limited_browser.post("/two-factor/view-backup-codes").status_code == 404
    assert limited_browser.post("/two-factor/view-backup-codes").status_code == 429
