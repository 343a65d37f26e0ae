"""Paths as strings spell exactly what pathlib spells (`vault/paths.py`, issue 13).

`desktop-2fa code` opens the vault, its kept versions and the remembered
generations by these strings instead of `Path` objects; a string that
differed from `str(Path(...))` would open another file than before, or
name another file in a message.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.vault import paths
from desktop_2fa.vault.durable import has_stale_temps, list_backups, remove_stale_temps

PARTS = ["/", "//", ".", "..", "a", "b.json", "~", "~root", "~nobody-here", " ", "x~"]
# Every text of up to four parts: "./~", "//a", "~root/..", "a/./" ... (16,105 of them).
TEXTS = ["".join(p) for n in range(5) for p in itertools.product(PARTS, repeat=n)]


def test_normal_is_what_pathlib_spells() -> None:
    assert [paths.normal(t) for t in TEXTS] == [str(Path(t)) for t in TEXTS]


def _or_error(spell: Callable[[str], str], text: str) -> str:
    try:
        return spell(text)
    except RuntimeError:
        return "RuntimeError"  # pathlib's "Could not determine home directory."


@pytest.mark.parametrize("home", ["/root", "/", "/home/user/", "//srv", "/a//b/./c"])
def test_expanded_is_what_pathlib_spells(monkeypatch: pytest.MonkeyPatch, home: str) -> None:
    monkeypatch.setenv("HOME", home)
    got = [_or_error(paths.expanded, t) for t in TEXTS]
    assert got == [_or_error(lambda t: str(Path(t).expanduser()), t) for t in TEXTS]


@pytest.mark.parametrize(
    ("name", "temps"),
    [
        ("vault.json", [".vault.json.0a1b2c3d4e5f.tmp"]),
        ("vault.json", [".vault.json..tmp"]),
        ("vault.json", [".vault.json.tmp", "vault.json.0a1b.tmp", ".vault.json.0a1b.tmpx"]),
        ("v[1].json", [".v1.json.0a1b.tmp"]),  # another vault's: a glob would read "[1]"
        ("v[1].json", [".v[1].json.0a1b.tmp"]),
        ("a*b.json", [".aXb.json.0a1b.tmp"]),
    ],
)
@pytest.mark.parametrize("where", ["beside", "backups"])
def test_stale_temps_are_found_exactly_where_they_are_removed(
    tmp_path: Path, name: str, temps: list[str], where: str
) -> None:
    vault = tmp_path / name
    folder = tmp_path if where == "beside" else tmp_path / "backups"
    folder.mkdir(exist_ok=True)
    for temp in temps:
        (folder / temp).write_bytes(b"")
    before = {p.name for p in folder.iterdir()}
    found = has_stale_temps(str(vault))
    remove_stale_temps(vault)
    assert found == ({p.name for p in folder.iterdir()} != before)


@pytest.mark.parametrize(
    ("name", "others"),
    [
        ("v[1].json", ".v1.json.0a1b.tmp"),
        ("a*b.json", ".aXb.json.0a1b.tmp"),
        ("a?.json", ".ab.json.1.tmp"),
    ],
)
def test_another_vaults_temp_file_is_left_alone(tmp_path: Path, name: str, others: str) -> None:
    """A vault whose name holds glob characters takes only its own temp files."""
    ours = tmp_path / f".{name}.0a1b.tmp"
    for temp in (ours, tmp_path / others):
        temp.write_bytes(b"")
    remove_stale_temps(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [others]


def test_kept_versions_are_listed_oldest_first_and_only_this_vaults(tmp_path: Path) -> None:
    vault = tmp_path / "vault.json"
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in ["vault.json.20.bak", "vault.json.3.bak", "other.json.1.bak", "vault.json.x.bak"]:
        (backups / name).write_bytes(b"")
    assert [p.name for p in list_backups(vault)] == ["vault.json.3.bak", "vault.json.20.bak"]
