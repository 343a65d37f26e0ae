"""A copied code counts one use (issue 11), saved through the one writer (issue 9).

The save runs in the session's save worker, not on the UI thread; it keeps no
version of the file it replaces (that file differs only in the counts, and
twenty copies a day would push every real version out of backups/); and
during a rollback nothing is saved, so copying codes never makes an old copy
of the vault look like the newest.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.store import OpenVault, VaultFile
from tests.ui.conftest import PASSWORD


def _uses(vault_path: Path) -> dict[str, int]:
    return {a.issuer: a.use_count for a in VaultFile(vault_path).unlock(PASSWORD).data.accounts}


def _copy(win, issuer: str) -> None:  # type: ignore[no-untyped-def]
    account = next(a for a in win.session.data.accounts if a.issuer == issuer)
    win.accounts.copy_account(account.id)


def test_a_copy_is_counted_by_a_worker_and_keeps_the_kept_versions(
    qtbot: QtBot, unlocked, vault_path: Path, monkeypatch
) -> None:
    saved_on: list[threading.Thread] = []
    apply = OpenVault.apply

    def watched(self, edit, **kwargs):  # type: ignore[no-untyped-def]
        saved_on.append(threading.current_thread())
        return apply(self, edit, **kwargs)

    monkeypatch.setattr(OpenVault, "apply", watched)
    kept = list_backups(vault_path)
    for _ in range(12):  # more copies than versions are kept
        _copy(unlocked, "GitHub")
    assert QGuiApplication.clipboard().text().isdigit()
    qtbot.waitUntil(lambda: _uses(vault_path)["GitHub"] == 12, timeout=5_000)
    assert saved_on and threading.main_thread() not in saved_on
    assert list_backups(vault_path) == kept
    qtbot.waitUntil(lambda: unlocked.session.account(_id(unlocked, "GitHub")).use_count == 12)


def _id(win, issuer: str) -> str:  # type: ignore[no-untyped-def]
    return next(a.id for a in win.session.data.accounts if a.issuer == issuer)


def test_copies_during_a_rollback_give_codes_and_leave_it_noticed(
    qtbot: QtBot, rolled_back, vault_path: Path
) -> None:
    window = rolled_back
    assert window.session.vault.rollback is not None
    github = window.model.row_of(_id(window, "GitHub"))
    for _ in range(5):  # each would be one generation more, up to and past the newest
        _copy(window, "GitHub")  # TOTP codes are still given
        code = window.model.index(github).data(CodeRole.RAW_CODE)
        assert code is not None and QGuiApplication.clipboard().text() == code
    window.session.lock()
    again = VaultFile(vault_path).unlock(PASSWORD)
    assert again.rollback is not None
    assert (again.rollback.opened, again.rollback.highest_seen) == (1, 3)


def test_a_favourite_made_while_a_count_is_saved_keeps_the_count(
    qtbot: QtBot, unlocked, vault_path: Path
) -> None:
    """The favourite is an edit of the latest account, not of the row's older copy."""
    _copy(unlocked, "GitHub")
    unlocked.session._save_pool.waitForDone()  # saved; the list has not heard yet
    unlocked.select_account(_id(unlocked, "GitHub"))
    unlocked.accounts.toggle_favourite()
    stored = {a.issuer: a for a in VaultFile(vault_path).unlock(PASSWORD).data.accounts}
    assert stored["GitHub"].favourite and stored["GitHub"].use_count == 1
