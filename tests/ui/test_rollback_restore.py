"""Issue 9's rollback and restore in the desktop app (issue 9 item 3, issue 11 item 3).

An old copy of the vault over the real one gets a banner with "Restore newest"
and "Keep this one"; HOTP codes wait for that choice while TOTP codes keep
working; "Restore from a kept version…" in the Vault menu lists the kept
versions behind the vault password; a vault that will not open is restored
from its kept versions with the password alone, from the damaged-vault page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.restore_dialog import DamagedRestoreDialog, RestoreDialog
from desktop_2fa.ui.rollback_banner import saved_when
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD, save_twice
from tests.ui.test_messages_fit import SMALL, _damage, _fail_unlock, assert_whole


def _id(win, issuer: str) -> str:  # type: ignore[no-untyped-def]
    return next(a.id for a in win.session.data.accounts if a.issuer == issuer)


def _counter_on_disk(vault_path: Path) -> int:
    data = VaultFile(vault_path).unlock(PASSWORD).data
    return next(a.params.counter for a in data.accounts if a.issuer == "Bank")


# --- 1. the banner ---------------------------------------------------------------------------
def test_no_banner_for_a_vault_that_is_not_older(qtbot: QtBot, unlocked) -> None:
    assert not unlocked.codes_page.banner.isVisible()


def test_a_rollback_shows_one_sentence_with_both_generations_and_the_newest_kept(
    qtbot: QtBot, rolled_back, vault_path: Path
) -> None:
    win = rolled_back
    banner = win.codes_page.banner
    assert banner.isVisible()
    newest = win.session.vault.rollback.newest_kept
    text = banner.label.text()
    assert "generation 1" in text and "generation 3" in text
    assert f"generation {newest.generation}" in text and saved_when(newest.saved_at) in text
    assert text.count(". ") == 0 and text.endswith(".")  # one sentence
    assert banner.restore_button.isEnabled() and banner.keep_button.isEnabled()
    win.resize(*SMALL)
    assert_whole(banner.label)
    for button in (banner.restore_button, banner.keep_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert button.isVisible()


def test_restore_newest_from_the_keyboard(qtbot: QtBot, rolled_back, vault_path: Path) -> None:
    win = rolled_back
    newest = win.session.vault.rollback.newest_kept
    with qtbot.waitSignal(win.session.changed, timeout=5_000):
        QTest.keyClick(win, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert not win.codes_page.banner.isVisible()
    assert win.session.vault.rollback is None
    assert "Restored" in win.codes_page.notice.label.text()
    assert win.session.vault.generation > 3
    assert 1 in [v.generation for v in win.session.vault.kept_versions()]  # the old copy too
    again = VaultFile(vault_path).unlock(PASSWORD)
    assert again.rollback is None and again.generation == win.session.vault.generation
    assert newest.accounts == len(again.data.accounts)


def test_keep_this_one_gives_hotp_codes_again(qtbot: QtBot, rolled_back, vault_path: Path) -> None:
    win = rolled_back
    with qtbot.waitSignal(win.session.changed, timeout=5_000):
        win.codes_page.banner.keep_button.click()
    assert not win.codes_page.banner.isVisible()
    assert win.accounts.next_hotp(_id(win, "Bank")) is not None
    assert _counter_on_disk(vault_path) == 4
    assert VaultFile(vault_path).unlock(PASSWORD).rollback is None


# --- 2. HOTP held, TOTP given ----------------------------------------------------------------
def test_hotp_codes_wait_for_the_choice_and_say_why(
    qtbot: QtBot, rolled_back, vault_path: Path
) -> None:
    win = rolled_back
    bank = _id(win, "Bank")
    win.select_account(bank)
    win.named_actions["next"].trigger()
    text = win.codes_page.notice.label.text()
    assert "counter-based" in text and "Restore newest" in text and "Keep this one" in text
    assert win.model.index(win.model.row_of(bank)).data(CodeRole.RAW_CODE) is None
    win.accounts.copy_account(bank)  # copying an HOTP row asks for its next code
    assert win.model.index(win.model.row_of(bank)).data(CodeRole.RAW_CODE) is None
    assert _counter_on_disk(vault_path) == 3
    win.resize(*SMALL)  # the reason and the bar both whole on a small screen
    assert_whole(win.codes_page.notice.label)
    assert_whole(win.codes_page.banner.label)
    github = _id(win, "GitHub")
    win.accounts.copy_account(github)
    code = win.model.index(win.model.row_of(github)).data(CodeRole.RAW_CODE)
    assert code is not None and QGuiApplication.clipboard().text() == code


# --- 3. the Vault menu's restore dialog ------------------------------------------------------
def _open_restore(qtbot: QtBot, win):  # type: ignore[no-untyped-def]
    action = win.named_actions["restore"]
    menu_texts = [a.text() for a in win.menuBar().actions()[0].menu().actions()]
    assert menu_texts.index(action.text()) < menu_texts.index("&Lock")
    action.trigger()
    dialog = win.findChild(RestoreDialog)
    qtbot.waitUntil(lambda: dialog.versions.rowCount() > 0, timeout=5_000)
    return dialog


def test_the_restore_dialog_lists_versions_and_restores_behind_the_password(
    qtbot: QtBot, unlocked, vault_path: Path
) -> None:
    save_twice(vault_path)  # the window takes these over on its next save
    unlocked.session.vault.apply(lambda d: d)
    dialog = _open_restore(qtbot, unlocked)
    kept = unlocked.session.vault.kept_versions()
    rows = [
        tuple(dialog.versions.item(r, c).text() for c in range(3))
        for r in range(dialog.versions.rowCount())
    ]
    assert rows == [(saved_when(v.saved_at), str(v.generation), str(v.accounts)) for v in kept]
    oldest = dialog.versions.rowCount() - 1
    dialog.versions.selectRow(oldest)
    dialog.password.setText("not the password")
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert "does not open this vault" in dialog.message.text() and dialog.isVisible()
    assert unlocked.session.vault.generation == 3
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(unlocked.session.changed, timeout=10_000):
        dialog.restore()
    assert not dialog.isVisible()
    assert "Restored the version saved" in unlocked.codes_page.notice.label.text()
    reopened = VaultFile(vault_path).unlock(PASSWORD)
    assert reopened.generation == 4 and [v.generation for v in reopened.kept_versions()][:1] == [3]
    assert len(reopened.data.accounts) == kept[oldest].accounts


def test_the_restore_dialog_fits_a_small_screen(qtbot: QtBot, unlocked) -> None:
    unlocked.session.update(lambda d: VaultData(d.accounts[::-1], d.settings))
    unlocked.resize(*SMALL)
    dialog = _open_restore(qtbot, unlocked)
    dialog.resize(*SMALL)
    dialog.versions.selectRow(0)
    dialog.password.setText("wrong")
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert_whole(dialog.intro)
    assert_whole(dialog.message)


# --- 4. the damaged-vault page ---------------------------------------------------------------
def test_a_damaged_vault_is_restored_from_a_kept_version_with_the_password(
    qtbot: QtBot, window, stored_vault, vault_path: Path
) -> None:
    stored_vault()
    save_twice(vault_path)
    _damage(vault_path)
    window.unlock_page.reset()
    _fail_unlock(qtbot, window, PASSWORD)
    page = window.unlock_page
    assert page.restore_button.isVisible()
    page.restore_button.click()
    dialog = window.findChild(DamagedRestoreDialog)
    assert dialog.versions.rowCount() == 0  # nothing is listed before the password
    dialog.password.setText("not the password")
    dialog.list_versions()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert "No kept version opens with that password" in dialog.message.text()
    dialog.password.setText(PASSWORD)
    dialog.list_versions()
    qtbot.waitUntil(lambda: dialog.versions.rowCount() == 2, timeout=10_000)
    assert [dialog.versions.item(r, 1).text() for r in range(2)] == ["2", "1"]
    dialog.versions.selectRow(0)
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        dialog.restore()
    assert window.pages.currentWidget() is window.codes_page
    assert len(window.session.data.accounts) == 3
    assert window.session.vault.rollback is None
    reopened = VaultFile(vault_path).unlock(PASSWORD)
    assert reopened.generation == window.session.vault.generation


def test_changes_wait_for_the_choice_and_the_view_menu_shows_what_is_saved(
    qtbot: QtBot, rolled_back, vault_path: Path
) -> None:
    from desktop_2fa.vault.model import SortMode

    win = rolled_back
    saved = win.session.data.settings.sort
    before = vault_path.read_bytes()
    win.view_menu.action("sort", SortMode.NAME).trigger()
    assert "Nothing was changed" in win.codes_page.notice.label.text()
    assert win.view_menu.action("sort", saved).isChecked()
    assert not win.view_menu.action("sort", SortMode.NAME).isChecked()
    win.accounts.toggle_favourite()
    assert vault_path.read_bytes() == before
