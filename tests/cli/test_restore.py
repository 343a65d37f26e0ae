"""`desktop-2fa restore` and the rollback line, run as a user would.

Issue 9, item 3: copying an older kept version over the vault makes the next
`desktop-2fa code` print one line on stderr naming both generations and the
newest kept version; HOTP codes are held until the user chooses; `restore`
lists the kept versions (time, generation, account count) and restores one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.store import VaultFile
from tests.cli.processes import run_measured
from tests.vault.handmade import with_kdf

TOTP = "otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP"
HOTP = "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQ&counter=5"
MAIL = "otpauth://totp/Mail:me?secret=MFRGGZDFMZTWQ2LK"


@pytest.fixture
def env(vault_path: Path, fast_kdf: KdfParams) -> dict[str, str]:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)  # generation 1
    env = {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    for link in (TOTP, HOTP, MAIL):  # generations 2, 3, 4
        done = run_measured("add", link, env=env)
        assert done.returncode == 0, done.stderr
    return env


def _roll_back(vault_path: Path) -> None:
    """Someone copies an old backup over the vault: generation 3 (Site and Bank)."""
    shutil.copy2(list_backups(vault_path)[-1], vault_path)


@pytest.mark.slow
def test_an_old_copy_is_announced_and_restore_brings_back_the_newest(
    env: dict[str, str], vault_path: Path
) -> None:
    assert run_measured("code", env=env).stderr == ""
    _roll_back(vault_path)

    done = run_measured("code", env=env)
    assert done.returncode == 0
    (line,) = done.stderr.splitlines()
    assert "generation 3, older than generation 4 opened before" in line
    assert "the newest kept version is generation 3, saved" in line
    assert "desktop-2fa restore" in line and "--keep-current" in line
    assert "Site" in done.stdout  # TOTP codes are still given

    held = run_measured("code", "Bank", env=env)
    assert held.returncode == 1
    assert "no HOTP code is given from this vault" in held.stderr
    assert "'desktop-2fa restore --keep-current' keeps this one" in held.stderr
    counter = VaultFile(vault_path).unlock("pw").data.accounts[1].params.counter
    assert counter == 5  # no counter was used up

    listing = run_measured("restore", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "Current vault: generation 3, 2 accounts, older than generation 4" in listing.stdout
    rows = re.findall(r"^\s+(\d+)\s+(\S+ \S+ UTC)\s+(\d+)\s+(\d+)$", listing.stdout, re.M)
    assert [(n, g, a) for n, _, g, a in rows] == [("1", "3", "2"), ("2", "2", "1"), ("3", "1", "0")]

    # The newest kept version holds generation 3's contents again; the real
    # generation 4 is gone, so the user picks what they have: here, --newest.
    restored = run_measured("restore", "--newest", env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored the version saved" in restored.stdout and "generation 3" in restored.stdout

    after = run_measured("code", "Bank", env=env)
    assert after.returncode == 0 and after.stderr == ""
    assert "HOTP counter 5" in after.stdout


@pytest.mark.slow
def test_restore_a_numbered_version_and_undo_it(env: dict[str, str], vault_path: Path) -> None:
    done = run_measured("restore", "3", env=env)  # generation 1: the empty vault
    assert done.returncode == 0, done.stderr
    assert "generation 1, 0 accounts" in done.stdout
    assert run_measured("list", env=env).stdout.startswith("The vault is empty")
    # The vault it replaced became version 1: restoring that undoes the restore.
    assert run_measured("restore", "1", env=env).returncode == 0
    assert len(VaultFile(vault_path).unlock("pw").data.accounts) == 3
    assert run_measured("code", env=env).stderr == ""


@pytest.mark.slow
def test_keep_current_accepts_the_old_copy(env: dict[str, str], vault_path: Path) -> None:
    run_measured("code", env=env)
    _roll_back(vault_path)
    kept = run_measured("restore", "--keep-current", env=env)
    assert kept.returncode == 0, kept.stderr
    assert "Kept the current vault (generation 3)" in kept.stdout
    done = run_measured("code", "Bank", env=env)
    assert done.returncode == 0 and done.stderr == "" and "HOTP counter 5" in done.stdout


@pytest.mark.slow
def test_nothing_is_saved_to_an_old_copy_until_the_user_chose(
    env: dict[str, str], vault_path: Path
) -> None:
    """Two saves would lift generation 3 to 5, above the 4 seen: the rollback would vanish."""
    run_measured("code", env=env)
    _roll_back(vault_path)
    before = vault_path.read_bytes()
    for _ in range(2):
        done = run_measured("add", "otpauth://totp/New:me?secret=ORRB3XDZU4JIO7ZH", env=env)
        assert done.returncode == 1
        warning, error = done.stderr.splitlines()
        assert "older than generation 4 opened before" in warning
        assert "nothing is saved to this vault: it is generation 3" in error
    assert vault_path.read_bytes() == before
    assert "older than generation 4" in run_measured("code", env=env).stderr


@pytest.mark.parametrize("wanted", ["0", "9", "x", "-1", "1" * 500])
def test_a_version_that_is_not_listed_is_one_line(env: dict[str, str], wanted: str) -> None:
    done = run_measured("restore", wanted, env=env)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "there is no kept version" in line and len(line) <= 300


def test_a_damaged_vault_lists_and_restores_from_the_kept_versions(
    env: dict[str, str], vault_path: Path
) -> None:
    vault_path.write_bytes(b'{"format": "desktop-2fa-vault", "version": 1')
    listing = run_measured("restore", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "The current vault does not open (damaged:" in listing.stdout
    restored = run_measured("restore", "1", env=env)
    assert restored.returncode == 0, restored.stderr
    # The damaged file held generation 4; the newest kept version is generation 3.
    assert len(VaultFile(vault_path).unlock("pw").data.accounts) == 2


def test_a_vault_with_a_forged_costly_header_restores_from_the_kept_versions(
    env: dict[str, str], vault_path: Path
) -> None:
    with_kdf(vault_path, memory_kib=4 * 1024 * 1024, time_cost=64)
    listing = run_measured("restore", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "its header asks Argon2id for memory 4096 MiB" in listing.stdout
    assert run_measured("restore", "1", env=env).returncode == 0
    assert run_measured("code", env=env).returncode == 0


@pytest.mark.slow
def test_an_old_copy_from_before_a_password_change_restores_to_the_new_password(
    env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    """A sync tool puts back a copy saved before `passwd`: only the old password opens
    it. Restoring the newest kept version used to save it under that old password."""
    old_copy = tmp_path / "old.json"
    shutil.copy2(vault_path, old_copy)
    changed = run_measured("passwd", env={**env, "DESKTOP_2FA_NEW_PASSWORD": "new password"})
    assert changed.returncode == 0, changed.stderr
    new_env = {**env, "DESKTOP_2FA_PASSWORD": "new password"}
    assert run_measured("remove", "--yes", "Mail", env=new_env).returncode == 0
    shutil.copy2(old_copy, vault_path)

    restored = run_measured("restore", "--newest", env=env)  # the old password opens the copy
    assert restored.returncode == 0, restored.stderr
    assert "opens with the password that version was saved with" in restored.stdout
    assert run_measured("code", env=env).returncode == 1  # the old password: no longer
    done = run_measured("code", env=new_env)
    assert (done.returncode, done.stderr) == (0, "")
