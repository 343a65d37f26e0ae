"""The head start derives the key the real unlock will ask for, and nothing else.

Issue 9, item 6: `unlock_ahead` had its own first-line rule for password
files and its own copy of the header checks. A differing rule wasted the
head start; a looser ceiling let a hostile header start a 4 GiB derivation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_2fa.cli import context, unlock_ahead
from desktop_2fa.vault import argon2id
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.vault.handmade import with_kdf


def _settle() -> None:
    for job in argon2id._pending:
        job.thread.join()
    argon2id._pending.clear()


@pytest.fixture(autouse=True)
def no_leftover_prefetch() -> Iterator[None]:
    _settle()  # other tests' in-process runs may leave one behind
    yield
    _settle()


@pytest.mark.parametrize("content", ["pw\rjunk\n", "pw\x0bjunk", "pw\u2028junk", "pw\r\n"])
def test_the_password_file_is_read_by_the_same_rule(
    vault_path: Path, fast_kdf: KdfParams, tmp_path: Path, content: str
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    file = tmp_path / "password"
    file.write_text(content, encoding="utf-8", newline="")
    unlock_ahead.start(["--vault", str(vault_path), "--password-file", str(file), "code"])
    (job,) = argon2id._pending
    assert job.inputs[0] == context.read_password_file(str(file)).encode() == b"pw"


@pytest.mark.parametrize(
    "kdf",
    [
        {"memory_kib": 2 * 1024 * 1024},
        {"time_cost": 40},
        {"lanes": 32, "memory_kib": 64 * 1024},
        {"memory_kib": 1024 * 1024, "time_cost": 6},
    ],
)
def test_a_header_the_unlock_refuses_gets_no_head_start(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch, kdf: dict[str, int]
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    with_kdf(vault_path, **kdf)
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    unlock_ahead.start(["--vault", str(vault_path), "list"])
    assert argon2id._pending == []


def test_a_newer_format_gets_no_head_start(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    body = json.loads(vault_path.read_bytes())
    body["version"] = 2
    vault_path.write_text(json.dumps(body))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    unlock_ahead.start(["--vault", str(vault_path), "code"])
    assert argon2id._pending == []


def test_a_good_vault_gets_its_head_start(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    unlock_ahead.start(["--vault", str(vault_path), "restore"])
    (job,) = argon2id._pending
    assert job.inputs[1:] == (fast_kdf.salt, 1, 1024, 1)
