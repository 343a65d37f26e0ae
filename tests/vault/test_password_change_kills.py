"""A password change killed at any moment leaves nothing the old password opens.

Issue 9, item 1: a `passwd` killed a few milliseconds after the vault file
was replaced left kept versions in backups/ that the old password still
opened (20 of 30 trials), each holding the master key of the current vault.
Required: killed at any moment, the vault opens with exactly one of the two
passwords; once it opens with the new one, no file in its folder (vault,
backups/, temp files) opens with the old one. And after the next unlock,
with whichever password works, no file opens with the other.

Real `desktop-2fa passwd` processes, killed at random moments, right after
the first kept version is rewrapped, and right after the vault file is
replaced.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import edits, envelope, payload
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.rollback import SeenGenerations
from desktop_2fa.vault.store import VaultFile

OLD, NEW = "old password", "new password"
TRIALS = 40
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def opens_with(path: Path, password: str) -> bool:
    """Does `password` unwrap a master key from this file? (No repair, no side effect.)"""
    try:
        env = envelope.decode(path.read_bytes())
        payload.unwrap(password, env)
    except (OSError, VaultError):
        return False
    return True


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _template(folder: Path, kdf: KdfParams) -> Path:
    """A vault with a full backups/ folder (ten kept versions to rewrap)."""
    path = folder / "vault.json"
    vault = VaultFile(path).create(OLD, kdf=kdf)
    for i in range(11):
        spec = uri.parse(f"otpauth://totp/Site{i}:me?secret=JBSWY3DPEHPK3PX{'ABCDEFGHIJK'[i]}")
        vault.apply(lambda data, spec=spec: edits.add_account(data, spec, NOW)[0])
    return path


def _passwd(path: Path, state: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DESKTOP_2FA_VAULT": str(path),
        "DESKTOP_2FA_PASSWORD": OLD,
        "DESKTOP_2FA_NEW_PASSWORD": NEW,
        "DESKTOP_2FA_STATE_DIR": str(state),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_2fa", "passwd"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_after_replace(child: subprocess.Popen[bytes], path: Path) -> None:
    """Kill the moment `path` is a new file (polling its inode): the vault, or a
    kept version (`passwd` rewraps them first, oldest first)."""
    inode = path.stat().st_ino
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if path.stat().st_ino != inode:
                break
        except FileNotFoundError:
            pass
        time.sleep(0.0002)
    child.send_signal(signal.SIGKILL)
    child.wait()


def _check(folder: Path, trial: str, state: Path) -> str:
    path = folder / "vault.json"
    old, new = opens_with(path, OLD), opens_with(path, NEW)
    assert old != new, f"{trial}: the vault opens with old={old}, new={new}"
    works, other = (NEW, OLD) if new else (OLD, NEW)
    if new:
        leaks = [p.relative_to(folder) for p in _files(folder) if opens_with(p, OLD)]
        assert leaks == [], f"{trial}: the old password still opens {leaks}"
    # The trial's own state folder: in the test's, every copy of the template
    # after the first is a rollback, and a rollback repairs nothing until the
    # user chose (an old copy's header must not be put on newer versions).
    vault = VaultFile(path, SeenGenerations(state / "generations.json")).unlock(works)
    assert len(vault.data.accounts) == 11
    leaks = [p.relative_to(folder) for p in _files(folder) if opens_with(p, other)]
    assert leaks == [], f"{trial}: after unlocking, {other!r} still opens {leaks}"
    assert len(vault.kept_versions()) == 10, trial
    return works


@pytest.mark.slow
def test_passwd_killed_at_any_moment_leaves_exactly_one_password(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    template = _template(tmp_path / "template", fast_kdf).parent
    state = tmp_path / "state"
    # How long an uninterrupted change takes here: the range for random kills.
    whole = tmp_path / "whole"
    shutil.copytree(template, whole)
    started = time.monotonic()
    assert _passwd(whole / "vault.json", state / "whole").wait(timeout=60) == 0
    duration = time.monotonic() - started
    assert _check(whole, "uninterrupted", state / "whole") == NEW

    rng = random.Random(9)
    outcomes = []
    halfway = 0
    for trial in range(TRIALS):
        folder = tmp_path / f"trial{trial}"
        shutil.copytree(template, folder)
        # A state folder per trial: each copy of the template is the same vault,
        # and one already changed would make the next copy a rollback, which
        # refuses every save (`RollbackPending`).
        child = _passwd(folder / "vault.json", state / f"trial{trial}")
        if trial % 3 == 1:
            _kill_after_replace(child, folder / "vault.json")
            how = "right after the replace"
        elif trial % 3 == 2:  # some kept versions rewrapped, the vault not yet
            _kill_after_replace(child, list_backups(folder / "vault.json")[0])
            how = "right after the first kept version was rewrapped"
        else:  # the writes come last, after start-up and the key derivation
            time.sleep(duration * rng.uniform(0.5, 1.05))
            child.send_signal(signal.SIGKILL)
            child.wait()
            how = "at a random moment"
        path = folder / "vault.json"
        if opens_with(path, OLD) and any(opens_with(b, NEW) for b in list_backups(path)):
            halfway += 1  # for the next unlock to repair
        outcomes.append(_check(folder, f"trial {trial}, killed {how}", state / f"trial{trial}"))
        shutil.rmtree(folder)
    # Both sides of the replace were hit, and the middle of the rewrapping
    # (otherwise the test proves little).
    assert OLD in outcomes and NEW in outcomes, outcomes
    assert halfway > 0
