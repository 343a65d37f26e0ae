"""The encrypted vault file: format 1, errors a user can tell apart, durable saves."""

from __future__ import annotations

import base64
import dataclasses
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import crypto, edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.errors import (
    CorruptVault,
    KdfTooCostly,
    UnknownKeySlot,
    UnsupportedVersion,
    VaultChangedOnDisk,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    WrongPassword,
)
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.vault.handmade import rewrite_header, with_kdf

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECRET_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
OTHER = "JBSWY3DPEHPK3PXP"


def _with_account(data: VaultData, label: str = "GitHub:alice") -> VaultData:
    spec = uri.parse(f"otpauth://totp/{label}?secret={SECRET_B32}")
    data, _ = edits.add_account(data, spec, NOW, backup_codes=["aaaaa-bbbbb", "ccccc-ddddd"])
    return data


def test_create_then_unlock_round_trips(vault_path: Path, fast_kdf: KdfParams) -> None:
    data = _with_account(VaultData())
    VaultFile(vault_path).create("correct horse", data, kdf=fast_kdf)
    opened = VaultFile(vault_path).unlock("correct horse")
    assert opened.data == data
    assert opened.data.accounts[0].backup_codes.codes[0].code == "aaaaa-bbbbb"


def test_file_and_folder_modes(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    vault.apply(_with_account)
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    for backup in list_backups(vault_path):
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE((vault_path.parent / "backups").stat().st_mode) == 0o700


def test_default_kdf_meets_the_floor() -> None:
    params = crypto.default_kdf_params()
    assert params.memory_kib >= 64 * 1024 and params.time_cost >= 3
    assert len(params.salt) == 16


def test_envelope_header_is_what_design_md_describes(vault_path: Path, fast_kdf: KdfParams) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    env = json.loads(vault_path.read_text())
    assert env["format"] == "desktop-2fa-vault" and env["version"] == 1
    assert env["kdf"] == {
        "name": "argon2id",
        "salt": base64.b64encode(fast_kdf.salt).decode(),
        "time_cost": 1,
        "memory_kib": 1024,
        "lanes": 1,
    }
    assert env["slots"][0]["type"] == "password"
    assert len(base64.b64decode(env["slots"][0]["key"])) == 32 + 16  # key + GCM tag
    assert len(base64.b64decode(env["nonce"])) == 12


def test_wrong_password(vault_path: Path, fast_kdf: KdfParams) -> None:
    VaultFile(vault_path).create("right", kdf=fast_kdf)
    with pytest.raises(WrongPassword, match="wrong password"):
        VaultFile(vault_path).unlock("wrong")


def test_missing_vault(vault_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="desktop-2fa init"):
        VaultFile(vault_path).unlock("pw")


def test_create_refuses_to_overwrite(vault_path: Path, fast_kdf: KdfParams) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    before = vault_path.read_bytes()
    with pytest.raises(VaultExists):
        VaultFile(vault_path).create("other", kdf=fast_kdf)
    assert vault_path.read_bytes() == before


def test_every_single_byte_change_is_refused(vault_path: Path, fast_kdf: KdfParams) -> None:
    VaultFile(vault_path).create("pw", _with_account(VaultData()), kdf=fast_kdf)
    original = vault_path.read_bytes()
    for i in range(len(original)):
        for flip in (0x01, 0x20):
            damaged = bytearray(original)
            damaged[i] ^= flip
            vault_path.write_bytes(bytes(damaged))
            with pytest.raises((CorruptVault, UnsupportedVersion)):
                VaultFile(vault_path).unlock("pw")
    vault_path.write_bytes(original)
    assert VaultFile(vault_path).unlock("pw").data.accounts


@pytest.mark.parametrize("keep", [0, 1, 10, 100, -50, -1])
def test_truncated_file_is_damaged_not_a_wrong_password(
    vault_path: Path, fast_kdf: KdfParams, keep: int
) -> None:
    VaultFile(vault_path).create("pw", _with_account(VaultData()), kdf=fast_kdf)
    vault_path.write_bytes(vault_path.read_bytes()[:keep])
    with pytest.raises(CorruptVault, match="damaged"):
        VaultFile(vault_path).unlock("pw")


def test_forged_header_with_recomputed_checksum_still_fails(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """The header is the AEAD's associated data: a consistent-looking forgery fails too."""
    import hashlib

    from desktop_2fa.vault.envelope import canonical

    VaultFile(vault_path).create("pw", _with_account(VaultData()), kdf=fast_kdf)
    env = json.loads(vault_path.read_text())
    env.pop("checksum")
    env["slots"].append(env["slots"][0])  # an extra slot: decrypts the key, header differs
    env["checksum"] = hashlib.sha256(canonical(env)).hexdigest()
    vault_path.write_bytes(canonical(env) + b"\n")
    with pytest.raises(CorruptVault, match="do not match their header"):
        VaultFile(vault_path).unlock("pw")


def test_newer_version_is_refused_as_such(vault_path: Path, fast_kdf: KdfParams) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    env = json.loads(vault_path.read_text())
    env["version"] = 2
    vault_path.write_text(json.dumps(env))
    with pytest.raises(UnsupportedVersion, match="format version 2, newer"):
        VaultFile(vault_path).unlock("pw")


def test_save_keeps_the_last_ten_versions(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    for i in range(14):
        vault.apply(lambda d, i=i: _with_account(d, f"Issuer{i}:user"))
        # Distinct secrets are not needed for the test; avoid duplicate refusal.
        vault.apply(lambda _d: VaultData())
    backups = list_backups(vault_path)
    assert len(backups) == 10
    # Every kept version is a complete vault that opens with the password.
    for backup in backups:
        VaultFile(backup).unlock("pw")


def test_save_never_runs_the_kdf(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)

    def boom(*_: object) -> bytes:
        raise AssertionError("KDF ran during save")

    monkeypatch.setattr(crypto, "derive_key", boom)
    vault.apply(_with_account)


def test_password_change_rewraps_the_same_master_key(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("old", _with_account(VaultData()), kdf=fast_kdf)
    for _ in range(2):  # so that backups/ holds versions sealed under "old"
        vault.apply(dataclasses.replace)
    master_before = bytes(vault._master)
    before = json.loads(vault_path.read_text())
    vault.change_password("new password")
    after = json.loads(vault_path.read_text())
    assert after["kdf"]["salt"] != before["kdf"]["salt"]
    assert after["kdf"]["memory_kib"] == before["kdf"]["memory_kib"]
    assert bytes(vault._master) == master_before  # rewrapped, not re-keyed
    with pytest.raises(WrongPassword):
        VaultFile(vault_path).unlock("old")
    reopened = VaultFile(vault_path).unlock("new password")
    assert reopened.data == vault.data
    # The kept versions are rewrapped too: the old password opens none of them,
    # since any of them would hand over the master key of the current file.
    backups = list_backups(vault_path)
    assert len(backups) >= 2
    for backup in backups:
        with pytest.raises(WrongPassword):
            VaultFile(backup).unlock("old")
        VaultFile(backup).unlock("new password")


def test_foreign_files_in_backups_are_left_alone(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    folder = vault_path.parent / "backups"
    folder.mkdir()
    strangers = [folder / "vault.json.copy.bak", folder / "vault.json.work.123.bak"]
    for stranger in strangers:
        stranger.write_text("mine")
    for i in range(12):
        vault.apply(lambda _d, i=i: _with_account(VaultData(), f"I{i}:x"))
    assert len(list_backups(vault_path)) == 10
    assert all(s.read_text() == "mine" for s in strangers)
    vault.change_password("new password")  # must not trip over them either


def test_saving_through_a_symlink_updates_its_target(tmp_path: Path, fast_kdf: KdfParams) -> None:
    target = tmp_path / "synced" / "vault.json"
    link = tmp_path / "home" / "vault.json"
    VaultFile(target).create("pw", kdf=fast_kdf)
    link.parent.mkdir()
    link.symlink_to(target)
    vault = VaultFile(link).unlock("pw")
    vault.apply(_with_account)
    assert link.is_symlink()
    assert len(VaultFile(target).unlock("pw").data.accounts) == 1


def test_deeply_nested_json_is_damaged_not_a_crash(vault_path: Path) -> None:
    vault_path.parent.mkdir(parents=True)
    vault_path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(CorruptVault):
        VaultFile(vault_path).unlock("pw")


def test_a_change_saved_by_another_program_is_kept(vault_path: Path, fast_kdf: KdfParams) -> None:
    """The one writer re-reads the file: an edit lands on the latest contents."""
    first = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    second = VaultFile(vault_path).unlock("pw")
    second.apply(lambda d: _with_account(d, "Other:one"))
    mine = uri.parse(f"otpauth://totp/Mine:x?secret={OTHER}")
    first.apply(lambda d: edits.add_account(d, mine, NOW)[0])
    issuers = [a.issuer for a in VaultFile(vault_path).unlock("pw").data.accounts]
    assert issuers == ["Other", "Mine"]


def test_a_file_replaced_by_another_vault_is_not_overwritten(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    first = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    other = vault_path.parent / "other.json"
    VaultFile(other).create("pw", _with_account(VaultData(), "Other:one"), kdf=fast_kdf)
    other.replace(vault_path)
    with pytest.raises(VaultChangedOnDisk):
        first.apply(_with_account)
    assert VaultFile(vault_path).unlock("pw").data.accounts[0].issuer == "Other"


def test_lock_forgets_key_and_data(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw", _with_account(VaultData()), kdf=fast_kdf)
    vault.lock()
    assert vault.locked
    assert vault.data == VaultData()
    with pytest.raises(VaultLocked):
        vault.apply(lambda _d: VaultData())


def test_no_secret_in_plain_text_on_disk(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw-Sekrit", kdf=fast_kdf)
    for _ in range(3):
        vault.apply(lambda _d: _with_account(VaultData()))
    needles = [
        SECRET_B32.encode(),
        b"12345678901234567890",
        b"aaaaa-bbbbb",
        b"pw-Sekrit",
        b"GitHub",
    ]
    for path in vault_path.parent.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for needle in needles:
                assert needle not in blob, (path, needle)


def test_a_key_slot_of_an_unknown_type_is_refused_not_dropped(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    VaultFile(vault_path).create("pw", _with_account(VaultData()), kdf=fast_kdf)
    slot = {"type": "fido2-hmac-secret", "nonce": "AAAA", "key": "AAAA", "credential": "x"}
    rewrite_header(vault_path, lambda env: env["slots"].append(slot))
    before = vault_path.read_bytes()
    with pytest.raises(UnknownKeySlot, match=r"'fido2-hmac-secret'.*update desktop-2fa"):
        VaultFile(vault_path).unlock("pw")
    assert vault_path.read_bytes() == before


@pytest.mark.parametrize(
    ("kdf", "parameter"),
    [
        ({"memory_kib": 4 * 1024 * 1024, "time_cost": 64}, "memory"),
        ({"time_cost": 64}, "passes"),
        ({"memory_kib": 1024 * 1024, "time_cost": 5}, "memory x passes"),
        ({"lanes": 17}, "lanes"),
    ],
)
def test_a_costly_header_is_refused_before_any_key_derivation(
    vault_path: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    kdf: dict,
    parameter: str,
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    with_kdf(vault_path, **kdf)

    def boom(*_: object) -> bytes:
        raise AssertionError("Argon2id ran for a header above the ceilings")

    monkeypatch.setattr(crypto.argon2id, "derive", boom)
    with pytest.raises(KdfTooCostly) as info:
        VaultFile(vault_path).unlock("pw")
    assert info.value.parameter == parameter


def test_unlock_repairs_kept_versions_left_by_an_interrupted_password_change(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """passwd rewraps the kept versions first; killed then, they open with the new
    password while the vault still opens with the old one. Unlock puts that right."""
    from desktop_2fa.vault import payload, rewrap

    vault = VaultFile(vault_path).create("old", kdf=fast_kdf)
    for i in range(3):
        vault.apply(lambda d, i=i: _with_account(VaultData(), f"I{i}:x"))
    kdf = vault.kdf.with_new_salt()
    slots = payload.password_slot("new", kdf, vault._master)
    backups = list_backups(vault_path)
    for backup in backups[:2]:  # killed after two of three
        rewrap.rewrap(backup, bytes(vault._master), kdf, slots)
    stale_temp = vault_path.parent / "backups" / f".{backups[2].name}.0123456789ab.tmp"
    stale_temp.write_bytes(backups[0].read_bytes())  # a rewrap cut short
    with pytest.raises(WrongPassword):
        VaultFile(backups[0]).unlock("old")
    VaultFile(vault_path).unlock("old")
    for backup in list_backups(vault_path):
        with pytest.raises(WrongPassword):
            VaultFile(backup).unlock("new")
        VaultFile(backup).unlock("old")
    assert not stale_temp.exists()
