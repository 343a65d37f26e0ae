"""Read an icon pack in Aegis's documented format, with a bound on the work it can cause.

An icon pack is a .zip with a `pack.json` at its root::

    {"uuid": "...", "name": "...", "version": 1,
     "icons": [{"name": "Google", "filename": "services/Google.png",
                "category": "Services", "issuer": ["google"]}, ...]}

Only `pack.json` and the files it names are read; everything else in the
archive is ignored (Aegis, docs/iconpacks.md). SVG, PNG and JPEG icons are
accepted. Icons are matched to an account's issuer case-insensitively; Aegis
suggests an icon when either name contains the other.

The archive comes from anywhere, so its size, its number of icons, every
icon's size (read with a bounded read, whatever the zip header claims), the
icons' size together and the length of every name are capped; names lose
control characters.
"""

from __future__ import annotations

import io
import json
import re
import uuid as uuidlib
import zipfile
from dataclasses import dataclass
from typing import Any

from desktop_2fa.iconpacks.errors import IconPackTooLarge, NotAnIconPack
from desktop_2fa.vault.model import MAX_ICON_BYTES

MAX_PACK_BYTES = 64 * 1024 * 1024  # the aegis-icons pack is about 5 MB
MAX_JSON_BYTES = 4 * 1024 * 1024
# All icons together, unpacked: each is bounded, but thousands of small-compressing
# ones would otherwise fill gigabytes (the aegis-icons pack unpacks to a few MB).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ICONS = 20_000
MAX_TEXT = 200  # characters of a name, category or issuer
PACK_JSON = "pack.json"

_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
# C0/C1 controls and the bidirectional overrides (a name must not reorder a line).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """A name from the pack as it may be shown: no control characters, bounded."""
    return _UNSAFE.sub("", str(text)).strip()[:MAX_TEXT]


def mime_of(filename: str) -> str | None:
    dot = filename.rfind(".")
    return _MIME.get(filename[dot:].lower()) if dot >= 0 else None


def looks_like(mime: str, data: bytes) -> bool:
    """The bytes are what the file name says (a PNG named .svg is not drawn as SVG)."""
    if mime == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if mime == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff")
    return b"<svg" in data[:4096]


@dataclass(frozen=True, slots=True)
class PackIcon:
    name: str
    filename: str  # inside the archive
    category: str
    issuers: tuple[str, ...]  # casefolded

    @property
    def mime(self) -> str:
        return mime_of(self.filename) or "application/octet-stream"

    def matches(self, issuer: str) -> bool:
        """One of the icon's issuers is `issuer`, ignoring case."""
        wanted = issuer.strip().casefold()
        return bool(wanted) and wanted in self.issuers

    def suggested_for(self, issuer: str) -> bool:
        """Aegis's rule for suggestions: either name contains the other, ignoring case."""
        wanted = issuer.strip().casefold()
        return bool(wanted) and any(i in wanted or wanted in i for i in self.issuers if i)


@dataclass(frozen=True, slots=True)
class IconPack:
    uuid: str
    name: str
    version: int
    icons: tuple[PackIcon, ...]


def _text(value: Any, field: str, name: str) -> str:
    if not isinstance(value, str):
        raise NotAnIconPack(name, f"pack.json: {field} is not text")
    return clean(value)


def _icon(entry: Any, name: str) -> PackIcon | None:
    """One icon definition, or None for one this app cannot use (an unknown image type)."""
    if not isinstance(entry, dict):
        raise NotAnIconPack(name, "pack.json: an icon is not an object")
    filename = entry.get("filename")
    if not isinstance(filename, str) or not filename or len(filename) > 1024:
        raise NotAnIconPack(name, "pack.json: an icon has no filename")
    if filename.startswith("/") or ".." in filename.split("/"):
        raise NotAnIconPack(name, f"pack.json: {clean(filename)!r} points outside the archive")
    if mime_of(filename) is None:
        return None
    issuers = entry.get("issuer", [])
    if not isinstance(issuers, list) or not all(isinstance(i, str) for i in issuers):
        raise NotAnIconPack(name, "pack.json: an icon's issuer is not a list of names")
    category = entry.get("category")
    shown = entry.get("name")
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return PackIcon(
        name=clean(shown) if isinstance(shown, str) and shown else clean(stem),
        filename=filename,
        category=clean(category) if isinstance(category, str) else "",
        issuers=tuple(clean(i).casefold() for i in issuers[:50]),
    )


