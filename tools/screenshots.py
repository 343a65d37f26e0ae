"""`make screenshots`: render the desktop app's windows into docs/*.png (offscreen).

A temporary vault with a few demo accounts (cheap Argon2id: nothing here is
secret), the real windows, `QWidget.grab().save(...)`. The wizard enrolls a
demo account against the bundled reference server, started in this process.

    python tools/screenshots.py [OUT_DIR]     # default: docs/
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO = [
    ("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub", "Work", True),
    ("otpauth://totp/Google:alice%40gmail.com?secret=GEZDGNBVGY3TQOJQ&issuer=Google", "", True),
    ("otpauth://totp/GitLab:alice?secret=MFRGGZDFMZTWQ2LK&issuer=GitLab", "Work", False),
    (
        "otpauth://totp/AWS:admin?secret=ORSXG5BAMFRGG3DF&issuer=Amazon%20Web%20Services&period=60",
        "Work",
        False,
    ),
    (
        "otpauth://hotp/Bank:alice?secret=NBSWY3DPO5XXE3DE&issuer=My%20Bank&counter=7",
        "Money",
        False,
    ),
    ("otpauth://steam/Steam:alice?secret=KRUGKIDROVUWG2ZA&issuer=Steam", "Games", False),
    (
        "otpauth://totp/Mastodon:%40alice%40example.social?secret=MZXW6YTBOI======&issuer=Mastodon",
        "",
        False,
    ),
]
BACKUP_CODES = [
    "x9sUh-oaxoP",
    "pB1w5-yC0d2",
    "PJnMQ-Q9rtF",
    "2P9jf-mOnEL",
    "FB9oO-cMvnT",
    "xSlDi-IpAcS",
]
PASSWORD = "screenshots"  # noqa: S105 - a throw-away demo vault


def _wait(app: object, done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        time.sleep(0.005)


def _settle(app: object) -> None:
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def main(argv: list[str]) -> int:  # noqa: PLR0915 - a flat list of widgets and layouts
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(mode: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message and mode != QtMsgType.QtDebugMsg:
            print(f"qt: {message}", file=sys.stderr)

    qInstallMessageHandler(quiet)
    out = Path(argv[0]) if argv else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["desktop-2fa"])

    from desktop_2fa.app import build_services
    from desktop_2fa.core import uri
    from desktop_2fa.ui.icons import app_icon
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.crypto import KdfParams
    from desktop_2fa.vault.model import VaultData
    from desktop_2fa.vault.store import VaultFile

    app.setWindowIcon(app_icon())  # type: ignore[attr-defined]
    kdf = KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.json"
        data = VaultData()
        now = datetime.now(UTC)
        for text, group, favourite in DEMO:
            data, account = edits.add_account(
                data, uri.parse(text), now, group=group, favourite=favourite
            )
            if account.issuer == "GitHub":
                data, _ = edits.add_backup_codes(data, account.id, BACKUP_CODES, now)
                data, _ = edits.set_backup_code_used(data, account.id, BACKUP_CODES[1], now)
        VaultFile(path).create(PASSWORD, data, kdf)

        window = MainWindow(build_services(path, kdf=lambda: kdf))
        window.resize(540, 620)
        window.show()
        _settle(app)
        window.grab().save(str(out / "unlock.png"))
        window.unlock_page.password.setText(PASSWORD)
        window.unlock_page.submit()
        _wait(app, lambda: window.session.is_open)
        window.view.setCurrentIndex(window.proxy.index(0, 0))
        _settle(app)
        window.grab().save(str(out / "main-window.png"))

        dialog = window.add_account()
        dialog.set_uri(
            "otpauth://totp/Dropbox:alice%40example.com?secret=GEZDGNBVGY3TQOJR&issuer=Dropbox"
        )
        dialog.group.setCurrentText("Work")
        _settle(app)
        dialog.grab().save(str(out / "add-dialog.png"))
        dialog.reject()

        github = next(a for a in window.session.data.accounts if a.issuer == "GitHub")
        backup = window.show_backup_codes(github.id)
        backup.list.setCurrentRow(2)
        _settle(app)
        backup.grab().save(str(out / "backup-codes.png"))
        backup.reject()

        wizard = window.open_wizard()
        page = wizard.enroll_page
        page.email.setText("alice@example.test")
        page.password.setText("a long demo password")
        page.start_button.click()
        _wait(app, lambda: page.stack.currentIndex() == 1)
        page.saved.setChecked(True)
        _settle(app)
        wizard.grab().save(str(out / "wizard.png"))
        trip = wizard.roundtrip_page
        wizard.tabs.setCurrentWidget(trip)
        trip.run_button.click()
        _wait(app, lambda: trip.report is not None, seconds=120)
        _settle(app)
        wizard.grab().save(str(out / "wizard-roundtrip.png"))
        wizard.reject()
        window.session.lock()
        window.close()
    from desktop_2fa.ui import jobs

    jobs.wait_for_all()
    for name in (
        "unlock",
        "main-window",
        "add-dialog",
        "backup-codes",
        "wizard",
        "wizard-roundtrip",
    ):
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
