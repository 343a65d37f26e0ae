"""The enrollment wizard: a server at the top, then Enroll / Sign-in tester / Round trip / Audit.

The server is either the bundled reference server, started in this process
on a free 127.0.0.1 port the first time a page needs it (and stopped when the
wizard closes), or any URL of a server speaking the better-auth protocol.
Every network step runs in a worker (`jobs.start`); pages call
`resolver()` on the UI thread and the returned function in the worker.
A server URL typed here is remembered in the vault's settings for next time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.ui.clipboard import ClipboardGuard
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.vault import edits

if TYPE_CHECKING:
    from desktop_2fa.app import ReferenceServer


class EnrollWizard(QDialog):
    """Signals:
    account_added(str): an enrolled account is in the vault (its id).
    server_started(str): the bundled server listens at this URL.
    """

    account_added = Signal(str)
    server_started = Signal(str)

    def __init__(
        self,
        session: VaultSession,
        parent: QWidget | None = None,
        clipboard: ClipboardGuard | None = None,
    ) -> None:
        super().__init__(parent)
        if clipboard is None:  # standalone (tests, screenshots): a guard of its own
            clipboard = ClipboardGuard(QGuiApplication.clipboard(), self)
            clipboard.clear_seconds = session.data.settings.clipboard_clear_seconds
        # Backup codes are secrets like codes: marked for clipboard managers and
        # cleared after the same delay (issue 9).
        self.clipboard = clipboard
        from desktop_2fa.ui.wizard.audit_page import AuditPage
        from desktop_2fa.ui.wizard.enroll_page import EnrollPage
        from desktop_2fa.ui.wizard.roundtrip_page import RoundTripPage
        from desktop_2fa.ui.wizard.tester_page import TesterPage

        self.session = session
        self.services = session.services
        self.setWindowTitle("Enroll and test a two-factor server")
        self.setAccessibleName("Enrollment wizard")
        self._server: ReferenceServer | None = None
        self._server_lock = threading.Lock()
        row = self._server_row()

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Enrollment and tests")
        self.enroll_page = EnrollPage(self)
        self.tester_page = TesterPage(self)
        self.roundtrip_page = RoundTripPage(self)
        self.tabs.addTab(self.enroll_page, "&Enroll")
        self.tabs.addTab(self.tester_page, "&Sign-in tester")
        self.tabs.addTab(self.roundtrip_page, "&Round trip")
        self.audit_page = AuditPage(self)
        self.tabs.addTab(self.audit_page, "&Audit")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.bundled)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.server_started.connect(self.url.setText)
        self.enroll_page.enrolled.connect(self._enrolled)
        remembered = session.data.settings.wizard_server
        if remembered:
            self.bundled.setChecked(False)
            self.url.setText(remembered)
        self.enroll_page.email.setFocus()  # typing starts where the first answer goes
        self.resize(620, 640)

    def _server_row(self) -> QHBoxLayout:
        """The bundled-server switch (`self.bundled`) and the URL field (`self.url`)."""
        self.bundled = QCheckBox("Use the &bundled reference server (started on this computer)")
        self.bundled.setAccessibleName("Use the bundled reference server")
        self.bundled.setChecked(True)
        self.url = QLineEdit()
        self.url.setAccessibleName("Server URL")
        self.url.setPlaceholderText("started when needed on a free 127.0.0.1 port")
        self.url.setEnabled(False)
        self.bundled.toggled.connect(self._bundled_toggled)
        row = QHBoxLayout()
        label = QLabel("Server &URL:")
        label.setBuddy(self.url)
        row.addWidget(label)
        row.addWidget(self.url, 1)
        return row

    def grow_to_show(self, content: QWidget, space: QWidget) -> None:
        """Grow, never past the screen, until `content` (scrolled inside `space`) needs no
        scrolling: the backup-code step's button is not left below the fold of a screen
        that has room for it."""
        missing = content.sizeHint().height() - space.height()
        screen = self.screen()
        if missing <= 0 or screen is None:
            return
        room = screen.availableGeometry().height() - 40  # the title bar (as `fit`)
        if self.height() < room:
            self.resize(self.width(), min(self.height() + missing, room))

    def _bundled_toggled(self, bundled: bool) -> None:
        self.url.setEnabled(not bundled)
        if not bundled and self._server is None:
            self.url.clear()
            self.url.setPlaceholderText("http://127.0.0.1:3000")

    def finish(self, account_id: str) -> None:
        """Open on the Enroll tab, set to finish that account's never-activated enrollment."""
        account = self.session.account(account_id)
        if account is None or account.enrollment is None:
            return
        self.bundled.setChecked(False)
        self.url.setText(account.enrollment.server)
        self.tabs.setCurrentWidget(self.enroll_page)
        self.enroll_page.finish(account)

    def outlive_lock(self) -> bool:
        """The vault was locked: stay open if an audit or a round trip is running (they
        use throw-away accounts, never the vault), with the Enroll and Sign-in tester
        pages emptied and closed; else (False) the window closes the wizard."""
        if self.audit_page.job is None and self.roundtrip_page.job is None:
            return False
        self.enroll_page.again()
        self.enroll_page.forget_codes()
        self.tester_page.forget()
        for page in (self.enroll_page, self.tester_page):
            self.tabs.setTabEnabled(self.tabs.indexOf(page), False)
        return True

    def _remember_server(self) -> None:
        """The typed server URL (or the bundled server: "") goes into the vault's settings."""
        if not self.session.is_open:
            return
        wanted = "" if self.bundled.isChecked() else self.url.text().strip()
        settings = self.session.data.settings
        if settings.wizard_server == wanted:
            return
        changed = dataclasses.replace(settings, wizard_server=wanted)
        with contextlib.suppress(*SAVE_ERRORS):  # a preference; never worth an error dialog
            self.session.update(lambda d: edits.replace_settings(d, changed))

    def _enrolled(self, account_id: str, email: str, password: str) -> None:
        self.tester_page.prefill(email, password)
        self.account_added.emit(account_id)

    def resolver(self) -> Callable[[], str]:
        """A function for a worker that returns the server's base URL (starting ours)."""
        if not self.bundled.isChecked():
            url = self.url.text().strip()
            return lambda: url
        return self._bundled_url

    def _bundled_url(self) -> str:
        with self._server_lock:
            if self._server is None:
                self._server = self.services.start_reference_server()
                self.server_started.emit(self._server.base_url)  # queued to the UI thread
            return self._server.base_url

    def client(self, base_url: str) -> AuthClient:
        """A fresh client (its own cookie jar) for `base_url`; used in workers."""
        return AuthClient(base_url, clock=self.services.clock)

    def done(self, result: int) -> None:
        self._remember_server()
        self.audit_page.stop()  # its worker ends at its next request
        with self._server_lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()
        super().done(result)
