"""Debian's Chromium driven by Playwright, and the guide's pages as a person uses them.

Playwright (the Python package) only drives the system browser: it never
downloads one. Chromium runs headless with a fresh profile and the flags that
keep it from talking to any host (no background networking, component
updates, sync, QUIC, first-run pings), and its resolver knows no name but
127.0.0.1. Used by tests/web/test_browser.py and tools/web_screenshots.py.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from starlette.types import ASGIApp

from desktop_2fa.scan.image import decode_bytes
from server_stub.runner import url_for
from server_stub.web import pages

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root (CI) cannot use Chromium's sandbox
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Belt and braces: any host name but 127.0.0.1 fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1000, "height": 900}
TIMEOUT_MS = 20_000


def missing() -> str | None:
    """Why the browser cannot run here (None when it can)."""
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} not found (make test installs Debian's chromium where it can)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not (pages.DIST / pages.BUNDLE_NAME).is_file():
        return "the web bundle is not built: run `make web` (needs Node.js and npm)"
    return None


@contextmanager
def chromium(playwright: Playwright, profile: Path) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile in `profile`; closed on exit."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,  # type: ignore[arg-type]
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def listening_socket() -> socket.socket:
    """A socket on a free 127.0.0.1 port (bound first, so its URL is known early)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve(app: ASGIApp, sock: socket.socket) -> Iterator[str]:
    """Serve `app` on `sock` with uvicorn in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the front-end server did not start")
        time.sleep(0.01)
    try:
        yield url_for(sock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class GuidePage:
    """The guide's pages, used through their labels and buttons like a person would."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.origin + path)
        self.ready()

    def ready(self) -> None:
        """Wait until the page's script has wired its forms."""
        self.page.wait_for_selector("body[data-ready]", state="attached")

    def wait_for(self, path: str) -> None:
        """Wait to land on `path`; failing that, say what the page said instead."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_url(self.origin + path)
        except PlaywrightTimeout:
            shown = self.page.locator(".error:visible").all_inner_texts()
            raise AssertionError(f"stayed on {self.page.url}; the page says {shown}") from None
        self.ready()

    def form(self, selector: str) -> Locator:
        return self.page.locator(selector)

    def error(self, selector: str) -> str:
        """The message a form shows (waits for it)."""
        alert = self.form(selector).locator(".error")
        alert.wait_for(state="visible")
        return alert.inner_text()

    def sign_up(self, name: str, email: str, password: str) -> None:
        form = self.form("#sign-up-form")
        form.get_by_label("Name").fill(name)
        form.get_by_label("E-mail").fill(email)
        form.get_by_label("Password").fill(password)
        form.get_by_role("button", name="Create account").click()

    def sign_in(self, email: str, password: str) -> None:
        form = self.form("#sign-in-form")
        form.get_by_label("E-mail").fill(email)
        form.get_by_label("Password").fill(password)
        form.get_by_role("button", name="Sign in").click()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.wait_for("/")

    def two_factor_state(self, state: str) -> None:
        """Wait until settings show two-factor as `state` (off, pending, on)."""
        self.page.wait_for_selector(f'#two-factor[data-state="{state}"]')

    def enable(self, password: str) -> None:
        form = self.form("#enable-form")
        form.get_by_label("Password").fill(password)
        form.get_by_role("button", name="Enable two-factor").click()

    def scan_qr(self) -> str:
        """The QR code on the screen, read from a screenshot by desktop_2fa.scan."""
        self.page.locator("#qr svg").scroll_into_view_if_needed()
        (text,) = decode_bytes(self.page.screenshot(), "a screenshot of the page")
        return text

    def backup_codes(self) -> list[str]:
        return self.page.locator("#backup-codes code").all_inner_texts()

    def activate(self, code: str) -> None:
        self.page.get_by_label("I have saved my backup codes").check()
        form = self.form("#activate-form")
        form.get_by_label("6-digit code").fill(code)
        form.get_by_role("button", name="Activate").click()

    def verify(self, code: str) -> None:
        form = self.form("#totp-form")
        form.get_by_label("Code").fill(code)
        form.get_by_role("button", name="Verify").click()

    def verify_backup_code(self, code: str) -> None:
        form = self.form("#backup-form")
        if form.is_hidden():
            self.page.get_by_role("button", name="Use a backup code").click()
        form.get_by_label("Backup code").fill(code)
        form.get_by_role("button", name="Verify").click()

    def disable(self, password: str) -> None:
        form = self.form("#disable-form")
        form.get_by_label("Password").fill(password)
        form.get_by_role("button", name="Disable two-factor").click()
