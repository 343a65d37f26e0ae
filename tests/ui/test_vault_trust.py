"""Issue 9 in the desktop app: one writer, secrets on the clipboard and on disk, safe text."""

from __future__ import annotations

import errno
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_2fa.core import uri
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.ui import messages
from desktop_2fa.ui.backup_dialog import BackupCodesDialog
from desktop_2fa.ui.clipboard import MANAGER_HINT
from desktop_2fa.ui.codes_model import CodeRole, CodesModel
from desktop_2fa.vault import edits, envelope, payload
from desktop_2fa.vault.errors import DuplicateAccount, VaultError
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.full_disk import fill_the_disk
from tests.ui.conftest import PASSWORD
from tests.vault.handmade import numbered_secret

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ROUNDS = 40


def test_the_ui_thread_and_a_worker_saving_at_once_keep_both_changes(
    unlocked, vault_path: Path
) -> None:
    """An HOTP step on the UI thread while the wizard's worker stores accounts."""
    session = unlocked.session
    bank = next(a for a in session.data.accounts if a.issuer == "Bank")
    worker_vault = session.worker_vault()
    start = threading.Barrier(2)

    def worker() -> None:
        start.wait()
        for i in range(ROUNDS):
            spec = uri.parse(f"otpauth://totp/W{i}:x?secret={numbered_secret(i + 1)}")
            worker_vault.apply(lambda data, spec=spec: edits.add_account(data, spec, NOW)[0])

    thread = threading.Thread(target=worker)
    thread.start()
    start.wait()
    for _ in range(ROUNDS):
        session.update(lambda data: edits.advance_counter(data, bank.id, NOW))
    thread.join()
    stored = VaultFile(vault_path).unlock(PASSWORD).data
    assert edits.get_account(stored, bank.id).params.counter == 3 + ROUNDS
    assert len(stored.accounts) == 3 + ROUNDS
    assert session.data == stored


def test_the_wizard_copies_backup_codes_through_the_clipboard_guard(qtbot: QtBot, unlocked) -> None:
    unlocked.clipboard.clear_seconds = 1
    wizard = unlocked.dialogs.open_wizard()
    page = wizard.enroll_page
    page.codes.setPlainText("aaaa-bbbb\ncccc-dddd")
    (button,) = [
        b for b in page.findChildren(QPushButton) if b.accessibleName() == "Copy backup codes"
    ]
    button.click()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == "aaaa-bbbb\ncccc-dddd"
    assert bytes(mime.data(MANAGER_HINT)) == b"secret"  # clipboard managers keep no copy
    with qtbot.waitSignal(unlocked.clipboard.cleared, timeout=5_000):
        pass
    assert QGuiApplication.clipboard().text() == ""


def _dialog(unlocked) -> BackupCodesDialog:
    account = next(a for a in unlocked.session.data.accounts if a.issuer == "GitHub")
    unlocked.session.update_with(
        lambda d: edits.add_backup_codes(d, account.id, ["x9sUh-oaxoP", "pB1w5-yC0d2"], NOW)
    )
    dialog = unlocked.accounts.show_backup_codes(account.id)
    assert isinstance(dialog, BackupCodesDialog)
    return dialog


def test_saved_codes_replace_the_file_privately_never_in_place(unlocked, tmp_path: Path) -> None:
    dialog = _dialog(unlocked)
    target = tmp_path / "codes.txt"
    target.write_text("an older sheet\n")
    os.chmod(target, 0o644)
    other_name = tmp_path / "hard-link-to-the-old-sheet.txt"
    os.link(target, other_name)
    dialog.save_text(target)
    assert "x9sUh-oaxoP" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert other_name.read_text() == "an older sheet\n"  # a new file, not truncated in place
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_printing_to_a_pdf_file_writes_it_0600(unlocked, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    dialog = _dialog(unlocked)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "codes.pdf"
    printer.setOutputFileName(str(target))
    dialog.print_to(printer)
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "not encrypted" in dialog.message.text()


def test_a_full_disk_is_said_plainly() -> None:
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/home/me/vault.json")
    assert messages.describe(error).startswith("The disk is full; nothing was changed.")


def test_messages_show_outside_text_escaped_and_short() -> None:
    text = messages.describe(DuplicateAccount("Evil\x1b[2J\u202e" + "x" * 10_000))
    assert "\x1b" not in text and "\u202e" not in text and len(text) <= 300
    assert "\\x1b[2J\\u202e" in text
    assert "\r" not in messages.describe(VaultError("bad\rline"))


def test_the_codes_list_shows_names_escaped() -> None:
    params = OtpParams(OtpKind.TOTP, b"12345678901234567890")
    data, _ = edits.add_account(
        VaultData(), AccountSpec("Bank\x1b[31m", "alice\r\u202ex", params), NOW
    )
    model = CodesModel()
    model.set_accounts(list(data.accounts), 1_767_225_610.0)
    index = model.index(0, 0, QModelIndex())
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
    ):
        shown = model.data(index, role)
        assert not any(c in shown for c in "\x1b\r\u202e"), (role, shown)
    paint = model.data(index, CodeRole.PAINT)
    assert "\x1b" not in paint.issuer and "\r" not in paint.name


