"""The wizard's Audit tab: the audit's checks live, their evidence, the report saved."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_2fa.app import build_services
from desktop_2fa.audit.model import AuditReport, Verdict
from desktop_2fa.audit.registry import ids
from desktop_2fa.ui.wizard.audit_page import AuditPage
from desktop_2fa.vault.crypto import KdfParams
from server_stub.runner import RunningServer, start_in_thread
from server_stub.settings import RateLimit, Settings
from tests.ui.conftest import make_vault, unlock

QUICK = ("totp-secret-entropy", "backup-code-entropy", "rate-limit-two-factor")


@pytest.fixture
def open_wizard(
    qtbot: QtBot, vault_path: Path, fast_kdf: KdfParams, tmp_path: Path
) -> Iterator[Callable[[RateLimit | None], AuditPage]]:
    """The main window unlocked; returns a function opening the wizard's Audit tab
    with the bundled server started with the given rate limit."""
    from desktop_2fa.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def open_tab(rate_limit: RateLimit | None) -> AuditPage:
        def server() -> RunningServer:
            return start_in_thread(
                Settings(secret=secrets.token_urlsafe(48), rate_limit=rate_limit)
            )

        make_vault(vault_path, fast_kdf, [])
        services = build_services(vault_path, kdf=lambda: fast_kdf, log_path=tmp_path / "log",
                                  start_reference_server=server)  # fmt: skip
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        unlock(qtbot, window)
        windows.append(window)
        wizard = window.dialogs.open_wizard()
        wizard.tabs.setCurrentWidget(wizard.audit_page)
        return wizard.audit_page

    yield open_tab
    for window in windows:
        window.session.lock()


def _tick_only(page: AuditPage, wanted: tuple[str, ...]) -> None:
    for row in range(page.table.rowCount()):
        item = page.table.item(row, 0)
        on = item.text() in wanted
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def _row(page: AuditPage, check_id: str) -> int:
    return [page.table.item(r, 0).text() for r in range(page.table.rowCount())].index(check_id)


def test_the_tab_lists_every_check_ticked(open_wizard: Callable[..., AuditPage]) -> None:
    page = open_wizard(None)
    assert page.chosen() == ids()
    assert not page.save_button.isEnabled() and not page.stop_button.isEnabled()


def test_an_audit_fills_the_table_live_and_saves_html_and_json(
    qtbot: QtBot, open_wizard: Callable[..., AuditPage], tmp_path: Path
) -> None:
    page = open_wizard(None)  # no rate limit: rate-limit-two-factor must FAIL
    _tick_only(page, QUICK)
    seen: list[str] = []
    page.relay.progress.connect(lambda e: seen.append(e.kind.value))
    with qtbot.waitSignal(page.finished, timeout=60_000) as blocker:
        page.run_button.click()
    report: AuditReport = blocker.args[0]
    assert [r.info.id for r in report.results] == list(QUICK)
    assert seen.count("started") == seen.count("finished") == 3  # live, one by one
    assert page.progress.value() == page.progress.maximum() == 3
    assert page.table.item(_row(page, "totp-secret-entropy"), 2).text() == "PASS"
    failed = _row(page, "rate-limit-two-factor")
    assert page.table.item(failed, 2).text() == "FAIL"
    assert "without a 429" in page.table.item(failed, 3).text()
    assert page.table.item(_row(page, "origin-check"), 2).text() == ""  # not ticked, not run
    assert "FAILED: 1 of 3 checks failed" in page.status.text()
    # selecting a check shows its requirement and evidence
    page.table.setCurrentCell(failed, 0)
    details = page.details.toPlainText()
    assert "requirement:" in details and "two-factor/verify-totp -> 401" in details
    page.save_report(tmp_path / "audit.html")
    page.save_report(tmp_path / "audit.json")
    assert "<h1>Two-factor audit of" in (tmp_path / "audit.html").read_text()
    saved = json.loads((tmp_path / "audit.json").read_text())
    assert saved["counts"] == {"pass": 2, "fail": 1, "skip": 0}
    assert "Report saved to" in page.status.text()


def test_a_rate_limit_wait_counts_down_and_stop_skips_the_rest(
    qtbot: QtBot, open_wizard: Callable[..., AuditPage]
) -> None:
    # One request per 3 s on each /two-factor/* path: the audit has to wait.
    page = open_wizard(RateLimit(window=3, max=1))
    _tick_only(page, ("clock-window", "totp-replay-session", "totp-replay-new-challenge"))
    page.run_button.click()
    qtbot.waitUntil(lambda: "waiting" in page.status.text(), timeout=30_000)
    assert "for the rate limit on two-factor/verify-totp" in page.status.text()
    with qtbot.waitSignal(page.finished, timeout=30_000) as blocker:
        page.stop_button.click()
    report: AuditReport = blocker.args[0]
    assert report.results[-1].verdict is Verdict.SKIP
    assert "stopped" in report.results[-1].summary
    assert page.run_button.isEnabled() and not page.stop_button.isEnabled()


def test_no_check_ticked_is_said(open_wizard: Callable[..., AuditPage]) -> None:
    page = open_wizard(None)
    _tick_only(page, ())
    page.run_button.click()
    assert page.job is None and page.status.text() == "Tick at least one check."


def test_the_server_field_takes_a_url_with_the_auth_path(
    qtbot: QtBot, open_wizard: Callable[..., AuditPage]
) -> None:
    """Like better-auth's createAuthClient: `http://host:port/api/auth` is that server."""
    page = open_wizard(None)
    with start_in_thread(Settings(secret=secrets.token_urlsafe(48), rate_limit=None)) as other:
        page.wizard.bundled.setChecked(False)
        page.wizard.url.setText(other.base_url + "/api/auth/")
        _tick_only(page, ("totp-secret-entropy",))
        with qtbot.waitSignal(page.finished, timeout=60_000) as blocker:
            page.run_button.click()
    report: AuditReport = blocker.args[0]
    assert report.server == other.base_url + "/api/auth"
    assert report.passed
    assert report.results[0].exchanges[0].url.startswith(other.base_url + "/api/auth/")


