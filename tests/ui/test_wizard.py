"""The enrollment wizard against the in-process reference server, through to a code in the list."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_2fa.app import build_services
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.wizard.wizard import EnrollWizard
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from server_stub.runner import RunningServer, start_in_thread
from server_stub.settings import Settings
from tests.ui.conftest import PASSWORD, make_vault, unlock, wizard_steps

SERVER_PASSWORD = "a long server password"


@pytest.fixture
def wizard_window(qtbot: QtBot, vault_path: Path, fast_kdf: KdfParams, tmp_path: Path) -> Iterator:
    def server() -> RunningServer:
        # no rate limit: the round trip would otherwise wait out 60 s windows
        return start_in_thread(Settings(secret=secrets.token_urlsafe(48), rate_limit=None))

    yield from _unlocked_window(qtbot, vault_path, fast_kdf, tmp_path, server)


def _unlocked_window(
    qtbot: QtBot, vault_path: Path, fast_kdf: KdfParams, tmp_path: Path, server: object
) -> Iterator:
    """A window on an empty vault whose wizard gets its server from `server()`."""
    from desktop_2fa.ui.main_window import MainWindow

    make_vault(vault_path, fast_kdf, [])
    services = build_services(
        vault_path, kdf=lambda: fast_kdf, log_path=tmp_path / "log", start_reference_server=server
    )
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    yield window
    window.session.lock()


def test_enroll_against_the_bundled_server_to_a_code_in_the_list(
    qtbot: QtBot, wizard_window, vault_path: Path
) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    assert isinstance(wizard, EnrollWizard)
    page = wizard.enroll_page
    page.email.setText("alice@example.test")
    page.password.setText(SERVER_PASSWORD)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 1, timeout=20_000)
    assert wizard.url.text().startswith("http://127.0.0.1:")
    assert page.uri.text().startswith("otpauth://totp/")
    assert not page.qr.pixmap().isNull()
    assert len(page.codes.toPlainText().split()) == 10
    assert not page.activate_button.isEnabled()  # "I have saved them" first
    page.saved.setChecked(True)
    with qtbot.waitSignal(wizard.account_added, timeout=20_000):
        page.activate_button.click()
    assert "accepted" in page.done_label.text()
    # the account, its code and its backup codes are in the list and the vault
    assert wizard_window.model.rowCount() == 1
    index = wizard_window.proxy.index(0, 0)
    assert len(index.data(CodeRole.RAW_CODE)) == 6
    stored = VaultFile(vault_path).unlock(PASSWORD).data.accounts[0]
    assert stored.enrollment is not None and stored.enrollment.email == "alice@example.test"
    assert len(stored.backup_codes.codes) == 10

    # sign-in tester: the server now asks for a second factor; finish with a backup code
    tester = wizard.tester_page
    assert tester.email.text() == "alice@example.test"
    tester.sign_in_button.click()
    qtbot.waitUntil(tester.complete_button.isEnabled, timeout=20_000)
    assert "twoFactorRedirect: true" in tester.redirect.text()
    tester.use_backup.setChecked(True)
    code = tester.backup.currentText()
    tester.complete_button.click()
    qtbot.waitUntil(
        lambda: "Signed in as alice@example.test" in tester.result.text(), timeout=20_000
    )
    account = wizard_window.session.data.accounts[0]
    assert next(c for c in account.backup_codes.codes if c.code == code).used


def test_the_backup_code_step_shows_its_buttons_where_the_screen_has_room(
    qtbot: QtBot, wizard_window
) -> None:
    """The QR code, the codes and "Add to the vault and turn on" in a 640-pixel wizard:
    the button was cut in half at the bottom of a scroll area on a 1000-pixel screen."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractScrollArea

    wizard = wizard_window.dialogs.open_wizard()
    qtbot.waitExposed(wizard)
    page = wizard.enroll_page
    page.email.setText("alice@example.test")
    page.password.setText(SERVER_PASSWORD)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 1, timeout=20_000)
    qtbot.wait(10)  # one event loop turn for the layout
    button = page.activate_button
    area = next(a for a in page.findChildren(QAbstractScrollArea) if a.isAncestorOf(button))
    viewport = area.viewport()
    in_sight = viewport.rect().contains(QRect(button.mapTo(viewport, QPoint(0, 0)), button.size()))
    room = wizard.screen().availableGeometry().height() - 40
    assert in_sight or wizard.height() >= room  # grown as far as the screen lets it
    assert wizard.height() <= room


def test_every_step_of_the_wizard_fits_a_600x400_screen(qtbot: QtBot, wizard_window) -> None:
    """The window manager's title bar takes its share: 360 pixels are left for the
    wizard, whose pages scroll rather than grow past that."""
    wizard = wizard_window.dialogs.open_wizard()
    qtbot.waitExposed(wizard)
    for step in wizard_steps(wizard):
        qtbot.wait(1)
        least = wizard.minimumSizeHint()
        assert least.width() <= 600 and least.height() <= 360, (step, least)


def test_round_trip_shows_live_steps_and_saves_a_report(
    qtbot: QtBot, wizard_window, tmp_path: Path
) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    page = wizard.roundtrip_page
    with qtbot.waitSignal(page.finished, timeout=60_000) as blocker:
        page.run_button.click()
    report = blocker.args[0]
    assert report.passed, report.as_table()
    assert page.table.rowCount() == len(report.steps) >= 8
    assert page.table.item(0, 3).text() == "passed"
    assert int(page.table.item(0, 1).text()) == 200
    path = tmp_path / "report.json"
    page.save_report(path)
    assert json.loads(path.read_text())["passed"] is True


