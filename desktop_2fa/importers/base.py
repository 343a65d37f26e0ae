"""The shape every importer has (Aegis's and GNOME Authenticator's, DESIGN.md style 4).

    state = importer.read(data)          # parse; no password yet
    if state.encrypted:
        state = state.decrypt(password)  # WrongPassword, CorruptFile...
    result = state.convert()             # ImportResult(entries, errors)

A bad entry is reported in `errors`, never fatal; a bad file raises an
`ImportFailed` leaf.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar, Protocol

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.importers.errors import PasswordRequired


@dataclass(frozen=True, slots=True)
class ImportedAccount:
    """An account read from another app, with what our vault can keep of its extras."""

    spec: AccountSpec
    note: str = ""
    group: str = ""
    favourite: bool = False

    @property
    def label(self) -> str:
        s = self.spec
        if s.issuer and s.name:
            return f"{s.issuer} ({s.name})"
        return s.issuer or s.name or "(unnamed)"


@dataclass(frozen=True, slots=True)
class EntryError:
    """An entry that could not be taken: which one (never its secret) and why."""

    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    entries: tuple[ImportedAccount, ...] = ()
    errors: tuple[EntryError, ...] = ()

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(self.entries + other.entries, self.errors + other.errors)


class ImportState(abc.ABC):
    """What `read` returns: a parsed file, perhaps still encrypted."""

    __slots__ = ()

    @property
    def encrypted(self) -> bool:
        return False

    def decrypt(self, password: str) -> ImportState:
        """The decrypted state; a plain state is returned unchanged."""
        return self

    @abc.abstractmethod
    def convert(self) -> ImportResult:
        """The accounts, plus the entries that could not be taken.

        Raises:
            ImportFailed: only for problems with the file as a whole.
        """


class EncryptedState(ImportState):
    """A state that needs `decrypt(password)` before it can be converted."""

    __slots__ = ()

    title: ClassVar[str] = "encrypted"

    @property
    def encrypted(self) -> bool:
        return True

    @abc.abstractmethod
    def decrypt(self, password: str) -> ImportState:
        """Raises:
        WrongPassword: the password does not open the file.
        CorruptFile: it opens, but the contents are damaged.
        """

    def convert(self) -> ImportResult:
        raise PasswordRequired(self.title)


class Importer(Protocol):
    """One foreign format. Instances are listed in `registry.IMPORTERS`."""

    @property
    def name(self) -> str:
        """Short id for --format ("aegis")."""

    @property
    def title(self) -> str:
        """How the format is named to users ("Aegis")."""

    @property
    def description(self) -> str:
        """One line for help texts and the import dialog."""

    @property
    def where(self) -> str:
        """One line for the import dialog: where that app puts its export, and how to make it."""

    def sniff(self, data: bytes, filename: str) -> bool:
        """Cheap check used by `guess_format`: does this look like our format?"""

    def read(self, data: bytes) -> ImportState:
        """Parse the file.

        Raises:
            ImportFailed: CorruptFile, TruncatedFile, UnsupportedFile...
        """
