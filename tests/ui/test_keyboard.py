"""The keyboard reaches every action, from the search box too, and shows where it is."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.backup_dialog import BackupCodesDialog
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.wizard.wizard import EnrollWizard
from tests.ui.conftest import wizard_steps

CTRL = Qt.KeyboardModifier.ControlModifier


def _top_code(win) -> str:
    return win.proxy.index(0, 0).data(CodeRole.RAW_CODE)


def test_the_search_box_has_focus_after_unlock_and_ctrl_c_copies(qtbot: QtBot, daily) -> None:
    search = daily.codes_page.search
    assert QApplication.focusWidget() is search
    qtbot.keyClick(search, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == _top_code(daily)


def test_ctrl_c_in_the_search_box_still_copies_selected_search_text(qtbot: QtBot, daily) -> None:
    search = daily.codes_page.search
    qtbot.keyClicks(search, "git")
    search.selectAll()
    qtbot.keyClick(search, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == "git"


def test_ctrl_b_and_ctrl_e_work_from_the_search_box(qtbot: QtBot, daily) -> None:
    search = daily.codes_page.search
    top = daily.proxy.index(0, 0).data(CodeRole.ISSUER)
    qtbot.keyClick(search, Qt.Key.Key_B, CTRL)  # right after unlock: the top match
    dialogs = [d for d in daily.findChildren(BackupCodesDialog) if d.isVisible()]
    assert len(dialogs) == 1 and top in dialogs[0].windowTitle()
    dialogs[0].reject()
    qtbot.keyClicks(search, "bigbank")
    qtbot.keyClick(search, Qt.Key.Key_B, CTRL)
    dialogs = [d for d in daily.findChildren(BackupCodesDialog) if d.isVisible()]
    assert len(dialogs) == 1 and "BigBank" in dialogs[0].windowTitle()
    dialogs[0].reject()
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_E, CTRL)
    assert [w for w in daily.findChildren(EnrollWizard) if w.isVisible()]


def test_the_search_box_lets_the_window_shortcuts_through(qtbot: QtBot, daily) -> None:
    """On X11 a line edit claims Ctrl+E (end of line) and Ctrl+D (delete); ours win."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    search = daily.codes_page.search
    qtbot.keyClicks(search, "git")
    search.deselect()
    kept = {"Del", "Ctrl+V", "Ctrl+Z"}  # editing keys the box keeps (Ctrl+V: see intake)
    for action in daily.actions():
        for sequence in action.shortcuts():
            if sequence.toString() in kept or sequence.count() != 1:
                continue
            combo = sequence[0]
            event = QKeyEvent(QEvent.Type.ShortcutOverride, combo.key(), combo.keyboardModifiers())
            event.setAccepted(False)
            QApplication.sendEvent(search, event)
            assert not event.isAccepted(), sequence.toString()


def test_enter_in_the_search_box_copies_the_top_match(qtbot: QtBot, daily) -> None:
    daily.view.setCurrentIndex(daily.proxy.index(5, 0))
    search = daily.codes_page.search
    qtbot.keyClick(daily, Qt.Key.Key_F, CTRL)
    assert search.hasFocus()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == _top_code(daily)
    qtbot.keyClicks(search, "hub")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == _top_code(daily)
    assert daily.proxy.index(0, 0).data(CodeRole.ISSUER) == "GitHub"


def test_tab_into_the_list_shows_the_current_row(qtbot: QtBot, daily) -> None:
    view = daily.view
    for _ in range(5):
        if view.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.hasFocus()
    current = view.currentIndex()
    assert current.isValid()
    assert view.selectionModel().isSelected(current)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == current.data(CodeRole.RAW_CODE)


# --- mnemonics ----------------------------------------------------------------------------

_MNEMONIC = re.compile(r"&([^&\s])")


def _mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, owner) for every Alt+letter that is live in `root` right now."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts: list[str] = []
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QMenuBar):
            texts.extend(action.text() for action in widget.actions())
        for text in texts:
            letter = _mnemonic(text)
            if letter is not None:
                out.append((letter, text))
    return out


def assert_unique_mnemonics(root: QWidget) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for letter, text in mnemonics(root):
        if letter in seen:
            clashes.append(f"Alt+{letter.upper()}: {seen[letter]!r} and {text!r}")
        seen[letter] = text
    assert clashes == []


def _each_tab(qtbot: QtBot, dialog: QWidget) -> None:
    for tabs in dialog.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            assert_unique_mnemonics(dialog)


def test_the_add_dialog_binds_each_alt_letter_once(qtbot: QtBot, unlocked) -> None:
    dialog = unlocked.dialogs.add_account()
    qtbot.waitExposed(dialog)
    _each_tab(qtbot, dialog)


def test_the_wizard_binds_each_alt_letter_once(qtbot: QtBot, unlocked) -> None:
    wizard = unlocked.dialogs.open_wizard()
    qtbot.waitExposed(wizard)
    _each_tab(qtbot, wizard)
    wizard.bundled.setChecked(False)
    _each_tab(qtbot, wizard)


def test_every_step_of_the_wizard_binds_each_alt_letter_once(qtbot: QtBot, unlocked) -> None:
    """Not only each tab's first step: the Enroll tab's QR and backup-code step showed
    "&Add to the vault and turn on" next to the "&Audit" tab, and Alt+A only moved the
    focus between them."""
    wizard = unlocked.dialogs.open_wizard()
    qtbot.waitExposed(wizard)
    for _step in wizard_steps(wizard):
        assert_unique_mnemonics(wizard)


def test_the_main_window_binds_each_alt_letter_once(qtbot: QtBot, daily) -> None:
    assert_unique_mnemonics(daily)


def test_every_action_is_in_a_menu_the_keyboard_opens(daily) -> None:
    from desktop_2fa.ui.actions import ACTIONS

    in_menus = {
        action
        for menu_action in daily.menuBar().actions()
        for action in menu_action.menu().actions()
    }
    missing = [spec.name for spec in ACTIONS if daily.named_actions[spec.name] not in in_menus]
    assert missing == []
    assert all(_mnemonic(a.text()) for a in daily.menuBar().actions())
