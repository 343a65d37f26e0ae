"""The backup codes dialog: struck-through used codes, mark used/unused, add, copy, save, print."""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.backup_dialog import BackupCodesDialog
from desktop_2fa.vault import edits
from desktop_2fa.vault.edits import split_backup_codes
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD

CODES = ["x9sUh-oaxoP", "pB1w5-yC0d2", "PJnMQ-Q9rtF"]


def _open(unlocked) -> BackupCodesDialog:
    account = next(a for a in unlocked.session.data.accounts if a.issuer == "GitHub")
    now = unlocked.services.now()
    unlocked.session.update_with(lambda d: edits.add_backup_codes(d, account.id, CODES, now))
    dialog = unlocked.accounts.show_backup_codes(account.id)
    assert isinstance(dialog, BackupCodesDialog)
    return dialog


def test_mark_used_strikes_through_and_saves(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    dialog = _open(unlocked)
    assert dialog.list.count() == 3
    assert "3 of 3 codes unused" in dialog.summary.text()
    dialog.list.setCurrentRow(1)
    assert dialog.used_button.text() == "Mark &used"
    dialog.used_button.click()
    item = dialog.list.item(1)
    assert item.font().strikeOut()
    assert not dialog.list.item(0).font().strikeOut()
    assert "2 of 3 codes unused" in dialog.summary.text()
    assert dialog.used_button.text() == "Mark &unused"
    stored = VaultFile(vault_path).unlock(PASSWORD).data
    github = next(a for a in stored.accounts if a.issuer == "GitHub")
    assert [c.used for c in github.backup_codes.codes] == [False, True, False]
    assert github.backup_codes.codes[1].used_at is not None
    # Space toggles it back
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    assert not dialog.list.item(1).font().strikeOut()


def test_add_codes_by_pasting_a_block(qtbot: QtBot, unlocked) -> None:
    dialog = _open(unlocked)
    dialog.paste.setPlainText("1. aaaa-bbbb\n2. cccc-dddd\n3. x9sUh-oaxoP\n")
    dialog.add_button.click()
    assert dialog.list.count() == 5
    assert "Added 2 new codes" in dialog.message.text()


def test_split_codes_drops_numbering() -> None:
    assert split_backup_codes("1) abc 2) def, ghi;\n• jkl\n12345678") == [
        "abc",
        "def",
        "ghi",
        "jkl",
        "12345678",
    ]


def test_copy_a_code(qtbot: QtBot, unlocked) -> None:
    dialog = _open(unlocked)
    dialog.list.setCurrentRow(2)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == CODES[2]


def test_save_as_text_is_private(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    dialog = _open(unlocked)
    dialog.list.setCurrentRow(0)
    dialog.used_button.click()
    path = tmp_path / "codes.txt"
    dialog.save_text(path)
    text = path.read_text()
    assert all(code in text for code in CODES)
    assert f"{CODES[0]}   (used)" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "not encrypted" in dialog.message.text()


def test_printable_sheet_strikes_used_codes(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    dialog = _open(unlocked)
    dialog.list.setCurrentRow(0)
    dialog.used_button.click()
    document = dialog.document()
    assert f"<s>{CODES[0]}</s>" in document.toHtml() or "line-through" in document.toHtml()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "codes.pdf"))
    document.print_(printer)
    assert (tmp_path / "codes.pdf").read_bytes().startswith(b"%PDF")


def test_lock_closes_the_dialog(qtbot: QtBot, unlocked) -> None:
    dialog = _open(unlocked)
    assert dialog.isVisible()
    unlocked.lock()
    assert not dialog.isVisible()
