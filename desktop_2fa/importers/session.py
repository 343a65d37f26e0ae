"""One import as a user does it: several files, passwords, then the vault.

    result = import_files(files, format_name=None, password=ask)
    outcome = vault.apply_with(lambda data: add_imported(data, result.entries, now))

Files are read and decrypted first; any file-level problem stops everything
(the error names the file) before the vault is touched. QR images and text
files are merged so that a Google Authenticator export spread over several
files is reassembled, or refused as a whole with its missing parts named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop_2fa.importers import registry
from desktop_2fa.importers.base import EntryError, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import (
    CorruptFile,
    FileTooLarge,
    ImportFailed,
    WrongFormat,
    WrongPassword,
)
from desktop_2fa.importers.uri_texts import UriTextsState
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import Account, VaultData

MAX_FILE_BYTES = 32 * 2**20  # exports are kilobytes; photos of QR codes a few MB

# (file name, format title) -> password
PasswordSource = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str
    data: bytes


def _read(file: SourceFile, format_name: str | None) -> ImportState:
    if len(file.data) > MAX_FILE_BYTES:
        raise FileTooLarge(len(file.data), MAX_FILE_BYTES)
    if format_name is None:
        return registry.guess_format(file.data, file.name).read(file.data)
    importer = registry.by_name(format_name)
    try:
        return importer.read(file.data)
    except CorruptFile as e:
        actual = registry.sniffed(file.data, file.name)
        if actual is not None and actual.name != importer.name:
            raise WrongFormat(importer.title, actual.title, actual.name) from e
        raise


def _open(
    file: SourceFile, format_name: str | None, password: PasswordSource, attempts: int
) -> ImportState:
    state = _read(file, format_name)
    if not state.encrypted:
        return state
    title = getattr(state, "title", "encrypted")
    for attempt in range(1, max(attempts, 1) + 1):
        try:
            return state.decrypt(password(file.name, title))
        except WrongPassword:
            if attempt >= attempts:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _relabel(errors: Iterable[EntryError], source: str) -> tuple[EntryError, ...]:
    return tuple(EntryError(f"{source}, {e.label}", e.reason) for e in errors)


def import_files(
    files: Sequence[SourceFile],
    *,
    format_name: str | None = None,
    password: PasswordSource,
    attempts: int = 1,
) -> ImportResult:
    """Read, decrypt and convert every file into one result.

    Args:
        format_name: an importer name from the registry, or None to guess per file.
        password: asked for each encrypted file; `attempts` times on a wrong password.

    Raises:
        ImportFailed: a leaf naming the file (its `source`) and the problem.
    """
    several = len(files) > 1
    result = ImportResult()
    texts = UriTextsState(())
    for file in files:
        try:
            state = _open(file, format_name, password, attempts)
            if isinstance(state, UriTextsState):
                texts += state.relabelled(file.name) if several else state
                continue
            converted = state.convert()
        except ImportFailed as e:
            e.source = e.source or file.name
            raise
        errors = _relabel(converted.errors, file.name) if several else converted.errors
        result += ImportResult(converted.entries, errors)
    if texts.items:
        try:
            result += texts.convert()
        except ImportFailed as e:
            if not several:
                e.source = e.source or files[0].name
            raise
    return result


@dataclass(frozen=True, slots=True)
class AddOutcome:
    added: tuple[Account, ...]
    duplicates: tuple[ImportedAccount, ...]


def add_imported(
    data: VaultData, entries: Iterable[ImportedAccount], now: datetime
) -> tuple[VaultData, AddOutcome]:
    """Add the accounts not already in the vault (same kind and secret: `find_duplicate`).

    A secret given twice in the same import also counts as a duplicate once.
    """
    items = tuple(entries)
    drafts = (edits.Draft(e.spec, e.note, e.group, e.favourite) for e in items)
    data, added, skipped = edits.add_accounts(data, drafts, now)
    return data, AddOutcome(added, tuple(items[i] for i in skipped))
