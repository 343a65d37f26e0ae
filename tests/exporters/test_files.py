"""Writing exports to disk: private modes, no silent overwrite, safe file names."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from desktop_2fa.exporters.base import ExportFile, ExportResult
from desktop_2fa.exporters.errors import OutputExists, OutputNotAFolder
from desktop_2fa.exporters.filenames import safe_stem, unique_names
from desktop_2fa.exporters.files import write_export

ONE = ExportResult((ExportFile("x.txt", b"secret"),), 1)
TWO = ExportResult((ExportFile("a.png", b"1"), ExportFile("b.png", b"2")), 2)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_single_file_is_written_with_mode_0600(tmp_path: Path) -> None:
    out = tmp_path / "export.txt"
    assert write_export(ONE, out, multi_file=False, force=False) == [out]
    assert out.read_bytes() == b"secret"
    assert _mode(out) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.txt"]  # no temp file left


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "export.txt"
    out.write_bytes(b"old")
    with pytest.raises(OutputExists, match="already exists; choose another name or add --force"):
        write_export(ONE, out, multi_file=False, force=False)
    assert out.read_bytes() == b"old"
    write_export(ONE, out, multi_file=False, force=True)
    assert (out.read_bytes(), _mode(out)) == (b"secret", 0o600)


def test_several_files_go_into_a_private_folder(tmp_path: Path) -> None:
    out = tmp_path / "codes"
    written = write_export(TWO, out, multi_file=True, force=False)
    assert [p.name for p in written] == ["a.png", "b.png"]
    assert _mode(out) == 0o700
    assert all(_mode(p) == 0o600 for p in written)
    with pytest.raises(OutputExists):
        write_export(TWO, out, multi_file=True, force=False)


def test_a_folder_export_will_not_replace_a_file(tmp_path: Path) -> None:
    out = tmp_path / "codes"
    out.write_text("x")
    with pytest.raises(OutputNotAFolder):
        write_export(TWO, out, multi_file=True, force=True)


def test_file_names_are_safe_and_unique() -> None:
    assert safe_stem("GitHub (a/b:c)") == "GitHub (a_b_c)"
    assert safe_stem("../..") == "account"
    assert safe_stem("Überbank (jürgen 日本)") == "Überbank (jürgen 日本)"
    assert unique_names(["A", "a", "B", "A"], "png") == ["A.png", "a (2).png", "B.png", "A (3).png"]


def test_a_missing_folder_is_named_in_the_error(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "export.txt"
    with pytest.raises(OSError, match="No such file") as caught:
        write_export(ONE, out, multi_file=False, force=False)
    assert caught.value.filename == str(out)
