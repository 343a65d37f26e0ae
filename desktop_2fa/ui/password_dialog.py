"""Change the vault password: new password twice, a strength hint, Argon2id in a worker.

Only the master key is rewrapped (`OpenVault.change_password`); the accounts
are not touched. The vault is already unlocked, so the current password is
not asked again, as in Aegis and KeePassXC.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QProgressBar, QWidget

from desktop_2fa.ui import messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.password_strength import strength
from desktop_2fa.ui.prompts import lay_out_form_dialog
from desktop_2fa.ui.session import VaultSession


class PasswordDialog(QDialog):
    """Signals:
    changed(): the new password is in force (the vault file was rewritten).
    """

    changed = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: object | None = None
        self.setWindowTitle("Change the vault password")
        self.setAccessibleName("Change the vault password")
        self.password = PasswordField("New password")
        self.repeat = PasswordField("New password again")
        self.hint = QLabel(strength("").text)
        self.hint.setAccessibleName("Password strength")
        self.hint.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&New password:", self.password)
        form.addRow("&Again:", self.repeat)
        form.addRow(self.hint)  # the whole width: a long hint wraps instead of being cut
        form.addRow(self.busy)
        lay_out_form_dialog(self, form, self.message, self.save)
        self.password.textChanged.connect(self._typed)
        self.repeat.textChanged.connect(self._typed)

    def _typed(self) -> None:
        self.hint.setText(strength(self.password.text()).text)
        self.message.clear()

    def save(self) -> None:
        new = self.password.text()
        if not new:
            self.message.setText("Type the new password twice.")
            return
        if new != self.repeat.text():
            self.message.setText("The two passwords differ.")
            return
        self.setEnabled(False)
        self.busy.show()
        job = self.session.change_password_job(new, self)
        job.succeeded.connect(lambda _none: self._done())
        job.failed.connect(self._failed)
        self.job = job

    def _done(self) -> None:
        self.job = None
        self.changed.emit()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.busy.hide()
        self.setEnabled(True)
        self.message.setText(messages.describe(error))
