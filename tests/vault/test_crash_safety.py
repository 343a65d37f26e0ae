"""Killing the process at any moment during a save leaves a vault that opens,
holding either the old or the new content (DESIGN.md, house style 7)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import Settings, VaultData
from desktop_2fa.vault.store import VaultFile

# The child saves forever, each save with a new clipboard_clear_seconds value,
# and reports each value once its save has returned.
CHILD = """
import dataclasses, sys
from pathlib import Path

import pytest
from desktop_2fa.vault.store import VaultFile
vault = VaultFile(Path(sys.argv[1])).unlock("pw")
value = vault.data.settings.clipboard_clear_seconds
while True:
    value += 1
    settings = dataclasses.replace(vault.data.settings, clipboard_clear_seconds=value)
    vault.apply(lambda data: dataclasses.replace(data, settings=settings))
    print(value, flush=True)
"""


def test_sigkill_during_saves_never_leaves_a_broken_vault(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    # Bulk up the payload so a save takes long enough to be interrupted mid-write.
    data = VaultData(settings=Settings(clipboard_clear_seconds=0))
    for i in range(300):
        spec = AccountSpec(f"Issuer {i}", f"user{i}", OtpParams(OtpKind.TOTP, b"k%06d" % i))
        data, _ = edits.add_account(data, spec, datetime(2026, 1, 1, tzinfo=UTC))
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    rng = random.Random(1234)
    last_reported = 0
    for _round in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(vault_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.15 + rng.random() * 0.15)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        reported = [int(line) for line in out.split()]
        if reported:
            last_reported = reported[-1]
        value = VaultFile(vault_path).unlock("pw").data.settings.clipboard_clear_seconds
        # Either the last save the child finished, or the one it was in the middle of.
        assert value in (last_reported, last_reported + 1), (value, last_reported)
        last_reported = value
    leftovers = [p.name for p in vault_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 1  # at most the one write the last kill interrupted


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files through /proc")
def test_the_kept_version_is_on_disk_before_the_vault_is_replaced(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every save (a restore too) keeps the file it replaces as a hard link in backups/,
    but that folder was never synced: after a power cut the vault could be the new
    file while the kept version was gone, so a restore could not be undone."""
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    spec = AccountSpec("Issuer", "user", OtpParams(OtpKind.TOTP, b"k" * 20))
    vault.apply(lambda data: edits.add_account(data, spec, datetime(2026, 1, 1, tzinfo=UTC))[0])
    vault.restore(vault.kept_versions()[0])
    monkeypatch.undo()
    backups = str(vault_path.parent.resolve() / "backups")
    replaced = [i for i, event in enumerate(events) if event == ("replace", str(vault_path))]
    assert len(replaced) == 2
    start = 0
    for at in replaced:  # the save, then the restore
        assert ("fsync", backups) in events[start:at], events[start:at]
        start = at + 1
