"""First run, unlock (right, wrong, damaged), lock on demand and when idle."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_2fa.app import build_services
from desktop_2fa.vault.crypto import MIN_MEMORY_KIB, KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD, unlock


def test_first_run_creates_a_vault_with_the_injected_kdf(
    qtbot: QtBot, window, vault_path: Path, fast_kdf: KdfParams
) -> None:
    page = window.unlock_page
    assert page.creating and page.repeat.isVisible()
    page.password.setText(PASSWORD)
    page.repeat.setText("something else")
    assert not page.button.isEnabled()
    assert "differ" in page.message.text()
    page.repeat.setText(PASSWORD)
    assert page.button.isEnabled()
    assert page.hint.text()  # a strength hint is shown
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.codes_page
    assert page.password.text() == "" and page.repeat.text() == ""
    header = json.loads(vault_path.read_text())
    assert header["kdf"]["memory_kib"] == fast_kdf.memory_kib
    assert VaultFile(vault_path).unlock(PASSWORD).data.accounts == ()


def test_the_app_creates_vaults_with_the_real_kdf_by_default(vault_path: Path) -> None:
    services = build_services(vault_path)
    kdf = services.new_kdf()
    assert kdf.memory_kib >= MIN_MEMORY_KIB and kdf.time_cost >= 3


def test_unlock_with_the_right_password_shows_the_codes(qtbot: QtBot, window, stored_vault) -> None:
    stored_vault()
    window.unlock_page.reset()
    assert not window.unlock_page.creating
    page = window.unlock_page
    page.password.setText(PASSWORD)
    page.button.click()
    # the key derivation runs in a worker: the busy bar shows and the form is disabled
    assert page.busy.isVisible() and not page.password.isEnabled()
    qtbot.waitUntil(lambda: window.session.is_open, timeout=10_000)
    assert window.model.rowCount() == 3
    assert not page.busy.isVisible()


def test_wrong_password_says_so_and_allows_another_try(qtbot: QtBot, window, stored_vault) -> None:
    stored_vault()
    window.unlock_page.reset()
    page = window.unlock_page
    page.password.setText("wrong password")
    with qtbot.waitSignal(page.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000):
        page.button.click()
    assert "does not open this vault" in page.message.text()
    assert not window.session.is_open and page.password.isEnabled()
    unlock(qtbot, window)
    assert window.session.is_open and page.message.text() == ""


def test_damaged_vault_has_its_own_message(
    qtbot: QtBot, window, stored_vault, vault_path: Path
) -> None:
    stored_vault()
    envelope = json.loads(vault_path.read_text())
    ciphertext = envelope["ciphertext"]
    envelope["ciphertext"] = ("A" if ciphertext[0] != "A" else "B") + ciphertext[1:]
    vault_path.write_text(json.dumps(envelope))
    window.unlock_page.reset()
    page = window.unlock_page
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000):
        page.button.click()
    assert "damaged" in page.message.text()
    assert "does not open" not in page.message.text()
    assert not window.session.is_open
    page.password.setText(PASSWORD)
    assert page.button.isEnabled()  # another try is possible


def test_ctrl_l_locks_and_forgets_key_and_codes(qtbot: QtBot, unlocked) -> None:
    vault = unlocked.session._vault
    assert unlocked.model.rowCount() == 3
    qtbot.keyClick(unlocked, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not unlocked.session.is_open
    assert vault.locked and vault.data.accounts == ()
    assert unlocked.model.rowCount() == 0
    assert unlocked.pages.currentWidget() is unlocked.unlock_page
    assert not unlocked.copy_action.isEnabled()


def test_locks_itself_when_idle(qtbot: QtBot, unlocked) -> None:
    unlocked.idle.set_minutes(0.002)  # 120 ms
    with qtbot.waitSignal(unlocked.session.locked, timeout=3000):
        pass
    assert unlocked.model.rowCount() == 0


def test_activity_postpones_the_idle_lock(qtbot: QtBot, services, unlocked) -> None:
    ticks = [0.0]
    unlocked.idle._monotonic = lambda: ticks[0]
    unlocked.idle.set_minutes(1)
    unlocked.idle.start()
    ticks[0] = 50.0
    qtbot.keyClick(unlocked.codes_page.search, Qt.Key.Key_X)  # activity at t=50
    ticks[0] = 61.0
    unlocked.idle._check()
    assert unlocked.session.is_open  # only 11 s idle
    ticks[0] = 111.0
    unlocked.idle._check()
    assert not unlocked.session.is_open
    assert dataclasses.is_dataclass(services)
