"""The integration guide end to end in a real browser, with the codes from desktop-2fa.

Debian's Chromium (headless, through Playwright) uses the pages the reference
server serves: sign up, enable two-factor; then the desktop side takes over:
the QR code is read from a screenshot of the page by `desktop_2fa.scan` and
added to a scratch vault by the `desktop-2fa` CLI, whose code activates
two-factor in the page. Sign out, sign in, the redirect lands on /verify-2fa
and the CLI's code signs in; again with a backup code, which `desktop-2fa
backup-codes --use` marks used offline; disable. Then the same pages served
from another port (a trusted origin) complete a sign-in with two-factor
against the server, and pages on an untrusted origin are refused.

Skipped, loudly, only where Chromium, Playwright or the bundle (Node.js) are
missing; `make test` installs them.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from server_stub.runner import RunningServer, start_in_thread, url_for
from server_stub.settings import RateLimit, Settings
from server_stub.storage.records import SignInThrottle
from server_stub.web.pages import front_end_app
from tests.web import browser
from tests.web.browser import GuidePage

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

#: The limits these tests run under, in one place, never the server's defaults
#: (which may change). The guide's walk signs in and calls /two-factor/* more
#: often than a person would in a minute, and types one wrong password per
#: account; the limits have their own tests (tests/server/test_limits.py), so
#: here the request limiter is off and an e-mail pauses only after 5 wrong
#: passwords in a row.
RATE_LIMIT = None
SIGN_IN_THROTTLE = SignInThrottle(free=5, first_pause=15, longest_pause=300)
#: For the one test about the limiter's answer: a second try on a /two-factor/ path is refused.
TIGHT_RATE_LIMIT = RateLimit(window=60, max=1)
#: For the one test about an e-mail's pause: the second wrong password in a row pauses it.
TIGHT_THROTTLE = SignInThrottle(free=2, first_pause=20, longest_pause=300)
PASSWORD = "correct horse battery staple"  # a throw-away account
VAULT_PASSWORD = "scratch vault password"


@dataclass
class Desktop:
    """The `desktop-2fa` CLI on a scratch vault."""

    vault: Path
    password_file: Path

    def run(self, *args: str, stdin: str = "") -> str:
        script = Path(sys.executable).with_name("desktop-2fa")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "desktop_2fa"]
        vault = ["--vault", str(self.vault), "--password-file", str(self.password_file)]
        done = subprocess.run(
            [*command, *args, *vault],
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"desktop-2fa {args[0]}: {done.stderr}"
        return done.stdout

    def code(self, account: str, *, next_step: bool = False) -> str:
        """The account's current code; or the next 30 s step's, which the server
        also accepts (±1 step, PROTOCOL.md §5) while refusing a code step already
        used (RFC 6238 §5.2): a person would wait for the next code instead."""
        at = ["--at", str(time.time() + 30)] if next_step else []
        (row,) = json.loads(self.run("code", account, "--json", *at))
        return str(row["code"])

    def unused_backup_codes(self, account: str) -> list[str]:
        codes = json.loads(self.run("backup-codes", account, "--json"))["codes"]
        return [c["code"] for c in codes if not c["used"]]


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    reason = browser.missing()
    if reason is not None:
        pytest.skip(f"BROWSER TEST NOT RUN: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def desktop(tmp_path: Path) -> Desktop:
    password_file = tmp_path / "vault-password"
    password_file.write_text(VAULT_PASSWORD + "\n", encoding="utf-8")
    desktop = Desktop(tmp_path / "vault" / "vault.json", password_file)
    desktop.run("init", "--kdf-memory-mib", "64")
    return desktop


@pytest.fixture
def sites() -> Iterator[tuple[RunningServer, str, str]]:
    """The server (pages at /), the same pages on a trusted origin and on an untrusted one."""
    trusted, untrusted = browser.listening_socket(), browser.listening_socket()
    settings = Settings(
        secret=secrets.token_urlsafe(48),
        rate_limit=RATE_LIMIT,
        sign_in_throttle=SIGN_IN_THROTTLE,
        trusted_origins=(url_for(trusted),),
    )
    with start_in_thread(settings) as server:
        front = front_end_app(server.auth_url, "Trusted front-end")
        other = front_end_app(server.auth_url, "Untrusted front-end")
        with (
            browser.serve(front, trusted) as front_url,
            browser.serve(other, untrusted) as other_url,
        ):
            yield server, front_url, other_url


def _sign_up_and_enroll(site: GuidePage, desktop: Desktop, name: str, email: str) -> None:
    """Sign up, then on the settings page: enable, scan, keep the backup codes,
    activate with the CLI's code."""
    site.open("/")
    site.sign_up(name, email, PASSWORD)
    _signed_in(site, email)
    site.two_factor_state("off")
    site.enable("not the password")
    assert site.error("#enable-form") == "Wrong password."
    site.enable(PASSWORD)
    site.two_factor_state("pending")
    uri = site.scan_qr()
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    assert desktop.run("add", "-", stdin=uri + "\n").startswith("Added")
    codes = site.backup_codes()
    assert len(codes) == 10
    desktop.run("backup-codes", email, "--add", "-", stdin="\n".join(codes) + "\n")
    assert desktop.unused_backup_codes(email) == codes
    # activation stays locked until the backup codes are confirmed as saved
    assert site.form("#activate-form").get_by_label("6-digit code").is_disabled()
    site.activate(desktop.code(email))
    site.two_factor_state("on")
    assert "Two-factor authentication is on" in site.page.locator("#notice").inner_text()


