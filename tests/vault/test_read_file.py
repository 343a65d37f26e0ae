"""`envelope.read_file`: the whole file, never more than any vault is (issue 9, issue 13).

It reads as much as the file's size says; these cover a file that grows
between taking its size and reading it (another program writing it), and
the memory of a large vault's buffers being reused rather than faulted in
afresh for each.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.vault import envelope
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.errors import CorruptVault
from desktop_2fa.vault.model import Account, VaultData
from desktop_2fa.vault.store import VaultFile


def _size_taken_early(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """The size `read_file` sees is `size`, as if the file grew right after."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = real(fd)
        return os.stat_result((*st[:6], size, *st[7:]))

    monkeypatch.setattr(envelope.os, "fstat", fstat)


def test_the_whole_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    path.write_bytes(b"x" * 100_000)
    assert envelope.read_file(path) == b"x" * 100_000


def test_a_file_that_grew_after_its_size_was_taken_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.json"
    path.write_bytes(bytes(range(256)) * 400)
    _size_taken_early(monkeypatch, 10)
    assert envelope.read_file(path) == bytes(range(256)) * 400


def test_a_file_that_grew_past_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.json"
    with path.open("wb") as f:
        f.truncate(envelope.MAX_FILE_BYTES + 4096)  # sparse: nothing written
    _size_taken_early(monkeypatch, 10)
    with pytest.raises(CorruptVault, match="larger than 64 MB"):
        envelope.read_file(path)


_FAULTS = """
import resource, sys
from desktop_2fa.vault.store import VaultFile
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
vault = VaultFile(sys.argv[1]).unlock("pw", lazy=True)
(found,) = vault.find("Issuer 04000")
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc")
def test_unlocking_a_large_vault_faults_in_its_buffers_once(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """Each big buffer of an unlock (file, ciphertext, plaintext, the lowered
    copy a search reads) was a fresh mapping, every page faulted in again: 3 ms
    after the key for 10,000 accounts. Now the later ones reuse the earlier."""
    now = datetime.now(UTC)
    accounts = tuple(
        Account(
            id=os.urandom(16).hex(),
            issuer=f"Issuer {i:05d}",
            name=f"user{i}@example.test",
            params=OtpParams(OtpKind.TOTP, os.urandom(20)),
            created_at=now,
            updated_at=now,
        )
        for i in range(8000)
    )
    VaultFile(vault_path).create("pw", VaultData(accounts=accounts), kdf=fast_kdf)
    pages = vault_path.stat().st_size // 4096
    done = subprocess.run(
        [sys.executable, "-c", _FAULTS, str(vault_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The file and the ciphertext (3/4 of it) must be faulted in once; then the
    # plaintext and the lowered copy (3/4 each) reuse them, where they faulted
    # in 3.25 times the file's pages in all.
    assert int(done.stdout) < 2.2 * pages, (int(done.stdout), pages)
