"""Sign-in tester: sign in, see the `twoFactorRedirect`, finish with a vault code or a backup code.

A backup code used here is marked used in the vault (it is spent on the
server too). Codes from the vault are computed at the moment of sending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core.otp import generate
from desktop_2fa.core.text import shown
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.flow import find_enrolled, mark_backup_code_used
from desktop_2fa.enroll.model import SignInResult
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.password_field import PasswordField

if TYPE_CHECKING:
    from desktop_2fa.ui.wizard.wizard import EnrollWizard

TALKING = "Talking to the server…"


class TesterPage(QWidget):
    def __init__(self, wizard: EnrollWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.client: AuthClient | None = None
        self.job: jobs.Job | None = None
        self.email = QLineEdit()
        self.email.setAccessibleName("E-mail")
        self.password = PasswordField("Server password")
        self.sign_in_button = QPushButton("Sign &in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.redirect = QLabel("Not signed in.")
        self.redirect.setWordWrap(True)
        self.redirect.setAccessibleName("Sign-in answer")
        self.use_code = QRadioButton("Code from the &vault:")
        self.use_code.setAccessibleName("Use a code from the vault")
        self.use_code.setChecked(True)
        self.account = QComboBox()
        self.account.setAccessibleName("Vault account")
        self.use_backup = QRadioButton("Bac&kup code:")
        self.use_backup.setAccessibleName("Use a backup code")
        self.backup = QComboBox()
        self.backup.setAccessibleName("Backup code")
        self.account.currentIndexChanged.connect(self._fill_backup_codes)
        self.complete_button = QPushButton("C&omplete sign-in")
        self.complete_button.setAccessibleName("Complete sign-in")
        self.complete_button.clicked.connect(self.complete)
        self.complete_button.setEnabled(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Result")
        form = QFormLayout()
        form.addRow("E-&mail:", self.email)
        form.addRow("&Password:", self.password)
        form.addRow("", self.sign_in_button)
        form.addRow("Server said:", self.redirect)
        form.addRow(self.use_code, self.account)
        form.addRow(self.use_backup, self.backup)
        form.addRow("", self.complete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.wizard.session.changed.connect(self._fill_accounts)
        self._fill_accounts()

    def prefill(self, email: str, password: str) -> None:
        self.email.setText(email)
        self.password.setText(password)
        self._fill_accounts()

    def forget(self) -> None:
        """The vault locked: no account, backup code, password or signed-in client left."""
        if self.client is not None:
            self.client.close()
            self.client = None
        self.password.clear()
        self.account.clear()
        self.backup.clear()
        self.redirect.setText("Not signed in.")
        self.result.clear()
        self.complete_button.setEnabled(False)

    def _fill_accounts(self) -> None:
        data = self.wizard.session.data
        current = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        for account in data.accounts:
            if account.params.is_time_based:
                self.account.addItem(shown(account.label), account.id)
        server = self.wizard.url.text().strip()
        enrolled = find_enrolled(data, server, self.email.text().strip()) if server else None
        wanted = enrolled.id if enrolled is not None else current
        index = self.account.findData(wanted) if wanted else -1
        self.account.setCurrentIndex(max(index, 0))
        self.account.blockSignals(False)
        self._fill_backup_codes()

    def _fill_backup_codes(self) -> None:
        self.backup.clear()
        account = self.wizard.session.account(self.account.currentData() or "")
        if account is not None:
            self.backup.addItems([c.code for c in account.backup_codes.codes if not c.used])

    def sign_in(self) -> None:
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password or self.job is not None:
            return
        resolve = self.wizard.resolver()
        if self.client is not None:
            self.client.close()
            self.client = None

        def work() -> tuple[AuthClient, SignInResult]:
            client = self.wizard.client(resolve())
            try:
                return client, client.sign_in(email, password)
            except BaseException:
                client.close()
                raise

        self._run(work, self._signed_in)

    def _signed_in(self, value: tuple[AuthClient, SignInResult]) -> None:
        self.client, result = value
        if result.two_factor_redirect:
            methods = ", ".join(result.methods) or "none named"
            self.redirect.setText(
                f"twoFactorRedirect: true (methods: {methods}). Finish with a code below."
            )
            self.complete_button.setEnabled(True)
        else:
            self.redirect.setText("Signed in without a second factor (two-factor sign-in is off).")
            self.complete_button.setEnabled(False)
        self._fill_accounts()

    def complete(self) -> None:
        client = self.client
        account = self.wizard.session.account(self.account.currentData() or "")
        if client is None or account is None or self.job is not None:
            self.result.setText("Sign in first, and choose a vault account.")
            return
        clock = self.wizard.services.clock
        backup = self.backup.currentText() if self.use_backup.isChecked() else None
        vault = self.wizard.session.worker_vault()

        def work() -> str:
            if backup:
                client.verify_backup_code(backup)
                mark_backup_code_used(vault, account.id, backup, clock())
                how = "a backup code (now marked used in the vault)"
            else:
                client.verify_totp(generate(account.params, clock()).value)
                how = f"the vault's code for {shown(account.label)}"
            session = client.get_session()
            who = session.user.email if session is not None else "?"
            return f"Signed in as {who} with {how}."

        self._run(work, self._completed)

    def _completed(self, text: str) -> None:
        self.result.setText(text)
        self.complete_button.setEnabled(False)
        self._fill_backup_codes()

    def _run(self, work, on_success) -> None:  # type: ignore[no-untyped-def]
        self.result.setText(TALKING)
        self.setEnabled(False)
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(on_success)
        self.job.failed.connect(lambda e: self.result.setText(messages.describe(e)))
        self.job.finished.connect(self._finished)

    def _finished(self) -> None:
        self.job = None
        self.setEnabled(True)
        if self.result.text() == TALKING:  # the reply came (shown above), nothing to add
            self.result.clear()
