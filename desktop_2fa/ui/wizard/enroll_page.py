"""Enroll: sign up or in, enable, show the QR code and backup codes, store, activate.

The steps are `enroll.flow.EnrollmentFlow`'s; this page only asks, shows and
waits. The account is stored in the vault before activation (the flow's
rule), then the flow verifies the first code itself and the page says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.enroll.flow import EnrollmentFlow, Step
from desktop_2fa.enroll.model import EnableResult
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.wizard.qr import qr_pixmap

if TYPE_CHECKING:
    from desktop_2fa.ui.wizard.wizard import EnrollWizard


class EnrollPage(QWidget):
    """Signals:
    enrolled(str, str, str): account id, e-mail and password, once activation succeeded.
    """

    enrolled = Signal(str, str, str)

    def __init__(self, wizard: EnrollWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.flow: EnrollmentFlow | None = None
        self.job: jobs.Job | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._form())
        self.stack.addWidget(self._codes())
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Enrollment result")
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack.addWidget(self.done_label)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)

    # --- step 1: who -----------------------------------------------------------------------
    def _form(self) -> QWidget:
        page = QWidget()
        self.email = QLineEdit()
        self.email.setAccessibleName("E-mail")
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Server password")
        self.sign_up = QRadioButton("Create a new account (sign &up)")
        self.sign_up.setAccessibleName("Sign up")
        self.sign_up.setChecked(True)
        self.sign_in = QRadioButton("Use an existing account (sign &in)")
        self.sign_in.setAccessibleName("Sign in")
        self.start_button = QPushButton("&Continue")
        self.start_button.setAccessibleName("Continue")
        self.start_button.clicked.connect(self.start)
        form = QFormLayout(page)
        form.addRow("E-&mail:", self.email)
        form.addRow("&Password:", self.password)
        form.addRow("", self.sign_up)
        form.addRow("", self.sign_in)
        form.addRow("", self.start_button)
        return page

    def start(self) -> None:
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self.message.setText("Enter the e-mail and password of the server account.")
            return
        resolve = self.wizard.resolver()
        vault = self.wizard.session.worker_vault()
        clock = self.wizard.services.clock
        sign_up = self.sign_up.isChecked()

        def work() -> tuple[EnrollmentFlow, EnableResult]:
            client = self.wizard.client(resolve())
            flow = EnrollmentFlow(client, vault, email=email, password=password, clock=clock)
            try:
                flow.sign_in(sign_up=sign_up)
                return flow, flow.enable()
            except BaseException:
                client.close()
                raise

        self._run(work, self._enabled, "Signing in and asking for a secret…")

    # --- step 2: QR code and backup codes ---------------------------------------------------
    def _codes(self) -> QWidget:
        page = QWidget()
        self.qr = QLabel()
        self.qr.setAccessibleName("QR code of the new secret")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.uri = QLineEdit()
        self.uri.setReadOnly(True)
        self.uri.setAccessibleName("totpURI")
        self.codes = QPlainTextEdit()
        self.codes.setReadOnly(True)
        self.codes.setAccessibleName("Backup codes")
        self.codes.setMaximumHeight(110)
        copy = QPushButton("C&opy backup codes")
        copy.setAccessibleName("Copy backup codes")
        copy.clicked.connect(self.copy_codes)
        self.saved = QCheckBox("I have &saved the backup codes somewhere safe")
        self.saved.setAccessibleName("I have saved the backup codes")
        self.activate_button = QPushButton("&Add to the vault and turn on")
        self.activate_button.setAccessibleName("Add to the vault and turn on")
        self.activate_button.setEnabled(False)
        self.saved.toggled.connect(self.activate_button.setEnabled)
        self.activate_button.clicked.connect(self.activate)
        intro = QLabel(
            "The server made this secret. desktop-2fa keeps it and the backup codes "
            "(also encrypted in the vault); each backup code signs you in once."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Explanation")
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(self.activate_button)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.qr)
        layout.addWidget(self.uri)
        layout.addWidget(self.codes)
        layout.addWidget(self.saved)
        layout.addLayout(row)
        return page

    def copy_codes(self) -> None:
        """Through the clipboard guard: marked secret, cleared after the usual delay."""
        self.wizard.clipboard.copy(self.codes.toPlainText())
        seconds = self.wizard.clipboard.clear_seconds
        after = f"; the clipboard is cleared in {seconds} s" if seconds else ""
        self.message.setText(f"Backup codes copied{after}.")

    def _enabled(self, value: tuple[EnrollmentFlow, EnableResult]) -> None:
        self.flow, result = value
        self.qr.setPixmap(qr_pixmap(result.totp_uri, scale=4))
        self.uri.setText(result.totp_uri)
        self.codes.setPlainText("\n".join(result.backup_codes))
        self.saved.setChecked(False)
        self.stack.setCurrentIndex(1)
        self.message.setText("Save the backup codes, then turn two-factor sign-in on.")

    def activate(self) -> None:
        flow = self.flow
        if flow is None:
            return

        def work() -> str:
            if flow.step is Step.ENABLED:  # a failed activation is retried on its own
                flow.store()
            flow.activate()
            flow.client.close()
            assert flow.account is not None
            return flow.account.id

        self._run(work, self._activated, "Storing the account and verifying the first code…")

    def _activated(self, account_id: str) -> None:
        flow = self.flow
        assert flow is not None
        account = self.wizard.session.account(account_id)
        label = account.label if account is not None else flow.email
        self.done_label.setText(
            f"Done. {label} is in your vault with its backup codes. desktop-2fa sent the "
            f"first code itself and {flow.client.base_url} accepted it: two-factor sign-in "
            f"is now on for {flow.email}.\n\nTry it on the Sign-in tester tab."
        )
        self.stack.setCurrentIndex(2)
        self.message.setText("")
        self.enrolled.emit(account_id, flow.email, flow.password)

    # --- plumbing -------------------------------------------------------------------------
    def _run(self, work, on_success, busy_text: str) -> None:  # type: ignore[no-untyped-def]
        if self.job is not None:
            return
        self.message.setText(busy_text)
        self.busy.show()
        self.setEnabled(False)
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(on_success)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._finished)

    def _finished(self) -> None:
        self.job = None
        self.busy.hide()
        self.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(messages.describe(error))