def test_an_unreachable_server_is_a_message(qtbot: QtBot, wizard_window) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    wizard.bundled.setChecked(False)
    wizard.url.setText("http://127.0.0.1:9")  # discard port: nothing listens
    page = wizard.enroll_page
    page.email.setText("bob@example.test")
    page.password.setText(SERVER_PASSWORD)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.job is None and page.isEnabled(), timeout=20_000)
    assert page.message.text() and page.stack.currentIndex() == 0
    assert "Traceback" not in page.message.text()


def test_the_round_trip_leaves_the_users_vault_alone(
    qtbot: QtBot, wizard_window, vault_path: Path
) -> None:
    before = vault_path.read_bytes()
    wizard = wizard_window.dialogs.open_wizard()
    page = wizard.roundtrip_page
    with qtbot.waitSignal(page.finished, timeout=60_000) as blocker:
        page.run_button.click()
    assert blocker.args[0].passed
    assert wizard_window.session.data.accounts == ()
    assert wizard_window.model.rowCount() == 0
    assert vault_path.read_bytes() == before


def _enroll_to_codes(qtbot: QtBot, wizard, email: str) -> None:
    page = wizard.enroll_page
    page.email.setText(email)
    page.password.setText(SERVER_PASSWORD)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 1, timeout=20_000)


def test_the_tester_clears_talking_to_the_server_when_the_reply_comes(
    qtbot: QtBot, wizard_window
) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    _enroll_to_codes(qtbot, wizard, "carl@example.test")  # signed up, 2FA not on yet
    tester = wizard.tester_page
    tester.email.setText("carl@example.test")
    tester.password.setText(SERVER_PASSWORD)
    tester.sign_in_button.click()
    qtbot.waitUntil(lambda: tester.job is None, timeout=20_000)
    assert "without a second factor" in tester.redirect.text()
    assert "Talking to the server" not in tester.result.text()


def test_the_wizard_remembers_the_server_url(qtbot: QtBot, wizard_window) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    wizard.bundled.setChecked(False)
    wizard.url.setText("http://127.0.0.1:3999")
    wizard.reject()
    again = wizard_window.dialogs.open_wizard()
    assert not again.bundled.isChecked()
    assert again.url.text() == "http://127.0.0.1:3999"


def test_the_done_page_leads_on(qtbot: QtBot, wizard_window) -> None:
    wizard = wizard_window.dialogs.open_wizard()
    _enroll_to_codes(qtbot, wizard, "dora@example.test")
    page = wizard.enroll_page
    page.saved.setChecked(True)
    with qtbot.waitSignal(wizard.account_added, timeout=20_000):
        page.activate_button.click()
    assert page.stack.currentIndex() == 2
    page.test_button.click()
    assert wizard.tabs.currentWidget() is wizard.tester_page
    wizard.tabs.setCurrentWidget(page)
    page.again_button.click()
    assert page.stack.currentIndex() == 0 and page.email.text() == ""


class _Lasting:
    """The bundled server, outliving the wizard that started it (a real server does)."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.base_url = server.base_url

    def stop(self) -> None:
        return None


@pytest.fixture
def lasting_window(qtbot: QtBot, vault_path: Path, fast_kdf: KdfParams, tmp_path: Path) -> Iterator:
    server = start_in_thread(Settings(secret=secrets.token_urlsafe(48), rate_limit=None))
    try:
        yield from _unlocked_window(qtbot, vault_path, fast_kdf, tmp_path, lambda: _Lasting(server))
    finally:
        server.stop()


def test_an_enrollment_never_activated_is_marked_and_can_be_finished(
    qtbot: QtBot, lasting_window, vault_path: Path
) -> None:
    window = lasting_window
    wizard = window.dialogs.open_wizard()
    _enroll_to_codes(qtbot, wizard, "erin@example.test")
    wizard.enroll_page.flow.store()  # stored, then the app was closed before activation
    wizard.reject()
    index = window.proxy.index(0, 0)
    assert index.data(CodeRole.PENDING) is True
    assert "not finished" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    window.view.setCurrentIndex(index)
    assert window.finish_action.isEnabled()
    finisher = window.accounts.finish_enrollment()
    page = finisher.enroll_page
    assert page.email.text() == "erin@example.test"
    page.password.setText(SERVER_PASSWORD)
    with qtbot.waitSignal(finisher.account_added, timeout=20_000):
        page.start_button.click()
    assert page.stack.currentIndex() == 2 and "now on" in page.done_label.text()
    assert window.proxy.index(0, 0).data(CodeRole.PENDING) is False
    assert not window.finish_action.isEnabled()
    stored = VaultFile(vault_path).unlock(PASSWORD).data.accounts[0]
    assert stored.enrollment is not None and not stored.enrollment.pending
    # the server now asks for the second factor
    tester = finisher.tester_page
    tester.email.setText("erin@example.test")
    tester.password.setText(SERVER_PASSWORD)
    tester.sign_in_button.click()
    qtbot.waitUntil(tester.complete_button.isEnabled, timeout=20_000)