def test_the_apps_password_change_leaves_nothing_the_old_password_opens(
    qtbot: QtBot, unlocked, vault_path: Path
) -> None:
    for _ in range(3):  # kept versions sealed under the old password
        unlocked.session.update(lambda d: VaultData(d.accounts[::-1], d.settings))
    dialog = unlocked.dialogs.change_password()
    dialog.password.setText("a brand new passphrase")
    dialog.repeat.setText("a brand new passphrase")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.save()
    for path in vault_path.parent.rglob("*"):
        if path.is_file() and not path.name.endswith(".lock"):
            env = envelope.decode(path.read_bytes())
            with pytest.raises(VaultError):
                payload.unwrap(PASSWORD, env)


def test_the_session_offers_the_rollback_choice_to_the_windows(qtbot: QtBot, rolled_back) -> None:
    """What the banner ("Restore newest" / "Keep this one") and the HOTP hold build on."""
    from desktop_2fa.vault.errors import RollbackHold

    session = rolled_back.session
    status = session.vault.rollback
    assert (status.opened, status.highest_seen) == (1, 3)
    with pytest.raises(RollbackHold):
        session.vault.check_hotp_allowed()
    versions = session.vault.kept_versions()
    assert [v.generation for v in versions] == [2, 1]
    with qtbot.waitSignal(session.changed, timeout=1_000):
        session.restore(status.newest_kept)
    assert session.vault.rollback is None and session.vault.generation == 4
    session.vault.check_hotp_allowed()


def _select(win, issuer: str) -> None:
    account = next(a for a in win.session.data.accounts if a.issuer == issuer)
    win.select_account(account.id)


def _edit_and_save(win):  # type: ignore[no-untyped-def]
    dialog = win.accounts.edit_current()
    dialog.note.setText("a note")
    return lambda: (dialog.save(), dialog.message.text())[1]


def _mark_backup_code_used(win):  # type: ignore[no-untyped-def]
    dialog = _dialog(win)
    return lambda: (dialog.set_used(0, True), dialog.message.text())[1]


def _from_the_window(action: str, issuer: str = "GitHub"):  # type: ignore[no-untyped-def]
    def prepare(win):  # type: ignore[no-untyped-def]
        _select(win, issuer)

        def act() -> str:
            win.named_actions[action].trigger()
            return win.codes_page.notice.label.text()

        return act

    return prepare


@pytest.mark.parametrize(
    "prepare",
    [
        _from_the_window("favourite"),
        _from_the_window("delete"),
        _from_the_window("next", "Bank"),
        _from_the_window("move_down"),
        _edit_and_save,
        _mark_backup_code_used,
    ],
    ids=["favourite", "delete", "next-hotp-code", "move", "edit", "backup-code-used"],
)
def test_a_full_disk_is_one_sentence_where_the_change_was_asked(
    qtbot: QtBot, unlocked, vault_path: Path, monkeypatch: pytest.MonkeyPatch, prepare
) -> None:
    """Only vault errors were caught there: a full disk went to the handler of unexpected
    errors (a modal error box and a traceback in the log) instead of the notice."""
    from desktop_2fa.ui import prompts
    from desktop_2fa.vault.model import SortMode

    unlocked.view_menu.action("sort", SortMode.CUSTOM).trigger()  # moving needs it
    monkeypatch.setattr(prompts, "confirm", lambda *args: True)  # "Delete GitHub?" yes
    unexpected: list[object] = []
    monkeypatch.setattr("sys.excepthook", lambda *args: unexpected.append(args))
    act = prepare(unlocked)
    before = vault_path.read_bytes()
    fill_the_disk(monkeypatch)
    said = act()
    monkeypatch.undo()
    assert unexpected == []
    assert said.startswith("The disk is full; nothing was changed.")
    assert vault_path.read_bytes() == before
