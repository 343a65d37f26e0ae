"""An older copy of the vault coming back is noticed, and a kept version can be restored.

Issue 9, item 3: each save carries a generation number inside the
authenticated contents; the app remembers the highest one it opened per
vault, outside the vault and without secrets.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import crypto, edits, payload
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.errors import (
    CorruptVault,
    RollbackHold,
    RollbackPending,
    VaultChangedOnDisk,
)
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.rollback import SeenGenerations
from desktop_2fa.vault.store import OpenVault, VaultFile
from desktop_2fa.vault.versions import kept_versions
from tests.vault.handmade import rewrite_header

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SECRETS = ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK", "ORRB3XDZU4JIO7ZH"]


def _add(n: int):  # type: ignore[no-untyped-def]
    spec = uri.parse(f"otpauth://totp/Site{n}:me?secret={SECRETS[n]}")
    return lambda data: edits.add_account(data, spec, NOW)[0]


@pytest.fixture
def seen(tmp_path: Path) -> SeenGenerations:
    return SeenGenerations(tmp_path / "state" / "generations.json")


@pytest.fixture
def saved(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> Callable[[int], OpenVault]:
    """A new vault saved `n` more times, one more account each (generation n + 1)."""

    def make(n: int) -> OpenVault:
        vault = VaultFile(vault_path, seen).create("pw", kdf=fast_kdf)
        for i in range(n):
            vault.apply(_add(i))
        return vault

    return make


def test_every_save_is_one_generation_more_and_remembered(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> None:
    vault = VaultFile(vault_path, seen).create("pw", kdf=fast_kdf)
    assert vault.generation == 1
    for n in range(3):
        vault.apply(_add(n))
    assert vault.generation == 4
    assert seen.highest(vault.vault_id) == 4
    reopened = VaultFile(vault_path, seen).unlock("pw")
    assert (reopened.generation, reopened.vault_id, reopened.rollback) == (4, vault.vault_id, None)


def test_the_generation_is_inside_the_sealed_contents(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    vault.apply(_add(0))
    on_disk = json.loads(vault_path.read_text())
    assert "generation" not in json.dumps({k: v for k, v in on_disk.items() if k != "ciphertext"})
    env = VaultFile(vault_path).read_envelope()[1]
    body = payload.decrypt(bytes(vault._master), env)
    assert body is not None and body["generation"] == 2 and body["vault_id"] == vault.vault_id


def test_the_remembered_file_holds_no_secret(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> None:
    vault = VaultFile(vault_path, seen).create("pw-Sekrit", kdf=fast_kdf)
    vault.apply(_add(0))
    text = seen.path.read_text()
    assert json.loads(text)["vaults"] == {vault.vault_id: 2}
    for needle in ("pw-Sekrit", SECRETS[0], "Site0", bytes(vault._master).hex()):
        assert needle not in text
    assert oct(seen.path.stat().st_mode & 0o777) == "0o600"


def test_an_old_copy_over_the_vault_is_announced_and_holds_hotp(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    saved(3)
    oldest = list_backups(vault_path)[0]  # generation 1: the empty vault
    shutil.copy2(oldest, vault_path)
    rolled = VaultFile(vault_path, seen).unlock("pw")
    status = rolled.rollback
    assert status is not None
    assert (status.opened, status.highest_seen) == (1, 4)
    assert status.newest_kept is not None and status.newest_kept.generation == 3
    with pytest.raises(RollbackHold, match="generation 1, older than generation 4"):
        rolled.check_hotp_allowed()
    # Still announced next time: nothing was decided.
    assert VaultFile(vault_path, seen).unlock("pw").rollback is not None


def test_restore_newest_settles_it(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    saved(3)
    shutil.copy2(list_backups(vault_path)[0], vault_path)
    rolled = VaultFile(vault_path, seen).unlock("pw")
    assert rolled.rollback is not None and rolled.rollback.newest_kept is not None
    rolled.restore(rolled.rollback.newest_kept)
    assert len(rolled.data.accounts) == 2 and rolled.rollback is None
    rolled.check_hotp_allowed()
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.rollback is None and len(again.data.accounts) == 2
    assert again.generation == 5  # above everything seen
    # The rolled-back file it replaced is a kept version too.
    assert any(v.generation == 1 for v in again.kept_versions())


def test_keep_this_one_settles_it(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    saved(2)
    shutil.copy2(list_backups(vault_path)[-1], vault_path)  # generation 2, one account
    rolled = VaultFile(vault_path, seen).unlock("pw")
    assert rolled.rollback is not None
    rolled.keep_current()
    rolled.check_hotp_allowed()
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.rollback is None and len(again.data.accounts) == 1 and again.generation == 4


def test_versions_list_time_generation_and_accounts(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    vault = saved(3)
    versions = vault.kept_versions()
    assert [(v.generation, v.accounts) for v in versions] == [(3, 2), (2, 1), (1, 0)]
    assert versions[0].saved_at >= versions[1].saved_at >= versions[2].saved_at
    assert all(v.vault_id == vault.vault_id for v in versions)


def test_a_damaged_vault_is_restored_with_the_password_alone(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    saved(2)
    damaged = vault_path.read_bytes()[:100]
    vault_path.write_bytes(damaged)
    with pytest.raises(CorruptVault):
        VaultFile(vault_path, seen).unlock("pw")
    unlocked = VaultFile(vault_path, seen).kept_versions("pw")
    assert [u.version.generation for u in unlocked] == [2, 1]
    assert VaultFile(vault_path, seen).kept_versions("wrong") == []
    restored = VaultFile(vault_path, seen).restore(unlocked[0])
    assert len(restored.data.accounts) == 1
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.rollback is None and len(again.data.accounts) == 1
    assert any(p.read_bytes() == damaged for p in list_backups(vault_path))  # kept too


def test_restoring_a_damaged_vault_derives_a_few_keys_however_many_headers_are_kept(
    vault_path: Path,
    seen: SeenGenerations,
    saved: Callable[[int], OpenVault],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the vault damaged, each distinct header among the kept versions costs one
    Argon2id run (up to 2.5 s at the ceiling): 30 files with 30 headers dropped into
    backups/ made `restore` derive 30 keys."""
    saved(2)
    genuine = list_backups(vault_path)
    for n in range(30):  # newer than the genuine ones, each with a salt of its own
        forged = genuine[0].with_name(f"vault.json.{10**19 + n}.bak")
        shutil.copy2(genuine[0], forged)
        salt = base64.b64encode(n.to_bytes(16, "big")).decode()
        rewrite_header(forged, lambda body, salt=salt: body["kdf"].update(salt=salt))
    vault_path.write_bytes(vault_path.read_bytes()[:100])  # damaged
    derived = []
    real_derive = crypto.derive_key
    monkeypatch.setattr(crypto, "derive_key", lambda *a: derived.append(a) or real_derive(*a))
    unlocked = VaultFile(vault_path, seen).kept_versions("pw")
    assert len(derived) <= 3
    assert [u.version.generation for u in unlocked] == [2, 1]  # the genuine ones still open


