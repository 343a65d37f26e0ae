"""Icon packs in Aegis's format: reading, matching, installing, and hostile archives."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from desktop_2fa.iconpacks.errors import IconPackTooLarge, NotAnIconPack
from desktop_2fa.iconpacks.library import IconLibrary
from desktop_2fa.iconpacks.pack import MAX_ICONS, MAX_UNPACKED_BYTES, read_pack
from desktop_2fa.vault.model import MAX_ICON_BYTES
from tests.iconpacks.conftest import PACK_UUID, PNG, SVG, make_pack


def test_a_pack_is_read_and_only_its_icons_are_kept() -> None:
    pack, files = read_pack(make_pack(), "pack.zip")
    assert (pack.uuid, pack.name, pack.version) == (PACK_UUID, "Test Pack", 1)
    assert [i.name for i in pack.icons] == ["GitHub", "Google"]
    assert set(files) == {"services/GitHub.svg", "services/Google.png"}  # README ignored
    assert pack.icons[1].mime == "image/png" and files["services/Google.png"] == PNG


def test_issuers_match_ignoring_case_and_suggestions_follow_aegis(tmp_path: Path) -> None:
    library = IconLibrary(tmp_path / "icon-packs")
    library.install(make_pack(), "pack.zip")
    assert library.match("GITHUB") is not None
    assert library.match("gmail").icon.name == "Google"
    assert library.match("GitHub Enterprise") is None  # exact only for automatic icons
    assert [r.icon.name for r in library.suggestions("GitHub Enterprise")] == ["GitHub"]
    assert [r.icon.name for r in library.suggestions("Git")] == ["GitHub"]
    assert library.suggestions("") == []
    ref = library.match("github")
    assert library.read(ref) == SVG
    assert [r.icon.name for r in library.search("serv")] == ["Google"]


def test_install_replaces_an_older_version_and_remove_uninstalls(tmp_path: Path) -> None:
    folder = tmp_path / "icon-packs"
    library = IconLibrary(folder)
    library.install(make_pack(), "v1.zip")
    newer = make_pack(
        [{"name": "GitLab", "filename": "GitLab.svg", "category": "", "issuer": ["gitlab"]}],
        {"GitLab.svg": SVG},
        version=2,
    )
    library.install(newer, "v2.zip")
    assert [(p.version, len(p.icons)) for p in library.packs] == [(2, 1)]
    assert list(folder.glob("*.zip")) == [folder / f"{PACK_UUID}.zip"]
    assert (folder / f"{PACK_UUID}.zip").stat().st_mode & 0o777 == 0o600
    again = IconLibrary(folder)
    again.load()
    assert again.match("gitlab") is not None and again.match("github") is None
    again.remove(PACK_UUID)
    assert again.packs == () and again.match("gitlab") is None
    assert list(folder.glob("*.zip")) == []


def test_an_unreadable_installed_pack_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "icon-packs"
    folder.mkdir()
    (folder / "broken.zip").write_bytes(b"not a zip")
    library = IconLibrary(folder)
    library.load()
    assert library.packs == () and len(library.problems) == 1


def _member(name: str, body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"plain text", "not a .zip archive"),
        (_member("other.json", b"{}"), "no pack.json"),
        (_member("pack.json", b"{nope"), "not JSON"),
        (_member("pack.json", b"[1, 2]"), "not an object"),
        (_member("pack.json", json.dumps({"uuid": "x", "version": 1, "icons": []}).encode()),
         "uuid"),
        (make_pack([{"filename": "../../etc/passwd.png", "issuer": ["x"]}], {}), "outside"),
        (make_pack([{"filename": "a.png", "issuer": "github"}], {"a.png": PNG}), "issuer"),
        (make_pack([{"filename": "a.png", "issuer": ["a"]}], {}), "none of its icons"),
        (make_pack([{"filename": "a.png", "issuer": ["a"]}], {"a.png": SVG}), "none of its icons"),
    ],
)  # fmt: skip
def test_what_is_not_a_pack_is_refused_in_one_sentence(data: bytes, words: str) -> None:
    with pytest.raises(NotAnIconPack, match=words) as caught:
        read_pack(data, "upload.zip")
    assert str(caught.value).startswith(
        "No icon pack in Aegis's format could be read from upload.zip"
    )


def test_bounds_on_hostile_archives() -> None:
    # an icon whose inflated size is beyond the limit is left out, not read whole
    huge = b"<svg>" + b"0" * (MAX_ICON_BYTES * 40)
    pack, files = read_pack(
        make_pack(
            [
                {"filename": "big.svg", "issuer": ["big"]},
                {"filename": "ok.svg", "issuer": ["ok"]},
            ],
            {"big.svg": huge, "ok.svg": SVG},
        )
    )
    assert [i.filename for i in pack.icons] == ["ok.svg"] and set(files) == {"ok.svg"}
    too_many = [{"filename": f"{i}.svg", "issuer": [str(i)]} for i in range(MAX_ICONS + 1)]
    with pytest.raises(IconPackTooLarge, match="icons"):
        read_pack(make_pack(too_many, {}))


def test_names_lose_control_characters() -> None:
    icons = [
        {"name": "Git\x1b[31mHub\u202e", "filename": "g.svg", "category": "a\rb",
         "issuer": ["Git\nHub"]},
    ]  # fmt: skip
    pack, _ = read_pack(make_pack(icons, {"g.svg": SVG}, name="Evil\x07 Pack"))
    icon = pack.icons[0]
    assert (pack.name, icon.name, icon.category, icon.issuers) == (
        "Evil Pack", "Git[31mHub", "ab", ("github",),
    )  # fmt: skip


def test_icons_that_unpack_to_gigabytes_are_refused_in_bounded_memory() -> None:
    """Each icon under the per-icon limit, but thousands of them: a 1.5 MB archive of
    4,000 such icons made the app hold 1 GB (20,000 would be 5 GB)."""
    import tracemalloc

    body = b"<svg>" + b" " * (MAX_ICON_BYTES - 5)  # compresses to a few hundred bytes
    count = MAX_UNPACKED_BYTES // MAX_ICON_BYTES + 8
    icons = [{"filename": f"{i}.svg", "issuer": [f"x{i}"]} for i in range(count)]
    data = make_pack(icons, {f"{i}.svg": body for i in range(count)})
    assert len(data) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(IconPackTooLarge, match="unpacked"):
            read_pack(data, "bomb.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_UNPACKED_BYTES + 16 * MAX_ICON_BYTES + len(data) * 4