def _signed_in(site: GuidePage, email: str) -> None:
    site.wait_for("/settings")
    assert site.page.locator("#account-email").inner_text() == email


def _second_factor_asked(site: GuidePage, email: str) -> None:
    """Sign out, sign in with the password: onTwoFactorRedirect lands on /verify-2fa."""
    site.sign_out()
    site.sign_in(email, PASSWORD)
    site.wait_for("/verify-2fa")


def test_the_guide_end_to_end_with_the_desktop_app(
    playwright: object, sites: tuple[RunningServer, str, str], desktop: Desktop, tmp_path: Path
) -> None:
    server, front_url, other_url = sites
    with browser.chromium(playwright, tmp_path / "profile") as context:  # type: ignore[arg-type]
        requested: list[tuple[str, str]] = []  # (the page's URL, the request's)
        context.on("request", lambda request: requested.append((request.frame.url, request.url)))
        crashes: list[str] = []  # uncaught errors in the pages' scripts, CSP violations
        site = GuidePage(context.new_page(), server.base_url)
        site.page.on("pageerror", lambda error: crashes.append(str(error)))
        site.page.on(
            "console",
            lambda message: crashes.extend(
                [message.text] if "Content Security Policy" in message.text else []
            ),
        )
        email = "ann@example.test"

        # 1. sign up, enable (QR scanned by desktop_2fa.scan, code from the CLI)
        _sign_up_and_enroll(site, desktop, "Ann", email)

        # 2. sign out, sign in: onTwoFactorRedirect lands on /verify-2fa
        site.sign_out()
        site.sign_in(email, "wrong password")
        assert site.error("#sign-in-form") == "Wrong e-mail or password."
        site.sign_in(email, PASSWORD)
        site.wait_for("/verify-2fa")
        right = desktop.code(email, next_step=True)
        site.verify(f"{(int(right) + 500_000) % 1_000_000:06d}")
        assert site.error("#totp-form").startswith("That code is not right.")
        site.verify(right)
        _signed_in(site, email)
        site.two_factor_state("on")

        # 3. again with a backup code, marked used offline in the vault
        _second_factor_asked(site, email)
        first, second = desktop.unused_backup_codes(email)[:2]
        site.verify_backup_code(first)
        _signed_in(site, email)
        assert "Marked" in desktop.run("backup-codes", email, "--use", first)
        assert first not in desktop.unused_backup_codes(email)
        # the server agrees: a used code is refused, the next one works
        _second_factor_asked(site, email)
        site.verify_backup_code(first)
        assert site.error("#backup-form") == (
            "That backup code is not right, or it has been used already."
        )
        site.verify_backup_code(second)
        _signed_in(site, email)
        desktop.run("backup-codes", email, "--use", second)

        # 4. disable with the password; the next sign-in asks for no code
        site.disable("not the password")
        assert site.error("#disable-form") == "Wrong password."
        site.disable(PASSWORD)
        site.two_factor_state("off")
        site.sign_out()
        site.sign_in(email, PASSWORD)
        _signed_in(site, email)
        site.sign_out()

        # 5. the same pages on another port, a trusted origin: sign-in with 2FA
        front = GuidePage(site.page, front_url)
        bea = "bea@example.test"
        _sign_up_and_enroll(front, desktop, "Bea", bea)
        _second_factor_asked(front, bea)
        front.verify(desktop.code(bea, next_step=True))
        _signed_in(front, bea)
        front.two_factor_state("on")
        # the front-end's own page called the API on the server's origin
        assert (front_url + "/verify-2fa", server.auth_url + "/two-factor/verify-totp") in requested
        front.sign_out()

        # 6. an untrusted origin: the browser gets no CORS answer, nothing signs in
        other = GuidePage(site.page, other_url)
        other.open("/")
        other.sign_in(bea, PASSWORD)
        refused = other.error("#sign-in-form")
        assert refused.startswith(f"Could not reach the server at {server.auth_url}")
        assert f"--trusted-origin {other_url}" in refused
        assert other.path == "/"
        cookies = {c["name"] for c in context.cookies(server.base_url)}
        assert not cookies & {"better-auth.session_token", "better-auth.two_factor"}

    assert crashes == []
    # the pages never talked to any other host
    hosts = {urlsplit(url).hostname for _, url in requested}
    assert hosts == {"127.0.0.1"}, hosts


