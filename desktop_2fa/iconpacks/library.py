"""The installed icon packs: a folder of normalised archives, one per pack (`<uuid>.zip`).

    library = IconLibrary(folder)
    library.install(Path("aegis-icons.zip").read_bytes(), "aegis-icons.zip")
    found = library.match("GitHub")          # an IconRef, or None
    data = library.read(found)               # the icon's bytes

Nothing is fetched from the network: a pack is a file the user chose. Packs
hold public logos, not secrets; the folder sits next to the vault. Installing
a pack with the uuid of an installed one replaces it (a newer version).
Installing and removing use the durable write (temp file, fsync, replace).
"""

from __future__ import annotations

import contextlib
import uuid as uuidlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from desktop_2fa.iconpacks.errors import IconPackError, NotAnIconPack
from desktop_2fa.iconpacks.pack import (
    MAX_PACK_BYTES,
    PACK_JSON,
    IconPack,
    PackIcon,
    parse_definition,
    read_pack,
    write_pack,
)
from desktop_2fa.vault.durable import replace_durably, write_lock


@dataclass(frozen=True, slots=True)
class IconRef:
    """One icon of one installed pack."""

    pack: IconPack
    icon: PackIcon

    @property
    def key(self) -> tuple[str, str]:
        return (self.pack.uuid, self.icon.filename)


class IconLibrary:
    """Installed packs, read once (`load`) and indexed by issuer."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.packs: tuple[IconPack, ...] = ()
        self.problems: tuple[str, ...] = ()  # packs on disk that could not be read
        self._exact: dict[str, IconRef] = {}

    def _path(self, pack_uuid: str) -> Path:
        return self.folder / f"{pack_uuid}.zip"

    # --- reading ---------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read every installed pack's definition; unreadable ones become `problems`."""
        packs, problems = [], []
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.zip")):
                try:
                    packs.append(self._definition(path))
                except (IconPackError, OSError, zipfile.BadZipFile) as e:
                    problems.append(f"{path.name}: {e}")
        packs.sort(key=lambda p: (p.name.casefold(), p.uuid))
        self.packs = tuple(packs)
        self.problems = tuple(problems)
        exact: dict[str, IconRef] = {}
        for pack in self.packs:  # the first pack (by name) wins an issuer
            for icon in pack.icons:
                for issuer in icon.issuers:
                    exact.setdefault(issuer, IconRef(pack, icon))
        self._exact = exact

    @staticmethod
    def _definition(path: Path) -> IconPack:
        with zipfile.ZipFile(path) as archive, archive.open(PACK_JSON) as member:
            raw = member.read(MAX_PACK_BYTES)
        return parse_definition(raw, path.name)

    def match(self, issuer: str) -> IconRef | None:
        """The icon whose issuer list names `issuer`, ignoring case."""
        return self._exact.get(issuer.strip().casefold()) if issuer else None

    def suggestions(self, issuer: str, limit: int = 48) -> list[IconRef]:
        """Icons for `issuer`: exact matches first, then Aegis's either-contains rule."""
        every = [IconRef(pack, icon) for pack in self.packs for icon in pack.icons]
        exact = [ref for ref in every if ref.icon.matches(issuer)]
        loose = [
            ref for ref in every if not ref.icon.matches(issuer) and ref.icon.suggested_for(issuer)
        ]
        return (exact + loose)[:limit]

    def search(self, text: str, limit: int = 200) -> list[IconRef]:
        """Icons whose name, category or issuers contain `text` (the picker's filter)."""
        wanted = text.strip().casefold()
        found = []
        for pack in self.packs:
            for icon in pack.icons:
                hay = (icon.name.casefold(), icon.category.casefold(), *icon.issuers)
                if not wanted or any(wanted in h for h in hay):
                    found.append(IconRef(pack, icon))
                    if len(found) >= limit:
                        return found
        return found

    def read(self, ref: IconRef) -> bytes:
        """The icon's bytes (bounded: the archive was normalised when installed).

        Raises:
            NotAnIconPack: the pack file changed or went away since `load`.
        """
        try:
            with (
                zipfile.ZipFile(self._path(ref.pack.uuid)) as archive,
                archive.open(ref.icon.filename) as member,
            ):
                return member.read(MAX_PACK_BYTES)
        except (OSError, KeyError, zipfile.BadZipFile) as e:
            raise NotAnIconPack(ref.pack.name, "its file changed since it was installed") from e

    # --- changing --------------------------------------------------------------------
    def install(self, data: bytes, name: str = "the file") -> IconPack:
        """Check and install a pack (replacing an older version of it); returns it.

        Raises:
            NotAnIconPack, IconPackTooLarge: nothing was installed.
            OSError: the folder cannot be written.
        """
        pack, files = read_pack(data, name)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self._path(pack.uuid)
        with write_lock(path):
            replace_durably(path, write_pack(pack, files), keep=0)
        self.load()
        return pack

    def remove(self, pack_uuid: str) -> None:
        """Uninstall a pack; accounts that chose one of its icons keep their copy."""
        path = self._path(str(uuidlib.UUID(pack_uuid)))  # never a path of the caller's making
        with write_lock(path), contextlib.suppress(FileNotFoundError):
            path.unlink()
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f".{path.name}.lock").unlink()
        self.load()
