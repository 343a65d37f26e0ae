"""Password guessing per account (NIST SP 800-63B section 5.2.2).

Wrong passwords pause the e-mail for the address that sent them after 5,
and for every address after `account_free` in a row from anywhere, so that
someone else guessing cannot lock the owner out. The per-client rate limit
is off here: these clients could be many machines.
"""

from __future__ import annotations

from collections.abc import Callable

from server_stub.storage.records import SignInThrottle
from tests.server.support import PASSWORD, Browser, MovableClock

RATE = {"message": "Too many requests. Please try again later."}


def _wrong(browser: Browser, email: str, times: int) -> list[int]:
    return [
        browser.sign_in(email=email, password=f"wrong {i:03d}!").status_code for i in range(times)
    ]


def test_five_wrong_passwords_throttle_the_account_even_for_the_right_one(
    browser: Browser, clock: MovableClock
) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    assert _wrong(browser, "bob@example.test", 5) == [401] * 5
    refused = browser.sign_in()
    assert refused.status_code == 429 and refused.json() == RATE
    assert refused.headers["x-retry-after"] == refused.headers["retry-after"] == "15"
    clock.advance(14)
    assert browser.sign_in().headers["x-retry-after"] == "1"  # refusals do not extend it
    clock.advance(1)
    assert browser.sign_in().status_code == 200


def test_the_pause_grows_with_each_further_failure_and_is_capped(
    browser: Browser, clock: MovableClock
) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    _wrong(browser, "bob@example.test", 5)
    waits = []
    for _ in range(6):
        refused = browser.sign_in(password="still wrong")
        waits.append(int(refused.headers["x-retry-after"]))
        clock.advance(waits[-1])
        assert _wrong(browser, "bob@example.test", 1) == [401]
    assert waits == [15, 30, 60, 120, 240, 300]
    clock.advance(300)
    assert browser.sign_in().status_code == 200
    # A success starts the count again from zero.
    browser.post("/sign-out")
    assert _wrong(browser, "bob@example.test", 4) == [401] * 4
    assert browser.sign_in().status_code == 200


def test_an_unknown_email_is_throttled_exactly_like_a_real_account(browser: Browser) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    real = _wrong(browser, "bob@example.test", 7)
    unknown = _wrong(browser, "nobody@example.test", 7)
    assert real == unknown == [401] * 5 + [429] * 2


def test_other_accounts_are_not_affected(browser: Browser) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    _wrong(browser, "eve@example.test", 8)
    assert browser.sign_in().status_code == 200


def test_email_case_does_not_give_fresh_attempts(browser: Browser) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    _wrong(browser, "bob@example.test", 5)
    assert browser.sign_in(email="BOB@Example.test", password=PASSWORD).status_code == 429


def test_old_failures_are_forgotten_after_a_day(browser: Browser, clock: MovableClock) -> None:
    browser.sign_up()
    browser.post("/sign-out")
    _wrong(browser, "bob@example.test", 4)
    clock.advance(24 * 3600)
    assert _wrong(browser, "bob@example.test", 4) == [401] * 4
    assert browser.sign_in().status_code == 200


def _from(browser: Browser, address: str, password: str) -> int:
    body = {"email": "bob@example.test", "password": password}
    sent = browser.request("POST", "/sign-in/email", json=body,
                           headers={"x-forwarded-for": address})  # fmt: skip
    return sent.status_code


def test_someone_guessing_from_another_address_cannot_lock_the_owner_out(
    make_browser: Callable[..., Browser], clock: MovableClock
) -> None:
    browser = make_browser(trusted_proxies=("127.0.0.1",))
    browser.sign_up()
    browser.post("/sign-out")
    # A guesser at one address, one wrong password every time its pause ends.
    guesses = [_from(browser, "203.0.113.9", f"guess {i}") for i in range(7)]
    assert guesses == [401] * 5 + [429] * 2
    for _ in range(8):
        clock.advance(300)
        assert _from(browser, "203.0.113.9", "another guess") == 401
    # The owner, elsewhere, is never paused by it.
    assert _from(browser, "198.51.100.7", PASSWORD) == 200


def test_guesses_from_many_addresses_pause_the_account_at_its_ceiling(
    make_browser: Callable[..., Browser],
) -> None:
    throttle = SignInThrottle(free=5, account_free=12)
    browser = make_browser(trusted_proxies=("127.0.0.1",), sign_in_throttle=throttle)
    browser.sign_up()
    browser.post("/sign-out")
    spread = [_from(browser, f"203.0.113.{n}", "guess") for n in range(4) for _ in range(3)]
    assert spread == [401] * 12
    # The 12th failure in a row paused the e-mail for every address, right or wrong.
    assert _from(browser, "198.51.100.7", PASSWORD) == 429