def test_the_rate_limit_answer_says_how_long_to_wait(playwright: object, tmp_path: Path) -> None:
    settings = Settings(
        secret=secrets.token_urlsafe(48),
        rate_limit=TIGHT_RATE_LIMIT,
        sign_in_throttle=SIGN_IN_THROTTLE,
    )
    with (
        start_in_thread(settings) as server,
        browser.chromium(playwright, tmp_path / "profile") as context,  # type: ignore[arg-type]
    ):
        site = GuidePage(context.new_page(), server.base_url)
        site.open("/")
        site.sign_up("Cy", "cy@example.test", PASSWORD)
        _signed_in(site, "cy@example.test")
        site.enable("not the password")
        assert site.error("#enable-form") == "Wrong password."
        site.enable(PASSWORD)
        refused = site.form("#enable-form").locator(".error")
        refused.filter(has_text="Too many requests").wait_for()
        said = refused.inner_text()
        wait = re.fullmatch(r"Too many requests: try again in (\d+) seconds\.", said)
        assert wait is not None and 0 < int(wait.group(1)) <= 60
        site.two_factor_state("off")


@contextmanager
def _single_site(playwright: object, tmp_path: Path, **overrides: object) -> Iterator[GuidePage]:
    """The server's own pages in a browser, under this module's limits unless overridden."""
    limits: dict[str, object] = {"rate_limit": RATE_LIMIT, "sign_in_throttle": SIGN_IN_THROTTLE}
    settings = Settings(secret=secrets.token_urlsafe(48), **{**limits, **overrides})  # type: ignore[arg-type]
    with (
        start_in_thread(settings) as server,
        browser.chromium(playwright, tmp_path / "profile") as context,  # type: ignore[arg-type]
    ):
        page = context.new_page()
        crashes: list[str] = []  # uncaught errors in the pages' scripts, CSP violations
        page.on("pageerror", lambda error: crashes.append(str(error)))
        page.on(
            "console", lambda m: crashes.extend([m.text] if "Content Security" in m.text else [])
        )
        yield GuidePage(page, server.base_url)
        assert crashes == []


def test_an_e_mail_paused_after_wrong_passwords_says_how_long_to_wait(
    playwright: object, tmp_path: Path
) -> None:
    with _single_site(playwright, tmp_path, sign_in_throttle=TIGHT_THROTTLE) as site:
        site.open("/")
        site.sign_up("Di", "di@example.test", PASSWORD)
        _signed_in(site, "di@example.test")
        site.sign_out()
        for wrong in ("wrong password", "wrong again"):
            with site.page.expect_response(lambda r: r.url.endswith("/sign-in/email")):
                site.sign_in("di@example.test", wrong)
            assert site.error("#sign-in-form") == "Wrong e-mail or password."
        # paused: the right password is not even checked, and the page says how long
        site.sign_in("di@example.test", PASSWORD)
        refused = site.form("#sign-in-form").locator(".error")
        refused.filter(has_text="Too many").wait_for()
        said = refused.inner_text()
        wait = re.fullmatch(r"Too many requests: try again in (\d+) seconds\.", said)
        assert wait is not None and 0 < int(wait.group(1)) <= 20, said
        assert site.path == "/"


def test_what_a_person_wrote_is_shown_as_text(playwright: object, tmp_path: Path) -> None:
    """A name reaches the page through textContent only: markup in it is shown,
    never parsed or run (nor refused by the policy: no CSP report either)."""
    name = "<img src=x onerror=\"document.title='owned'\"><b>Eve</b>"
    with _single_site(playwright, tmp_path) as site:
        site.open("/")
        site.sign_up(name, "eve@example.test", PASSWORD)
        _signed_in(site, "eve@example.test")
        assert site.page.locator("#user-name").inner_text() == name
        assert site.page.locator("#user-name *").count() == 0
        assert site.page.locator("img").count() == 0
        assert site.page.title() != "owned"


def test_a_request_too_large_for_the_server_says_what_to_do(
    playwright: object, tmp_path: Path
) -> None:
    """Cookies the API's path collects past the server's 16 KiB of headers get a bare
    431 (http/connections.py): the page says what a person can do about it."""
    with _single_site(playwright, tmp_path) as site:
        site.open("/")
        host = urlsplit(site.origin).hostname
        site.page.context.add_cookies([
            {"name": f"big{i}", "value": "x" * 4000, "domain": host, "path": "/api/auth"}
            for i in range(5)
        ])  # fmt: skip
        site.sign_in("fay@example.test", PASSWORD)
        said = site.error("#sign-in-form")
        assert "cookies" in said and "HTTP 431" not in said, said
