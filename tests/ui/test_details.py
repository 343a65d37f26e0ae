"""Small things a daily user notices: the title, the empty list, passwords, backup codes."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from desktop_2fa.ui import app as ui_app
from desktop_2fa.ui.add_dialog import AddDialog
from desktop_2fa.ui.import_dialog import ImportDialog
from desktop_2fa.vault import edits
from tests.ui.conftest import unlock


def test_the_title_names_the_app_once(qtbot: QtBot, window, stored_vault) -> None:
    app = QApplication.instance()
    ui_app.configure(app)
    stored_vault()
    window.unlock_page.reset()
    try:
        name = app.applicationDisplayName()
        titles = []
        for _state in ("locked", "unlocked"):
            title = window.windowTitle()
            # Qt appends " — <display name>" to every title that does not end with it.
            shown = title if not name or title.endswith(name) else f"{title} — {name}"
            assert shown.count("desktop-2fa") == 1, shown
            titles.append(shown)
            if not window.session.is_open:
                unlock(qtbot, window)
        assert "locked" in titles[0].casefold() and "locked" not in titles[1].casefold()
    finally:
        app.setApplicationDisplayName("")


def test_the_empty_list_offers_add_and_import(qtbot: QtBot, window, stored_vault) -> None:
    stored_vault(uris=[])
    window.unlock_page.reset()
    unlock(qtbot, window)
    page = window.codes_page
    assert page.empty_add.isVisible() and page.empty_import.isVisible()
    page.empty_add.click()
    assert [d for d in window.findChildren(AddDialog) if d.isVisible()]
    page.empty_import.click()
    assert [d for d in window.findChildren(ImportDialog) if d.isVisible()]


def _toggle(field: QLineEdit):
    toggles = [a for a in field.actions() if a.isCheckable()]
    assert len(toggles) == 1, "a show-password toggle"
    return toggles[0]


def test_password_fields_can_show_what_was_typed(qtbot: QtBot, window) -> None:
    field = window.unlock_page.password
    field.setText("secret words")
    toggle = _toggle(field)
    assert field.echoMode() == QLineEdit.EchoMode.Password
    toggle.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    toggle.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Password
    _toggle(window.unlock_page.repeat)


def test_password_fields_hide_again_on_lock(qtbot: QtBot, unlocked) -> None:
    unlocked.lock()
    field = unlocked.unlock_page.password
    _toggle(field).trigger()
    unlocked.unlock_page.reset()
    assert field.echoMode() == QLineEdit.EchoMode.Password


def _backup_dialog(unlocked):
    account = next(a for a in unlocked.session.data.accounts if a.issuer == "GitHub")
    used_at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    now = unlocked.services.now()
    codes = ["x9sUh-oaxoP", "pB1w5-yC0d2"]
    unlocked.session.update_with(lambda d: edits.add_backup_codes(d, account.id, codes, now))
    unlocked.session.update_with(
        lambda d: edits.set_backup_code_used(d, account.id, codes[1], used_at)
    )
    return unlocked.accounts.show_backup_codes(account.id)


def test_the_backup_code_buttons_keep_their_width(qtbot: QtBot, unlocked) -> None:
    dialog = _backup_dialog(unlocked)
    qtbot.waitExposed(dialog)
    buttons = dialog.findChildren(QPushButton)
    dialog.list.setCurrentRow(0)
    QApplication.processEvents()
    widths = {b.accessibleName(): b.width() for b in buttons}
    dialog.list.setCurrentRow(1)
    QApplication.processEvents()
    assert dialog.used_button.text() == "Mark &unused"
    assert {b.accessibleName(): b.width() for b in buttons} == widths


def test_a_used_backup_code_shows_when_it_was_used(qtbot: QtBot, unlocked) -> None:
    dialog = _backup_dialog(unlocked)
    assert "2026-03-04" in dialog.list.item(1).text()
    assert "2026" not in dialog.list.item(0).text()


def test_the_menus_of_an_open_vault_are_greyed_while_locked(qtbot: QtBot, unlocked) -> None:
    """View was greyed on the lock screen but Edit and Account opened onto lists of
    greyed commands."""
    menus = {a.text().replace("&", ""): a for a in unlocked.menuBar().actions()}
    assert all(menus[name].isEnabled() for name in ("Vault", "Edit", "View", "Account"))
    unlocked.lock()
    assert menus["Vault"].isEnabled()  # Quit
    assert not any(menus[name].isEnabled() for name in ("Edit", "View", "Account"))
    unlock(qtbot, unlocked)
    assert all(menus[name].isEnabled() for name in ("Edit", "View", "Account"))
