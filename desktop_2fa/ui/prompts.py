"""Yes/no questions, in one place so tests can answer them (monkeypatch `confirm`)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


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
