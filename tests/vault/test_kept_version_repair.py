"""The repair of kept versions on unlock never undoes a password change made meanwhile.

Issue 9, item 1: `passwd` rewraps the kept versions first, then replaces the
vault; every unlock repairs kept versions whose header is not the vault's
(an interrupted change). An unlock that read the vault (old password) while
another process was in the middle of `passwd`, and repaired after it had
finished, used to rewrap every kept version back to the header it had read:
the vault opened with the new password only, and every kept version, holding
the same master key, with the old one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import edits, envelope, payload, rewrap
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.store import OpenVault, VaultFile

OLD, NEW = "old password", "new password"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def opens_with(path: Path, password: str) -> bool:
    try:
        payload.unwrap(password, envelope.decode(path.read_bytes()))
    except (OSError, VaultError):
        return False
    return True


def _saved(vault_path: Path, kdf: KdfParams, saves: int) -> OpenVault:
    vault = VaultFile(vault_path).create(OLD, kdf=kdf)
    for i in range(saves):
        spec = uri.parse(f"otpauth://totp/Site{i}:me?secret=JBSWY3DPEHPK3PX{'ABCDEFGH'[i]}")
        vault.apply(lambda data, spec=spec: edits.add_account(data, spec, NOW)[0])
    return vault


def test_an_unlock_during_a_password_change_does_not_bring_the_old_password_back(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    changer = _saved(vault_path, fast_kdf, 4)
    # `passwd` in another process is half-way: one kept version is rewrapped...
    kdf = changer.kdf.with_new_salt()
    slots = payload.password_slot(NEW, kdf, changer._master)
    rewrap.rewrap(list_backups(vault_path)[0], bytes(changer._master), kdf, slots)
    # ...when `desktop-2fa code` reads the vault (still the old password) and
    # sees a kept version to repair. While it derives the key, `passwd` finishes.
    real_unwrap = payload.unwrap

    def unwrap_while_passwd_finishes(password: str, env: envelope.Envelope) -> bytes:
        changer.change_password(NEW)
        return real_unwrap(password, env)

    monkeypatch.setattr(payload, "unwrap", unwrap_while_passwd_finishes)
    VaultFile(vault_path).unlock(OLD)
    monkeypatch.undo()

    assert opens_with(vault_path, NEW) and not opens_with(vault_path, OLD)
    files = [p for p in vault_path.parent.rglob("*") if p.is_file()]
    leaks = [p.name for p in files if opens_with(p, OLD)]
    assert leaks == [], f"the old password still opens {leaks}"
    assert len(VaultFile(vault_path).unlock(NEW).kept_versions()) == 4


def test_a_fifo_among_the_kept_versions_neither_hangs_nor_stops_the_repair(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """A FIFO named like a kept version used to hang every command (its open blocks)."""
    vault = _saved(vault_path, fast_kdf, 3)
    kdf = vault.kdf.with_new_salt()
    slots = payload.password_slot(NEW, kdf, vault._master)
    for backup in list_backups(vault_path):  # passwd killed before the vault was replaced
        rewrap.rewrap(backup, bytes(vault._master), kdf, slots)
    os.mkfifo(vault_path.parent / "backups" / "vault.json.1.bak")
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": OLD}
    for command in (["code"], ["restore"]):
        done = subprocess.run(
            [sys.executable, "-m", "desktop_2fa", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,  # a hang fails here instead of stalling the suite
            check=False,
        )
        assert done.returncode == 0, done.stderr
    leaks = [p.name for p in list_backups(vault_path) if p.is_file() and opens_with(p, NEW)]
    assert leaks == []


def test_an_old_copy_under_the_old_password_does_not_undo_the_change(
    vault_path: Path, fast_kdf: KdfParams, tmp_path: Path
) -> None:
    """A sync tool puts back a copy saved before `passwd`. It opens with the old
    password only, and opening it (a rollback, announced) used to rewrap every kept
    version, all newer than the copy, to that old password at once, before the user
    chose anything; "Restore newest" then saved the newest contents under it too.
    The password change was silently undone."""
    vault = _saved(vault_path, fast_kdf, 2)
    old_copy = tmp_path / "old-copy.json"
    old_copy.write_bytes(vault_path.read_bytes())
    vault.change_password(NEW)
    vault.apply(lambda data: data.__class__(data.accounts[:1], data.settings))  # kept next
    vault.apply(lambda data: data.__class__((), data.settings))
    old_copy.replace(vault_path)  # the sync tool

    rolled = VaultFile(vault_path).unlock(OLD)
    assert rolled.rollback is not None and rolled.rollback.newest_kept is not None
    kept = [p.name for p in list_backups(vault_path) if opens_with(p, OLD)]
    assert kept == [], f"rewrapped to the old password before any choice: {kept}"

    newest = rolled.rollback.newest_kept
    assert rolled.restore(newest)  # says the vault opens with the other password now
    assert opens_with(vault_path, NEW) and not opens_with(vault_path, OLD)
    leaks = [p.name for p in vault_path.parent.rglob("*") if p.is_file() and opens_with(p, OLD)]
    assert leaks == []  # the rolled-back copy, kept as a version, is rewrapped too
    assert len(VaultFile(vault_path).unlock(NEW).data.accounts) == newest.accounts
