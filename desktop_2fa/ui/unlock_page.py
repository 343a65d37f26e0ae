"""First run and unlock: create a vault (password twice, strength hint) or open one.

The key derivation (Argon2id, about half a second by design) runs in the
thread pool while a busy bar moves; a wrong password and a damaged file get
different messages (DESIGN.md, house style 2) and the form stays for another try.

Every message wraps and shows whole, down to a 600x400 window (the page
scrolls rather than cut a sentence). A vault that will not open (damaged, a
header asking for more than this app allows, a key slot of an unknown kind)
gets a message that says where the kept versions are, and `restore_button`
("Restore from a kept version…", emitting `restore_requested`), which the
window answers with the restore dialog (`restore_dialog.py`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.ui import messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.password_strength import strength
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault.durable import backups_dir
from desktop_2fa.vault.errors import (
    CorruptVault,
    InvalidKdfParams,
    UnknownKeySlot,
    UnsupportedVersion,
    WrongPassword,
)
from desktop_2fa.vault.store import OpenVault

DIFFER = "The two passwords differ."
# The file is there but will not open; its kept versions may (VaultFile.kept_versions).
WONT_OPEN = (CorruptVault, InvalidKdfParams, UnknownKeySlot)


def _wrapping(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class UnlockPage(QWidget):
    """Creates or unlocks the session's vault.

    Signals:
        busy_changed(bool): key derivation started or ended.
        restore_requested(): "Restore from a kept version…" was pressed.
    """

    busy_changed = Signal(bool)
    restore_requested = Signal()

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
        self.title.setWordWrap(True)
        self.intro = _wrapping("Explanation")

        self.password = PasswordField("Password")
        self.repeat = PasswordField("Repeat password")
        self.hint = _wrapping("Password strength")
        self.message = _wrapping("Message")
        self.message.setStyleSheet("color: #c0392b;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the key derivation has no progress
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.restore_button = QPushButton("Restore from a &kept version…")
        self.restore_button.setAccessibleName("Restore from a kept version")
        self.restore_button.clicked.connect(self.restore_requested)
        self.restore_button.hide()
        self.button = QPushButton()
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        self.path_label = _wrapping("Vault file")
        # A role, not a style sheet: it follows the palette when the theme changes.
        self.path_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Password:", self.password)
        self.repeat_label = QLabel("&Repeat:")
        self.repeat_label.setBuddy(self.repeat)
        form.addRow(self.repeat_label, self.repeat)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.button)

        box = QWidget()
        box.setMaximumWidth(480)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.intro)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addWidget(self.hint)  # full width: a wrapped hint never hides in a form column
        inner.addWidget(self.message)
        inner.addWidget(self.busy)
        inner.addLayout(buttons)
        inner.addSpacing(12)
        inner.addWidget(self.path_label)

        # Centred by stretches, not by alignment: an aligned widget keeps its size
        # hint's height, and a message that wraps to more lines would be cut.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 100)
        row.addStretch(1)
        content = QWidget()
        column = QVBoxLayout(content)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.scroll = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

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
        for field in (self.password, self.repeat):
            field.clear()
            field.conceal()
        self.message.setText(message)
        self.restore_button.hide()
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
                self.message.setText(DIFFER)
            elif self.message.text() == DIFFER:
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
            self.message.setText(DIFFER)
            return
        self.message.clear()
        self.restore_button.hide()
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
        text = messages.describe(error, self.session.services.log_path)
        if isinstance(error, WONT_OPEN):
            kept = backups_dir(self.session.services.vault_file.path.resolve())
            text += f" Earlier versions are kept in {kept}."
            self.restore_button.show()
        self.message.setText(text)
        if isinstance(error, WrongPassword):
            self.password.selectAll()
        elif isinstance(error, CorruptVault | UnsupportedVersion):
            self.password.clear()
        if not self.session.exists and not self.creating:
            self.reset(self.message.text())  # the file went away: offer to create one
        self._update()
        self.password.setFocus()
