"""`make screenshots` (web part): the guide's pages in Debian's Chromium, into docs/*.png.

The reference server runs in this process with its pages at `/`; Playwright
drives the same headless Chromium as the browser test (tests/web/browser.py):
sign up, enable two-factor (the QR step is pictured), activate with a code
computed from the scanned QR code, sign out and in again (the /verify-2fa page
is pictured).

    python tools/web_screenshots.py [OUT_DIR]     # default: docs/
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMAIL = "alice@example.com"
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throw-away demo account


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from desktop_2fa.core import otp, uri
    from server_stub.runner import start_in_thread
    from server_stub.settings import Settings
    from tests.web import browser
    from tests.web.browser import GuidePage

    reason = browser.missing()
    if reason is not None:
        print(f"web screenshots not made: {reason}", file=sys.stderr)
        return 1
    out = Path(argv[0]) if argv else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(secret=secrets.token_urlsafe(48), rate_limit=None)
    with (
        start_in_thread(settings) as server,
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as profile,
        browser.chromium(playwright, Path(profile)) as context,
    ):
        site = GuidePage(context.new_page(), server.base_url)
        site.page.set_viewport_size({"width": 900, "height": 1240})
        site.open("/")
        site.sign_up("Alice", EMAIL, PASSWORD)
        site.wait_for("/settings")
        site.enable(PASSWORD)
        site.two_factor_state("pending")
        site.page.get_by_label("I have saved my backup codes").check()
        site.page.screenshot(path=str(out / "web-enable.png"), full_page=True)

        params = uri.parse(site.scan_qr()).params
        site.activate(otp.generate(params, time.time()).value)
        site.two_factor_state("on")
        site.sign_out()
        site.page.set_viewport_size({"width": 900, "height": 520})
        site.sign_in(EMAIL, PASSWORD)
        site.wait_for("/verify-2fa")
        site.page.screenshot(path=str(out / "web-verify.png"))
    for name in ("web-enable.png", "web-verify.png"):
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