@pytest.mark.slow
def test_the_idle_lock_leaves_a_running_audit_its_report(
    qtbot: QtBot, open_wizard: Callable[..., AuditPage]
) -> None:
    """An audit waits out rate limits for minutes, often with nobody at the keyboard. The
    idle lock used to close the wizard and stop it; now the vault locks, the audit (which
    never touches the vault) goes on, and the wizard keeps nothing from the vault."""
    page = open_wizard(RateLimit(window=3, max=1))
    wizard = page.wizard
    window = wizard.parentWidget()
    _tick_only(page, ("clock-window", "totp-replay-session"))
    page.run_button.click()
    qtbot.waitUntil(lambda: "waiting" in page.status.text(), timeout=30_000)
    done_before = page.progress.value()
    window.idle.idle.emit()  # minutes without input
    assert not window.session.is_open
    assert wizard.isVisible() and page.job is not None
    for vault_page in (wizard.enroll_page, wizard.tester_page):
        assert not wizard.tabs.isTabEnabled(wizard.tabs.indexOf(vault_page))
    assert wizard.tester_page.account.count() == wizard.tester_page.backup.count() == 0
    qtbot.waitUntil(lambda: page.progress.value() > done_before, timeout=30_000)  # it goes on
    with qtbot.waitSignal(page.finished, timeout=30_000) as blocker:
        page.stop_button.click()  # (the rest would only wait out more rate limits)
    assert blocker.args[0].results[0].info.id == "clock-window"
    assert page.save_button.isEnabled()
    wizard.reject()
    assert window.unlock_page.isVisible()


def test_the_lock_closes_an_idle_wizard(
    qtbot: QtBot, open_wizard: Callable[..., AuditPage]
) -> None:
    page = open_wizard(None)
    window = page.wizard.parentWidget()
    window.idle.idle.emit()
    assert not page.wizard.isVisible() and not window.session.is_open
