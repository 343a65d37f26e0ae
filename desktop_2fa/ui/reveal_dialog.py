"""Show one account's QR code (to move it to a phone) or its secret, behind the vault password.

The dialog first asks for the vault password (checked against the vault file
in a worker); only then does it draw the QR code of the account's otpauth://
link, or the secret in groups of four. It closes itself after `seconds`
(60 by default) and, like every dialog, when the vault locks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core import uri
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.base32 import encode_secret
from desktop_2fa.core.text import shown
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.clipboard import ClipboardGuard
from desktop_2fa.ui.password_field import PasswordField, check_vault_password
from desktop_2fa.ui.prompts import close_box, message_line, screen_height
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.ui.wizard.qr import qr_pixmap

SHOW_SECONDS = 60


class RevealDialog(QDialog):
    """`what` is "qr" or "secret"."""

    def __init__(
        self,
        session: VaultSession,
        account_id: str,
        what: str,
        clipboard: ClipboardGuard,
        parent: QWidget | None = None,
        *,
        seconds: int = SHOW_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account_id
        self.what = what
        self.clipboard = clipboard
        self.seconds = seconds
        self.left = seconds
        self.job: jobs.Job | None = None
        account = session.account(account_id)
        label = shown(account.label) if account is not None else "the account"
        title = "QR code" if what == "qr" else "Secret"
        self.setWindowTitle(f"{title}: {label}")
        self.setAccessibleName(f"Show {title.lower()}")

        self.stack = QStackedWidget()
        self.stack.addWidget(self._ask(label))
        self.stack.addWidget(self._shown())
        self.message = message_line()
        buttons = close_box(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(440, 260)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._second)

    def _ask(self, label: str) -> QWidget:
        page = QWidget()
        what = "its QR code" if self.what == "qr" else "its secret"
        intro = QLabel(
            f"Anyone who sees {what} can make the codes of {label}. Enter the vault "
            "password to show it; it is hidden again after "
            f"{self.seconds} seconds or when the vault locks."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Explanation")
        self.password = PasswordField("Vault password")
        self.password.returnPressed.connect(self.check)
        self.show_button = QPushButton("&Show")
        self.show_button.setAccessibleName("Show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.check)
        form = QFormLayout(page)
        form.addRow(intro)
        form.addRow("Vault &password:", self.password)
        form.addRow("", self.show_button)
        return page

    def _shown(self) -> QWidget:
        page = QWidget()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName("What to do with it")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture = QLabel()
        self.picture.setAccessibleName("QR code")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret = QLabel()
        self.secret.setAccessibleName("Secret")
        self.secret.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret.setWordWrap(True)
        self.secret.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.4)
        self.secret.setFont(font)
        self.copy_button = QPushButton("&Copy the secret")
        self.copy_button.setAccessibleName("Copy the secret")
        self.copy_button.clicked.connect(self.copy)
        self.countdown = QLabel()
        self.countdown.setAccessibleName("Hidden again in")
        layout = QVBoxLayout(page)
        layout.addWidget(self.caption)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.secret)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown, 0, Qt.AlignmentFlag.AlignCenter)
        return page

    # --- the password ----------------------------------------------------------------------
    def check(self) -> None:
        password = self.password.text()
        if not password or self.job is not None:
            return
        self.message.setText("Checking the password…")
        self.show_button.setEnabled(False)
        self.job = check_vault_password(self.session, password, self)
        self.job.succeeded.connect(lambda _none: self._reveal())
        self.job.failed.connect(self._refused)

    def _refused(self, error: BaseException) -> None:
        self.job = None
        self.show_button.setEnabled(True)
        self.message.setText(messages.describe(error))
        self.password.selectAll()
        self.password.setFocus()

    def _reveal(self) -> None:
        self.job = None
        self.password.clear()
        account = self.session.account(self.account_id)
        if account is None or not self.session.is_open:
            self.reject()
            return
        spec = AccountSpec(account.issuer, account.name, account.params)
        self.caption.setText(
            f"Scan it with the authenticator app on your phone to add {shown(account.label)} there."
            if self.what == "qr"
            else f"Type it into the other app as the secret key of {shown(account.label)}."
        )
        if self.what == "qr":
            # Small screens get a smaller (still sharp) code, so Close stays in sight.
            room = screen_height(self) - 200
            self.picture.setPixmap(qr_pixmap(uri.format(spec), scale=5, max_side=room))
            self.secret.hide()
            self.copy_button.hide()
        else:
            text = encode_secret(account.params.secret)
            self.secret.setText(" ".join(text[i : i + 4] for i in range(0, len(text), 4)))
            self.picture.hide()
        self.message.clear()
        self.stack.setCurrentIndex(1)
        self.left = self.seconds
        self._show_left()
        self._timer.start()

    def copy(self) -> None:
        account = self.session.account(self.account_id)
        if account is not None and self.stack.currentIndex() == 1:
            self.clipboard.copy(encode_secret(account.params.secret))
            self.message.setText(
                f"Copied; the clipboard is cleared in {self.clipboard.clear_seconds} s."
            )

    def _second(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.reject()
            return
        self._show_left()

    def _show_left(self) -> None:
        self.countdown.setText(f"Hidden again in {self.left} s")

    def done(self, result: int) -> None:
        self._timer.stop()
        self.picture.clear()  # nothing of the secret stays drawn in a hidden widget
        self.secret.clear()
        if self.job is not None:
            self.job.cancel()
        super().done(result)
