"""Yes/no questions, in one place so tests can answer them (monkeypatch `confirm`),
the shared shape of the small form dialogs, and what keeps tall ones usable on a
small screen (600x400: the content scrolls, the buttons stay)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    """Ask before something destructive; the safe answer is the default."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setAccessibleName(title)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    yes.setAccessibleName(action)
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    no.setAccessibleName("Cancel")
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def inform(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()


def lay_out_form_dialog(
    dialog: QDialog, form: QFormLayout, message: QLabel, on_save: Callable[[], None]
) -> None:
    """The settings/edit dialogs' shape: a form, a message line, Save and Cancel."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(message)
    layout.addWidget(buttons)


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area that only scrolls when the window is too small."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def screen_height(widget: QWidget) -> int:
    """The free height of the screen `widget` is on (for sizing a QR code to fit)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().height() if screen is not None else 800


def message_line() -> QLabel:
    """The line under a dialog's form where its sentences go (wrapped, never cut)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName("Message")
    return label


def close_box(dialog: QDialog) -> QDialogButtonBox:
    """A lone Close button that rejects `dialog`."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
    buttons.rejected.connect(dialog.reject)
    return buttons
