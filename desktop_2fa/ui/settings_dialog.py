"""Settings kept in the vault: clipboard clearing, auto-lock, next-code preview."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from desktop_2fa.ui import messages
from desktop_2fa.ui.prompts import lay_out_form_dialog
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession


class SettingsDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        settings = session.data.settings
        self.clear_seconds = QSpinBox()
        self.clear_seconds.setRange(0, 600)
        self.clear_seconds.setSuffix(" s")
        self.clear_seconds.setSpecialValueText("never")
        self.clear_seconds.setValue(settings.clipboard_clear_seconds)
        self.clear_seconds.setAccessibleName("Clear the clipboard after, seconds")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, 240)
        self.lock_minutes.setSuffix(" min")
        self.lock_minutes.setSpecialValueText("never")
        self.lock_minutes.setValue(settings.auto_lock_minutes)
        self.lock_minutes.setAccessibleName("Lock when idle for, minutes")
        self.show_next = QCheckBox("Show the &next code in the last 5 seconds")
        self.show_next.setChecked(settings.show_next_code)
        self.show_next.setAccessibleName("Show the next code")
        self.message = QLabel()
        self.message.setAccessibleName("Message")
        form = QFormLayout()
        form.addRow("&Clear copied codes after:", self.clear_seconds)
        form.addRow("&Lock when idle for:", self.lock_minutes)
        form.addRow("", self.show_next)
        lay_out_form_dialog(self, form, self.message, self.save)

    def save(self) -> None:
        settings = dataclasses.replace(
            self.session.data.settings,
            clipboard_clear_seconds=self.clear_seconds.value(),
            auto_lock_minutes=self.lock_minutes.value(),
            show_next_code=self.show_next.isChecked(),
        )
        try:
            self.session.update(lambda data: dataclasses.replace(data, settings=settings))
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.accept()
