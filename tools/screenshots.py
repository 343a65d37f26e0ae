"""`make screenshots`: render the desktop app's windows into docs/*.png (offscreen).

The demo vault of `tools/demo_vault.py` (thirty accounts and a small icon pack
of plain shapes; cheap Argon2id: nothing here is secret), the real windows,
`QWidget.grab().save(...)`. The wizard enrolls a demo account against the
bundled reference server, started in this process. The rollback bar and the
restore dialog are shown on a second demo vault with a few days of history,
whose oldest kept version is copied over it.

The generations these throw-away vaults reach are remembered in a temporary
state folder, never in the user's (`DESKTOP_2FA_STATE_DIR`, vault/rollback.py).

    python tools/screenshots.py [OUT_DIR]     # default: docs/
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.demo_vault import PASSWORD, write_demo  # noqa: E402 - after the path set-up

NAMES = (
    "unlock",
    "main-window",
    "compact",
    "dark",
    "add-dialog",
    "backup-codes",
    "icon-dialog",
    "export-dialog",
    "qr-dialog",
    "wizard",
    "wizard-roundtrip",
    "rollback-banner",
    "restore-dialog",
)


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


def _select(window: object, issuer: str) -> None:
    account = next(a for a in window.session.data.accounts if a.issuer == issuer)  # type: ignore[attr-defined]
    window.select_account(account.id)  # type: ignore[attr-defined]


def rolled_back(folder: Path) -> Path:
    """A demo vault saved over a few days, then its oldest kept version copied over it."""
    from desktop_2fa.core import uri
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.durable import list_backups
    from desktop_2fa.vault.store import VaultFile

    now = datetime.now(UTC)
    path = write_demo(folder, now - timedelta(days=9))
    vault = VaultFile(path).unlock(PASSWORD)
    added = ("Linode", "Vercel", "Fly")
    for days, issuer in zip((6, 2, 0.2), added, strict=True):
        when = (now - timedelta(days=days)).timestamp()
        os.utime(path, (when, when))  # the kept version is named by the file's own time
        link = f"otpauth://totp/{issuer}:alice?secret=JBSWY3DPEHPK3P{issuer[:2].upper()}"
        vault.apply(lambda data, link=link: edits.add_account(data, uri.parse(link), now)[0])
    vault.lock()
    shutil.copy2(list_backups(path)[0], path)  # a sync tool brings back last week's copy
    return path


def main(argv: list[str]) -> int:  # noqa: PLR0915 - a flat list of windows and shots
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
    from desktop_2fa.ui.icons import app_icon
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault.crypto import KdfParams
    from desktop_2fa.vault.model import Density, Theme

    app.setWindowIcon(app_icon())  # type: ignore[attr-defined]
    kdf = KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DESKTOP_2FA_STATE_DIR"] = str(Path(tmp) / "state")
        path = write_demo(Path(tmp) / "demo")

        def unlocked_window(path: Path, locked_shot: str = "") -> MainWindow:
            """The window on `path`, unlocked, GitHub selected (shot first when named)."""
            window = MainWindow(build_services(path, kdf=lambda: kdf))
            window.resize(560, 640)
            window.show()
            if locked_shot:
                _settle(app)
                window.grab().save(str(out / f"{locked_shot}.png"))
            window.unlock_page.password.setText(PASSWORD)
            window.unlock_page.submit()
            _wait(app, lambda: window.session.is_open)
            _select(window, "GitHub")
            _settle(app)
            return window

        window = unlocked_window(path, "unlock")
        window.grab().save(str(out / "main-window.png"))

        window.view_menu.action("density", Density.COMPACT).trigger()
        _select(window, "Slack")
        _settle(app)
        window.grab().save(str(out / "compact.png"))
        window.view_menu.action("theme", Theme.DARK).trigger()
        window.view_menu.action("density", Density.NORMAL).trigger()
        groups = window.codes_page.groups
        groups.setCurrentIndex(groups.findText("Work"))
        _settle(app)
        window.grab().save(str(out / "dark.png"))
        groups.setCurrentIndex(0)
        window.view_menu.action("theme", Theme.SYSTEM).trigger()
        _settle(app)

        dialog = window.dialogs.add_account()
        dialog.set_uri(
            "otpauth://totp/Dropbox:alice%40example.com?secret=GEZDGNBVGY3TQOJR&issuer=Dropbox"
        )
        dialog.group.setCurrentText("Work")
        _settle(app)
        dialog.grab().save(str(out / "add-dialog.png"))
        dialog.reject()

        github = next(a for a in window.session.data.accounts if a.issuer == "GitHub")
        backup = window.accounts.show_backup_codes(github.id)
        backup.list.setCurrentRow(2)
        _settle(app)
        backup.grab().save(str(out / "backup-codes.png"))
        backup.reject()

        _select(window, "Dropbox")
        icons = window.accounts.choose_icon()
        icons.icons.setCurrentRow(0)
        _settle(app)
        icons.grab().save(str(out / "icon-dialog.png"))
        icons.reject()

        export = window.dialogs.open_export()
        export.choose("otpauth")
        export.destination.setText("/home/alice/Documents/desktop-2fa-otpauth.txt")
        export.vault_password.setText("a password")
        _settle(app)
        export.grab().save(str(out / "export-dialog.png"))
        export.reject()

        _select(window, "Mastodon")
        reveal = window.accounts.show_qr()
        reveal.password.setText(PASSWORD)
        reveal.check()
        _wait(app, lambda: reveal.stack.currentIndex() == 1)
        _settle(app)
        reveal.grab().save(str(out / "qr-dialog.png"))
        reveal.reject()

        wizard = window.dialogs.open_wizard()
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

        window = unlocked_window(rolled_back(Path(tmp) / "history"))
        window.grab().save(str(out / "rollback-banner.png"))
        restore = window.dialogs.open_restore()
        _wait(app, lambda: restore.versions.rowCount() > 0)
        restore.password.setText("a password")
        _settle(app)
        restore.grab().save(str(out / "restore-dialog.png"))
        restore.reject()
        window.session.lock()
        window.close()
    from desktop_2fa.ui import jobs

    jobs.wait_for_all()
    for name in NAMES:
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