def test_a_vault_saved_before_generations_opens_as_generation_zero(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> None:
    vault = VaultFile(vault_path, seen).create("pw", kdf=fast_kdf)
    legacy = payload.reseal(
        bytes(vault._master),
        vault.kdf,
        vault._slots,
        json.dumps({"accounts": [], "settings": {}}).encode(),
    )
    vault_path.write_bytes(legacy)
    old = VaultFile(vault_path, SeenGenerations(seen.path.with_name("other.json"))).unlock("pw")
    assert old.generation == 0 and old.vault_id == payload.legacy_id(bytes(vault._master))
    old.apply(_add(0))
    assert VaultFile(vault_path, seen).unlock("pw").vault_id == old.vault_id


def test_an_unwritable_state_folder_only_loses_the_warning(
    vault_path: Path, fast_kdf: KdfParams, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    seen = SeenGenerations(blocker / "generations.json")
    vault = VaultFile(vault_path, seen).create("pw", kdf=fast_kdf)
    vault.apply(_add(0))
    assert VaultFile(vault_path, seen).unlock("pw").rollback is None


def test_a_damaged_or_huge_remembered_file_is_ignored(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> None:
    seen.path.parent.mkdir(parents=True)
    for junk in (b"[" * 100_000, b"{}", b"\xff\xfe", b'{"format": "x"}', b" " * 10_000_000):
        seen.path.write_bytes(junk)
        vault = VaultFile(vault_path, seen)
        if not vault_path.exists():
            vault.create("pw", kdf=fast_kdf)
        assert vault.unlock("pw").rollback is None


def test_kept_versions_of_another_vault_are_not_offered(
    vault_path: Path, fast_kdf: KdfParams, seen: SeenGenerations
) -> None:
    vault = VaultFile(vault_path, seen).create("pw", kdf=fast_kdf)
    vault.apply(_add(0))
    stranger = vault_path.parent / "stranger.json"
    VaultFile(stranger, seen).create("pw", VaultData(), kdf=fast_kdf)
    shutil.copy2(stranger, list_backups(vault_path)[0].with_name("vault.json.1.bak"))
    assert [v.generation for v in kept_versions(vault_path, bytes(vault._master))] == [1]


def test_nothing_is_saved_to_a_rolled_back_vault_until_the_user_chose(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    """Saves would raise its generation up to the newest one's: the rollback would vanish."""
    saved(3)
    shutil.copy2(list_backups(vault_path)[0], vault_path)
    rolled = VaultFile(vault_path, seen).unlock("pw")
    before = vault_path.read_bytes()
    for n in range(4):
        with pytest.raises(RollbackPending, match="generation 1, older than generation 4"):
            rolled.apply(_add(n))
    assert vault_path.read_bytes() == before
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.rollback is not None and again.generation == 1
    again.keep_current()
    again.apply(_add(0))  # chosen: saving works again
    assert len(VaultFile(vault_path, seen).unlock("pw").data.accounts) == 1


def test_a_save_that_keeps_no_version_leaves_the_kept_versions_alone(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    vault = saved(2)
    kept = list_backups(vault_path)
    account_id = vault.data.accounts[0].id
    for _ in range(12):
        vault.apply(lambda d: edits.record_use(d, account_id, NOW), keep_version=False)
    assert list_backups(vault_path) == kept
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.data.accounts[0].use_count == 12 and again.generation == 15
    assert again.rollback is None


def test_a_password_change_waits_for_the_choice_too(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    saved(2)
    shutil.copy2(list_backups(vault_path)[-1], vault_path)  # generation 2, one below
    rolled = VaultFile(vault_path, seen).unlock("pw")
    with pytest.raises(RollbackPending):
        rolled.change_password("another")
    assert VaultFile(vault_path, seen).unlock("pw").rollback is not None


def test_a_save_by_another_program_during_the_unlock_is_no_rollback(
    vault_path: Path,
    seen: SeenGenerations,
    saved: Callable[[int], OpenVault],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by the two-process writer test: the CLI saved while the app derived its key."""
    other = saved(1)
    unwrap = payload.unwrap

    def unwrap_while_the_other_saves(*args, **kwargs):  # type: ignore[no-untyped-def]
        key = unwrap(*args, **kwargs)
        other.apply(_add(1))
        other.apply(_add(2))  # remembered as generation 4; we read generation 2
        return key

    monkeypatch.setattr(payload, "unwrap", unwrap_while_the_other_saves)
    opened = VaultFile(vault_path, seen).unlock("pw")
    monkeypatch.undo()
    assert opened.rollback is None
    assert (opened.generation, len(opened.data.accounts)) == (4, 3)
    opened.apply(_add(3))
    assert len(VaultFile(vault_path, seen).unlock("pw").data.accounts) == 4


def test_a_fifo_as_the_remembered_file_does_not_hang_the_cli(
    vault_path: Path, fast_kdf: KdfParams, state_dir: Path
) -> None:
    """Opening a FIFO waits for a writer: every command used to hang there."""
    import os
    import subprocess
    import sys

    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    (state_dir / "generations.json").unlink()
    os.mkfifo(state_dir / "generations.json")
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop_2fa", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # a hang fails here instead of stalling the suite
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_an_absurd_remembered_generation_never_makes_the_vault_unreadable(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    """The remembered file is not authenticated: anyone (or any bug) can write a number
    there. "Keep this one" used to save the vault one above it, past the largest
    generation a vault may hold, and the vault no longer opened (nor did a restore,
    which did the same again)."""
    vault = saved(1)
    for absurd in (payload.MAX_GENERATION, 2**63, 10**100):
        remembered = {"format": "desktop-2fa-generations", "version": 1}
        seen.path.write_text(json.dumps({**remembered, "vaults": {vault.vault_id: absurd}}))
        opened = VaultFile(vault_path, seen).unlock("pw")
        if opened.rollback is not None:
            opened.keep_current()
        again = VaultFile(vault_path, seen).unlock("pw")
        assert again.generation <= payload.MAX_GENERATION
        assert len(again.data.accounts) == 1


def test_an_old_copy_put_back_under_an_open_vault_is_not_saved_over(
    vault_path: Path, seen: SeenGenerations, saved: Callable[[int], OpenVault]
) -> None:
    """The app stays open all day while the CLI saves; then a sync tool puts an
    older copy back. The app's next save used to take that copy over as the
    latest contents (it is newer than what the app last read) and save it one
    generation up: the rollback was hidden, the CLI's changes lost, and HOTP
    counters went back to values already used."""
    app = saved(1)  # generation 2
    cli = VaultFile(vault_path, seen).unlock("pw")
    cli.apply(_add(1))  # generation 3
    cli.apply(_add(2))  # generation 4, remembered
    shutil.copy2(list_backups(vault_path)[-1], vault_path)  # generation 3 is back
    before = vault_path.read_bytes()
    with pytest.raises(VaultChangedOnDisk):
        app.apply(_add(3))
    assert vault_path.read_bytes() == before
    again = VaultFile(vault_path, seen).unlock("pw")
    assert again.rollback is not None
    assert (again.rollback.opened, again.rollback.highest_seen) == (3, 4)
