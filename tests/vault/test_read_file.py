"""`envelope.read_file`: the whole file, never more than any vault is (issue 9, issue 13).

It reads as much as the file's size says; these cover a file that grows
between taking its size and reading it (another program writing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_2fa.vault import envelope
from desktop_2fa.vault.errors import CorruptVault


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