def parse_definition(raw: bytes, name: str) -> IconPack:
    """`pack.json` as an `IconPack`.

    Raises:
        NotAnIconPack: not JSON, or a field is missing or of the wrong kind.
    """
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise NotAnIconPack(name, "pack.json is not JSON") from e
    if not isinstance(doc, dict):
        raise NotAnIconPack(name, "pack.json is not an object")
    try:
        pack_id = str(uuidlib.UUID(str(doc.get("uuid"))))
    except ValueError as e:
        raise NotAnIconPack(name, "pack.json: the uuid is missing or malformed") from e
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise NotAnIconPack(name, "pack.json: the version is not a whole number")
    icons = doc.get("icons")
    if not isinstance(icons, list):
        raise NotAnIconPack(name, "pack.json: there is no list of icons")
    if len(icons) > MAX_ICONS:
        raise IconPackTooLarge(name, f"{len(icons)} icons", f"{MAX_ICONS} icons")
    parsed = tuple(icon for entry in icons if (icon := _icon(entry, name)) is not None)
    return IconPack(pack_id, _text(doc.get("name"), "name", name) or name, version, parsed)


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None when it is larger than `limit` (checked while reading)."""
    if info.file_size > limit:
        return None
    with archive.open(info) as member:
        data = member.read(limit + 1)
    return None if len(data) > limit else data


def read_pack(data: bytes, name: str = "the file") -> tuple[IconPack, dict[str, bytes]]:
    """The pack and the bytes of each usable icon (by file name inside the archive).

    Icons whose file is missing, too large or not the image its name says are
    left out of the returned pack; a pack with no usable icon is refused.

    Raises:
        NotAnIconPack, IconPackTooLarge
    """
    if len(data) > MAX_PACK_BYTES:
        raise IconPackTooLarge(name, f"{len(data) // (1024 * 1024)} MB", "64 MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise NotAnIconPack(name, "not a .zip archive") from e
    try:
        with archive:
            try:
                info = archive.getinfo(PACK_JSON)
            except KeyError as e:
                raise NotAnIconPack(name, "there is no pack.json at its root") from e
            raw = _bounded_read(archive, info, MAX_JSON_BYTES)
            if raw is None:
                raise IconPackTooLarge(name, "pack.json", "4 MB")
            pack = parse_definition(raw, name)
            files: dict[str, bytes] = {}
            kept = []
            unpacked = 0
            for icon in pack.icons:
                if icon.filename in files:
                    kept.append(icon)
                    continue
                try:
                    member = archive.getinfo(icon.filename)
                except KeyError:
                    continue
                body = _bounded_read(archive, member, MAX_ICON_BYTES)
                if body is None or not looks_like(icon.mime, body):
                    continue
                unpacked += len(body)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise IconPackTooLarge(name, "its icons unpacked", "64 MB")
                files[icon.filename] = body
                kept.append(icon)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        # damaged members, unsupported compression, encrypted members
        raise NotAnIconPack(name, f"the archive cannot be read: {type(e).__name__}") from e
    if not kept:
        raise NotAnIconPack(name, "none of its icons is an SVG, PNG or JPEG file it holds")
    return IconPack(pack.uuid, pack.name, pack.version, tuple(kept)), files


def write_pack(pack: IconPack, files: dict[str, bytes]) -> bytes:
    """A normalised archive: pack.json and the usable icons only (what gets installed)."""
    definition = {
        "uuid": pack.uuid,
        "name": pack.name,
        "version": pack.version,
        "icons": [
            {
                "name": icon.name,
                "filename": icon.filename,
                "category": icon.category,
                "issuer": list(icon.issuers),
            }
            for icon in pack.icons
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PACK_JSON, json.dumps(definition, ensure_ascii=False))
        for filename, body in files.items():
            archive.writestr(filename, body)
    return buffer.getvalue()
