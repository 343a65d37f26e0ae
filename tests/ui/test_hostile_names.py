"""Names from outside are shown escaped everywhere, and typed ones are checked (issue 9).

A vault may already hold a label with ESC, a carriage return or a bidi
override (saved before issue 9, or by another program): every window, title,
notice, list and menu shows it escaped. Names typed into the add and edit
dialogs are refused with core.text's one sentence, shown in the dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.core.text import unsafe_char
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD, unlock

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ISSUER = "Evil\x1b[31mBank"
NAME = "bob\u202etxt.exe"
GROUP = "Fin\rance"


def texts(widget: QWidget) -> Iterator[str]:
    """Every text a person can see in `widget` and its children."""
    for w in [widget, *widget.findChildren(QWidget)]:
        yield w.windowTitle()
        yield w.toolTip()
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            yield w.text()
        if isinstance(w, QComboBox):
            yield from (w.itemText(i) for i in range(w.count()))
        if isinstance(w, QListWidget):
            yield from (w.item(i).text() for i in range(w.count()))


def assert_escaped(widget: QWidget) -> None:
    bad = [t for t in texts(widget) if unsafe_char(t)]
    assert bad == [], bad


@pytest.fixture
def hostile(qtbot: QtBot, window, vault_path: Path, fast_kdf: KdfParams):  # type: ignore[no-untyped-def]
    params = OtpParams(OtpKind.TOTP, b"12345678901234567890")
    data, account = edits.add_account(
        VaultData(), AccountSpec(ISSUER, NAME, params), NOW, group=GROUP, note="n\x07"
    )
    data = edits.add_backup_codes(data, account.id, ["11111111", "22222222"], NOW)[0]
    VaultFile(vault_path).create(PASSWORD, data, fast_kdf)
    window.unlock_page.reset()
    unlock(qtbot, window)
    window.select_account(account.id)
    return window


def test_every_window_shows_a_hostile_name_escaped(qtbot: QtBot, hostile) -> None:
    win = hostile
    win.accounts.copy_current()  # the "Copied the code for ..." notice
    assert_escaped(win)
    assert "\\x1b[31m" in win.codes_page.notice.label.text()
    for open_dialog in (
        win.accounts.edit_current,
        win.accounts.show_backup_codes,
        win.accounts.show_qr,
        win.accounts.show_secret,
        win.accounts.choose_icon,
        win.dialogs.open_wizard,
    ):
        dialog = open_dialog()
        qtbot.waitExposed(dialog)
        assert_escaped(dialog)
        dialog.reject()
    backup = win.accounts.show_backup_codes()
    assert "\\x1b" in backup.windowTitle()
    backup.reject()


def test_names_typed_with_control_characters_are_refused(qtbot: QtBot, hostile) -> None:
    win = hostile
    before = win.session.data
    edit = win.accounts.edit_current()
    edit.issuer.setText("Fine")
    edit.name.setText("alice\u202e")
    edit.save()
    assert edit.isVisible()
    assert edit.message.text().startswith("The name holds a control character (U+202E)")
    assert win.session.data == before
    edit.reject()

    add = win.dialogs.add_account()
    add.set_uri("otpauth://totp/Shop:me?secret=JBSWY3DPEHPK3PXP&issuer=Shop")
    add.issuer.setText("Shop\x1b[2J")
    add.add()
    assert add.isVisible()
    assert add.message.text().startswith("The issuer holds a control character (U+001B)")
    add.group.setCurrentText("Wo\rrk")
    add.issuer.setText("Shop")
    add.add()
    assert add.message.text().startswith("The group holds a control character")
    assert win.session.data == before
    add.reject()
