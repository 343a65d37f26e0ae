"""Enroll: sign up or in, enable, show the QR code and backup codes, store, activate.

The steps are `enroll.flow.EnrollmentFlow`'s; this page only asks, shows and
waits. The account is stored in the vault before activation (the flow's
rule), then the flow verifies the first code itself and the page says so.
The Done page leads on: test the sign-in, or enroll another account.

`finish(account)` sets the page to turn on an enrollment that was stored but
never activated (`enroll.flow.finish_pending`): only the password is asked.
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

from desktop_2fa.core.text import shown
from desktop_2fa.enroll.flow import EnrollmentFlow, Step, finish_pending
from desktop_2fa.enroll.model import EnableResult
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.prompts import screen_height, scrolling
from desktop_2fa.ui.wizard.qr import qr_pixmap
from desktop_2fa.vault.model import Account

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
        self.finishing: str | None = None  # the id of a pending account to finish
        self.job: jobs.Job | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._form())
        self.codes_page = self._codes()
        self.stack.addWidget(scrolling(self.codes_page))
        self.stack.addWidget(self._done())
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
        self.password = PasswordField("Server password")
        self.sign_up = QRadioButton("Create a &new account (sign up)")
        self.sign_up.setAccessibleName("Sign up")
        self.sign_up.setChecked(True)
        self.sign_in = QRadioButton("Use an existing account (sign &in)")
        self.sign_in.setAccessibleName("Sign in")
        self.start_button = QPushButton("&Continue")
        self.start_button.setAccessibleName("Continue")
        self.start_button.clicked.connect(self.start)
        self.finish_note = QLabel()
        self.finish_note.setWordWrap(True)
        self.finish_note.setAccessibleName("Finish enrollment help")
        self.finish_note.hide()
        form = QFormLayout(page)
        form.addRow(self.finish_note)
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
        if self.finishing is not None:
            self._finish_pending(password)
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
        self.saved = QCheckBox("I have sa&ved the backup codes somewhere safe")
        self.saved.setAccessibleName("I have saved the backup codes")
        self.activate_button = QPushButton("Add to the vault and &turn on")
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

    # --- step 3: done, and what next -------------------------------------------------------
    def _done(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Enrollment result")
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.test_button = QPushButton("&Test the sign-in")
        self.test_button.setAccessibleName("Test the sign-in")
        self.test_button.clicked.connect(
            lambda: self.wizard.tabs.setCurrentWidget(self.wizard.tester_page)
        )
        self.again_button = QPushButton("Enroll a&nother account")
        self.again_button.setAccessibleName("Enroll another account")
        self.again_button.clicked.connect(self.again)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.again_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def again(self) -> None:
        """Back to the first step, empty, for another enrollment."""
        self.flow = None
        self.finishing = None
        self.finish_note.hide()
        for widget in (self.sign_up, self.sign_in):
            widget.show()
        self.email.setReadOnly(False)
        self.email.clear()
        self.password.clear()
        self.start_button.setText("&Continue")
        self.message.clear()
        self.stack.setCurrentIndex(0)
        self.email.setFocus()

    def forget_codes(self) -> None:
        """Drop the new secret and its backup codes from the screen (on lock)."""
        self.qr.clear()
        self.uri.clear()
        self.codes.clear()
        self.saved.setChecked(False)

    def finish(self, account: Account) -> None:
        """Set the page to turn on `account`'s enrollment (stored, never activated)."""
        assert account.enrollment is not None
        self.again()
        self.finishing = account.id
        self.email.setText(account.enrollment.email)
        self.email.setReadOnly(True)
        for widget in (self.sign_up, self.sign_in):
            widget.hide()
        self.finish_note.setText(
            f"{shown(account.label)} was stored, but {shown(account.enrollment.server)} never "
            "turned two-factor sign-in on. Enter the server account's password to finish."
        )
        self.finish_note.show()
        self.start_button.setText("&Finish enrollment")
        self.password.setFocus()

    def _finish_pending(self, password: str) -> None:
        account_id = self.finishing
        assert account_id is not None
        resolve = self.wizard.resolver()
        vault = self.wizard.session.worker_vault()
        clock = self.wizard.services.clock
        email = self.email.text().strip()

        def work() -> tuple[str, str, str]:
            with self.wizard.client(resolve()) as client:
                finish_pending(client, vault, account_id, password, clock)
                return account_id, client.base_url, email

        self._run(work, self._finished_pending, "Signing in and turning two-factor sign-in on…")

    def _finished_pending(self, value: tuple[str, str, str]) -> None:
        account_id, server, email = value
        password = self.password.text()
        self.finishing = None
        account = self.wizard.session.account(account_id)
        label = account.label if account is not None else email
        self.done_label.setText(
            f"Done. {shown(server)} accepted the code of {shown(label)}: two-factor sign-in "
            f"is now on for {shown(email)}."
        )
        self.stack.setCurrentIndex(2)
        self.message.setText("")
        self.enrolled.emit(account_id, email, password)

    def _enabled(self, value: tuple[EnrollmentFlow, EnableResult]) -> None:
        self.flow, result = value
        room = screen_height(self) - 420  # the rest of the page stays in sight
        self.qr.setPixmap(qr_pixmap(result.totp_uri, scale=4, max_side=room))
        self.uri.setText(result.totp_uri)
        self.codes.setPlainText("\n".join(result.backup_codes))
        self.saved.setChecked(False)
        self.stack.setCurrentIndex(1)
        self.wizard.grow_to_show(self.codes_page, self.stack)
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
            f"Done. {shown(label)} is in your vault with its backup codes. desktop-2fa sent "
            f"the first code itself and {shown(flow.client.base_url)} accepted it: two-factor "
            f"sign-in is now on for {shown(flow.email)}."
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
