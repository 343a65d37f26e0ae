"""Start-up without a display, error words, the excepthook, accessibility, single instance."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_2fa.app import build_services
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.importers import errors as import_errors
from desktop_2fa.scan import errors as scan_errors
from desktop_2fa.ui import app as ui_app
from desktop_2fa.ui import messages
from desktop_2fa.ui.password_strength import strength
from desktop_2fa.vault import errors as vault_errors


def test_no_display_prints_one_line_and_the_cli_equivalent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    services = build_services(tmp_path / "vault.json")
    assert ui_app.run(services) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no display" in err and "desktop-2fa code" in err
    assert ui_app.run(services, uri="otpauth://totp/X?secret=AAAA") == 1
    err = capsys.readouterr().err
    assert "desktop-2fa add -" in err and "secret" not in err


def test_display_checks() -> None:
    assert ui_app.display_problem({}, "linux") is not None
    assert ui_app.display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert "not running" in (ui_app.display_problem({"DISPLAY": ":97"}, "linux") or "")
    assert ui_app.display_problem({"DISPLAY": "remote:0"}, "linux") is None
    assert ui_app.display_problem({}, "win32") is None


@pytest.mark.parametrize(
    "error",
    [
        vault_errors.WrongPassword(),
        vault_errors.CorruptVault("checksum"),
        vault_errors.UnsupportedVersion(9, 1),
        vault_errors.VaultChangedOnDisk(Path("/v.json")),
        vault_errors.DuplicateAccount("GitHub (alice)"),
        scan_errors.NoQrCodeFound("the screen"),
        scan_errors.NoCamera(0),
        scan_errors.ScreenUnavailable("Wayland"),
        import_errors.WrongPassword("Aegis"),
        import_errors.UnknownFormat("Aegis files"),
        InvalidUri("digits", "digits must be 6 to 10, got 12"),
        PermissionError(13, "Permission denied", "/x"),
        ZeroDivisionError("boom"),
    ],
)
def test_every_error_is_one_sentence(error: BaseException) -> None:
    text = messages.describe(error, Path("/log"))
    assert text[0].isupper() and text.endswith(".")
    assert "Traceback" not in text and "\n" not in text


def test_wrong_password_and_damage_read_differently() -> None:
    assert messages.describe(vault_errors.WrongPassword()) != messages.describe(
        vault_errors.CorruptVault("x")
    )


def test_excepthook_logs_and_shows_one_sentence(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    log = tmp_path / "log" / "app.log"
    previous = ui_app.install_excepthook(lambda: None, log)
    try:
        try:
            raise RuntimeError("internal detail")
        except RuntimeError as e:
            sys.excepthook(type(e), e, e.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown == [
        f"Something unexpected went wrong (RuntimeError); the details were written to {log}."
    ]
    assert "Traceback" in log.read_text()
    assert (log.stat().st_mode & 0o777) == 0o600


def _inside_composite(widget: QWidget, root: QWidget) -> bool:
    """Part of a composite control: a combo's popup, a spin box's editor, a tab bar's arrows."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QTabBar | QLineEdit | QTableView):
            return True
        parent = parent.parentWidget()
    return False


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (
        QAbstractButton,
        QLineEdit,
        QComboBox,
        QAbstractSpinBox,
        QAbstractItemView,
        QPlainTextEdit,
    )
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds)
        and not _inside_composite(w, root)
        and not w.objectName().startswith("qt_")  # Qt's own menubar/toolbar overflow buttons
    ]


def test_every_control_has_an_accessible_name(qtbot: QtBot, unlocked) -> None:
    roots: list[QWidget] = [unlocked]
    roots.append(unlocked.dialogs.add_account())
    unlocked.view.setCurrentIndex(unlocked.proxy.index(0, 0))
    roots.append(unlocked.accounts.show_backup_codes())
    roots.append(unlocked.accounts.edit_current())
    roots.append(unlocked.dialogs.open_settings())
    roots.append(unlocked.dialogs.open_import())
    roots.append(unlocked.dialogs.open_export())
    roots.append(unlocked.dialogs.open_wizard())
    roots.append(unlocked.dialogs.manage_icon_packs())
    roots.append(unlocked.accounts.choose_icon())
    roots.append(unlocked.accounts.show_qr())
    roots.append(unlocked.accounts.show_secret())
    unnamed = [
        f"{type(w).__name__} in {type(root).__name__}"
        for root in roots
        for w in _controls(root)
        if not w.accessibleName()
    ]
    assert unnamed == []


def test_unlock_page_controls_have_accessible_names(window) -> None:
    assert [w for w in _controls(window.unlock_page) if not w.accessibleName()] == []


def test_password_strength_hint() -> None:
    assert strength("").score == 0
    assert strength("abc").score == 0
    assert strength("aaaaaaaaaaaa").score <= 1
    assert strength("correct horse battery staple").score == 4


def test_a_second_start_hands_the_link_over(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_2fa.ui import instance

    name = instance.server_name(tmp_path / "vault.json")
    assert not instance.hand_over(name, "")  # nobody listening yet
    server = instance.InstanceServer(name)
    try:
        with qtbot.waitSignal(server.message, timeout=5000) as blocker:
            assert instance.hand_over(name, "otpauth://totp/X?secret=JBSWY3DP")
        assert blocker.args == ["otpauth://totp/X?secret=JBSWY3DP"]
    finally:
        server.server.close()


def test_app_icon_loads(qtbot: QtBot) -> None:
    from desktop_2fa.ui.icons import _drawn, app_icon

    assert not app_icon().isNull()
    assert not _drawn(32).isNull()


def test_the_qt_binding_keeps_reference_counts_intact() -> None:
    """PySide6 6.12.0 on Python 3.11 loses a reference to None per void call and
    crashes the app within seconds; pyproject must keep it out."""
    from desktop_2fa.ui.binding_check import broken_binding

    assert broken_binding() is None
