"""The shape every exporter has: accounts in, named files (bytes) out, plus what was left out.

An account the target format cannot hold is listed in `skipped` with the
reason; it is never silently changed to fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop_2fa.vault.model import Account


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # a file name (no folders); ignored for single-file formats
    data: bytes

    def __repr__(self) -> str:  # the bytes hold secrets
        return f"ExportFile(name={self.name!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class Skipped:
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ExportResult:
    files: tuple[ExportFile, ...]
    exported: int
    skipped: tuple[Skipped, ...] = ()


class Exporter(Protocol):
    """One target format. Instances are listed in `registry.EXPORTERS`."""

    @property
    def name(self) -> str:
        """Short id for --format ("aegis")."""

    @property
    def title(self) -> str:
        """How the format is named to users."""

    @property
    def description(self) -> str:
        """One line for help texts and the export dialog."""

    @property
    def multi_file(self) -> bool:
        """True when the output is a folder of files (one QR image per account...)."""

    @property
    def needs_password(self) -> bool:
        """True when `export` encrypts and needs a password."""

    @property
    def plain_secrets(self) -> bool:
        """True when the output holds secrets unencrypted (the user must be warned)."""

    def export(self, accounts: Sequence[Account], password: str | None = None) -> ExportResult:
        """Raises:
        NothingToExport: no account can be written in this format.
        ExportPasswordRequired: `needs_password` and no password was given.
        """
