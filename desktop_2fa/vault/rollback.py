"""Noticing that an older copy of a vault came back (issue 9, item 3).

Every save carries a generation number inside the authenticated contents
(`payload.Stamp`). This module remembers, outside the vault and without
anything secret, the highest generation opened (or saved) for each vault id:

    {"format": "desktop-2fa-generations", "version": 1,
     "vaults": {"<vault id>": <highest generation>}}

in `generations.json` under the user's state folder
(`$DESKTOP_2FA_STATE_DIR`, else `$XDG_STATE_HOME/desktop-2fa`, else
`~/.local/state/desktop-2fa` on Linux and the platform's equivalent
elsewhere). It is not next to the vault on purpose: whoever copies an old
backup over the vault, or a sync tool that does, does not copy this along.

The file is small and read on every unlock (including `desktop-2fa code`),
so it is read with a hard size cap and only written when a number goes up.
A damaged or missing file forgets, it never blocks: it is a warning device,
and someone who can write the user's files can also delete it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_2fa.vault import paths
from desktop_2fa.vault.durable import write_lock, write_private_file
from desktop_2fa.vault.header import open_to_read
from desktop_2fa.vault.payload import MAX_GENERATION

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from pathlib import Path

    from desktop_2fa.vault.versions import KeptVersion

STATE_DIR_ENV = "DESKTOP_2FA_STATE_DIR"
FILENAME = "generations.json"
FORMAT_NAME = "desktop-2fa-generations"
MAX_BYTES = 256 * 1024
MAX_VAULTS = 1000  # the oldest entries go first beyond this


def default_state_dir() -> Path:
    """`$DESKTOP_2FA_STATE_DIR`, else the platform's per-user state folder."""
    return paths.as_path(_state_location())


def _state_location() -> str:
    """`default_state_dir` as a string: `desktop-2fa code` reads it on every run (`paths.py`)."""
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return paths.expanded(explicit)
    platform = sys.platform  # a variable: mypy would drop the other branch otherwise
    if platform.startswith("linux"):
        # What platformdirs answers on Linux (XDG Base Directory spec), without
        # importing it.
        xdg = os.environ.get("XDG_STATE_HOME", "")
        base = paths.normal(xdg) if os.path.isabs(xdg) else paths.expanded("~/.local/state")
        return os.path.join(base, "desktop-2fa")
    from platformdirs import user_state_path

    return str(user_state_path("desktop-2fa", appauthor=False))


@dataclass(frozen=True, slots=True)
class RollbackStatus:
    """The vault just opened is older than one opened before on this computer.

    Attributes:
        opened: the generation of the vault that was opened.
        highest_seen: the highest generation of this vault opened or saved before.
        newest_kept: the kept version with the highest generation, if any opens.
    """

    opened: int
    highest_seen: int
    newest_kept: KeptVersion | None


class SeenGenerations:
    """The remembered highest generation per vault id, in one small JSON file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.location = paths.normal(path)  # as `VaultFile.location`
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = paths.as_path(self.location)
        return self._path

    @classmethod
    def default(cls) -> SeenGenerations:
        return cls(os.path.join(_state_location(), FILENAME))

    def _read(self) -> dict[str, int]:
        try:
            with open_to_read(self.location) as f:  # a FIFO there would hang every unlock
                raw = f.read(MAX_BYTES + 1)
        except OSError:
            return {}
        if len(raw) > MAX_BYTES:
            return {}
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
            return {}
        vaults = obj.get("vaults")
        if not isinstance(vaults, Mapping):
            return {}
        # A number no save can reach is damage: "Keep this one" would save one above
        # it, past what a vault may hold, and the vault would no longer open.
        return {
            k: v
            for k, v in vaults.items()
            if isinstance(k, str)
            and isinstance(v, int)
            and not isinstance(v, bool)
            and 0 <= v < MAX_GENERATION
        }

    def highest(self, vault_id: str) -> int | None:
        """The highest generation remembered for `vault_id`, or None."""
        return self._read().get(vault_id)

    def record(self, vault_id: str, generation: int) -> None:
        """Remember `generation` if it is above what is remembered (never lowers it).

        Best effort: a state folder that cannot be written only loses the warning.
        """
        known = self.highest(vault_id)
        if known is not None and known >= generation:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with write_lock(self.path):
                vaults = self._read()
                if vaults.get(vault_id, -1) >= generation:
                    return
                vaults.pop(vault_id, None)
                vaults[vault_id] = generation  # last written last: pruning drops the oldest
                while len(vaults) > MAX_VAULTS:
                    vaults.pop(next(iter(vaults)))
                body = {"format": FORMAT_NAME, "version": 1, "vaults": vaults}
                write_private_file(self.path, json.dumps(body, indent=1).encode() + b"\n")
