"""First run and unlock: create a vault (password twice, strength hint) or open one.

The key derivation (Argon2id, about half a second by design) runs in the
thread pool while a busy bar moves; a wrong password and a damaged file get
different messages (DESIGN.md, house style 2) and the form stays for another try.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.ui import messages
from desktop_2fa.ui.password_strength import strength
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault.errors import CorruptVault, UnsupportedVersion, WrongPassword
from desktop_2fa.vault.store import OpenVault


class UnlockPage(QWidget):
    """Creates or unlocks the session's vault.

    Signals:
        busy_changed(bool): key derivation started or ended.
    """

    busy_changed = Signal(bool)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - a flat list of widgets and layouts
        super().__init__(parent)
        self.session = session
        self.job = None
        self.creating = False

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName("Title")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("Explanation")

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setMinimumWidth(280)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat password")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Password strength")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the key derivation has no progress
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.button = QPushButton()
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setAccessibleName("Vault file")
        self.path_label.setStyleSheet("color: palette(placeholder-text);")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("&Password:", self.password)
        self.repeat_label = QLabel("&Repeat:")
        self.repeat_label.setBuddy(self.repeat)
        form.addRow(self.repeat_label, self.repeat)
        form.addRow("", self.hint)

        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.intro)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.busy)
        inner.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        inner.addSpacing(12)
        inner.addWidget(self.path_label)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.password.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self.password.returnPressed.connect(self._password_entered)
        self.repeat.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        self.reset()

    # --- state ---------------------------------------------------------------
    def reset(self, message: str = "") -> None:
        """Show the create or the unlock form, empty, for the session's vault file."""
        self.creating = not self.session.exists
        self.password.clear()
        self.repeat.clear()
        self.message.setText(message)
        self.repeat.setVisible(self.creating)
        self.repeat_label.setVisible(self.creating)
        self.hint.setVisible(self.creating)
        path = self.session.services.vault_file.path
        if self.creating:
            self.title.setText("Create your vault")
            self.intro.setText(
                "Your accounts are kept encrypted in one file. Choose a password you use "
                "nowhere else; there is no way to recover it."
            )
            self.button.setText("&Create vault")
            self.button.setAccessibleName("Create vault")
            self.path_label.setText(f"The vault will be saved as {path}")
        else:
            self.title.setText("Unlock your vault")
            self.intro.setText("Enter your vault password.")
            self.button.setText("&Unlock")
            self.button.setAccessibleName("Unlock")
            self.path_label.setText(f"Vault: {path}")
        self._set_busy(False)
        self._update()
        self.password.setFocus()

    def _update(self) -> None:
        pw = self.password.text()
        if self.creating:
            self.hint.setText(strength(pw).text)
            ready = bool(pw) and pw == self.repeat.text()
            if pw and self.repeat.text() and pw != self.repeat.text():
                self.message.setText("The two passwords differ.")
            elif self.message.text() == "The two passwords differ.":
                self.message.clear()
        else:
            ready = bool(pw)
        self.button.setEnabled(ready and self.job is None)

    def _password_entered(self) -> None:
        if self.creating and self.password.text() != self.repeat.text():
            self.repeat.setFocus()
            return
        self.submit()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.password, self.repeat):
            widget.setEnabled(not busy)
        self.button.setEnabled(not busy)
        self.busy_changed.emit(busy)

    # --- actions -------------------------------------------------------------
    def submit(self) -> None:
        """Create or unlock, in a worker; the outcome arrives in `_done`/`_failed`."""
        pw = self.password.text()
        if self.job is not None or not pw:
            return
        if self.creating and pw != self.repeat.text():
            self.message.setText("The two passwords differ.")
            return
        self.message.clear()
        if self.creating:
            self.job = self.session.create_job(pw, self)
        else:
            self.job = self.session.unlock_job(pw, self)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self._failed)
        self._set_busy(True)

    def _done(self, vault: OpenVault) -> None:
        self.job = None
        self.password.clear()
        self.repeat.clear()
        self._set_busy(False)
        self.session.attach(vault)

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self._set_busy(False)
        self.message.setText(messages.describe(error, self.session.services.log_path))
        if isinstance(error, WrongPassword):
            self.password.selectAll()
        elif isinstance(error, CorruptVault | UnsupportedVersion):
            self.password.clear()
        if not self.session.exists and not self.creating:
            self.reset(self.message.text())  # the file went away: offer to create one
        self._update()
        self.password.setFocus()
