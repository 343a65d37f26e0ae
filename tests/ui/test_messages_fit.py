"""Messages show whole and wrap in a small (600x400) window, and say each thing once."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import PASSWORD

SMALL = (600, 400)


def assert_whole(label: QLabel) -> None:
    """The label is on screen with room for all of its text, cut by no ancestor."""
    for _ in range(3):  # let the layouts run (they are posted events)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    assert label.isVisible(), label.accessibleName()
    assert label.text()
    if label.wordWrap():
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    else:
        hint = label.sizeHint()
        assert label.width() >= hint.width() and label.height() >= hint.height(), label.text()
    rect = QRect(QPoint(0, 0), label.size())
    widget: QWidget = label
    while widget.parentWidget() is not None and not widget.isWindow():  # a dialog: its own
        parent = widget.parentWidget()
        rect.translate(widget.pos())
        scroller = parent.parentWidget()
        if isinstance(scroller, QAbstractScrollArea) and parent is scroller.viewport():
            break  # inside a scroll area the user can scroll to it
        assert parent.rect().contains(rect), f"{label.text()!r} is cut by {type(parent).__name__}"
        widget = parent


def assert_in_sight(label: QLabel) -> None:
    """Whole, and on screen without scrolling: a sentence that answers what the user just
    did must not wait below the fold of a scroll area."""
    assert_whole(label)
    widget = label.parentWidget()
    while widget is not None:
        if isinstance(widget, QAbstractScrollArea):
            viewport = widget.viewport()
            rect = QRect(label.mapTo(viewport, QPoint(0, 0)), label.size())
            assert viewport.rect().contains(rect), f"{label.text()!r} is scrolled out of sight"
        widget = widget.parentWidget()


def _fail_unlock(qtbot: QtBot, window, password: str) -> None:
    page = window.unlock_page
    page.password.setText(password)
    with qtbot.waitSignal(page.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000):
        page.button.click()


def test_the_wrong_password_hint_is_whole_at_600x400(qtbot: QtBot, window, stored_vault) -> None:
    stored_vault()
    window.unlock_page.reset()
    window.resize(*SMALL)
    _fail_unlock(qtbot, window, "not the password")
    message = window.unlock_page.message
    assert "Caps Lock" in message.text()
    assert_whole(message)


def _damage(vault_path: Path) -> None:
    envelope = json.loads(vault_path.read_text())
    envelope["checksum"] = "0" * len(envelope.get("checksum", "00"))
    vault_path.write_text(json.dumps(envelope))


def _phrases(text: str, size: int = 3) -> list[str]:
    words = re.findall(r"[\w-]+", text.casefold())
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def test_the_damaged_vault_text_is_whole_says_it_once_and_where_the_versions_are(
    qtbot: QtBot, window, stored_vault, vault_path: Path
) -> None:
    stored_vault()
    _damage(vault_path)
    window.unlock_page.reset()
    window.resize(*SMALL)
    _fail_unlock(qtbot, window, PASSWORD)
    page = window.unlock_page
    text = page.message.text()
    assert "damaged" in text
    phrases = _phrases(text)
    assert len(phrases) == len(set(phrases)), text
    assert str(vault_path.parent / "backups") in text
    assert_whole(page.message)


def test_the_password_strength_hint_is_whole_at_600x400(qtbot: QtBot, window) -> None:
    window.resize(*SMALL)
    page = window.unlock_page
    assert page.creating
    page.password.setText("abc")
    assert "Too short" in page.hint.text()
    assert_whole(page.hint)


def test_the_change_password_hint_is_whole_in_a_small_window(qtbot: QtBot, unlocked) -> None:
    unlocked.resize(*SMALL)
    dialog = unlocked.dialogs.change_password()
    dialog.resize(300, 200)
    qtbot.waitExposed(dialog)
    dialog.password.setText("abc")
    qtbot.wait(10)  # one event loop turn for the layout
    assert_whole(dialog.hint)


def test_dialogs_open_big_enough_for_their_sentences(qtbot: QtBot, unlocked) -> None:
    """Opened as the menus open them (no test resizing them first): the change-password
    dialog opened at its bare minimum, and the strength hint was cut to half a line."""
    dialog = unlocked.dialogs.change_password()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= dialog.sizeHint().width()
    dialog.password.setText("abc")
    qtbot.wait(10)  # one event loop turn for the layout
    assert "Too short" in dialog.hint.text()
    assert_whole(dialog.hint)
    settings = unlocked.dialogs.open_settings()
    qtbot.waitExposed(settings)
    assert settings.width() >= settings.sizeHint().width()


def test_the_add_dialog_answers_in_sight(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    """A failed image or a refused Add was said below the fold of the dialog's scroll
    area: the user saw a greyed Add (or nothing at all) and no reason."""
    from PySide6.QtGui import QImage

    from tests.ui.conftest import GITHUB

    dialog = unlocked.dialogs.add_account()
    qtbot.waitExposed(dialog)
    blank = tmp_path / "blank.png"
    QImage(120, 120, QImage.Format.Format_RGB32).save(str(blank))
    dialog.load_file(blank)
    qtbot.waitUntil(lambda: "No QR code" in dialog.message.text(), timeout=10_000)
    assert_in_sight(dialog.message)
    dialog.set_uri(GITHUB)
    dialog.add_button.click()
    assert "already in the vault" in dialog.message.text()
    assert_in_sight(dialog.message)
