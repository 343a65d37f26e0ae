"""Changing the vault password from the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_2fa.vault.errors import WrongPassword
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD, unlock

NEW = "a brand new passphrase"


def test_change_password_then_unlock_with_the_new_one(
    qtbot: QtBot, unlocked, vault_path: Path
) -> None:
    before = VaultFile(vault_path).unlock(PASSWORD).data
    dialog = unlocked.dialogs.change_password()
    dialog.password.setText(NEW)
    dialog.repeat.setText("not the same")
    dialog.save()
    assert dialog.message.text() == "The two passwords differ."
    assert "Strong" in dialog.hint.text() or "Good" in dialog.hint.text()
    dialog.repeat.setText(NEW)
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.save()
    assert "password was changed" in unlocked.codes_page.notice.label.text()
    # The entries are untouched; only the key slot changed.
    assert VaultFile(vault_path).unlock(NEW).data == before
    with pytest.raises(WrongPassword):
        VaultFile(vault_path).unlock(PASSWORD)
    unlocked.lock()
    unlock(qtbot, unlocked, NEW)
    assert unlocked.session.data == before


def test_the_action_needs_an_unlocked_vault(window) -> None:
    assert not window.password_action.isEnabled()
    assert window.dialogs.change_password() is None
