"""otpauth:// and otpauth-migration:// texts, from a text file or from QR codes.

Both the plain-text importer and the QR image importer produce a
`UriTextsState`; the import session merges those of several files into one
before converting, so the parts of one Google Authenticator export can come
from several images (or lines). A part that is missing refuses the whole
import and names the part: nothing is half-imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core import migration
from desktop_2fa.core import uri as otpauth
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.importers.base import EntryError, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, IncompleteExport, TooManyEntries
from desktop_2fa.importers.fields import MAX_ENTRIES

GOOGLE = "Google Authenticator export"


@dataclass(frozen=True, slots=True)
class UriText:
    label: str  # where it came from: "line 3", "QR code 2"; never the text itself
    text: str


@dataclass(frozen=True, slots=True)
class UriTextsState(ImportState):
    items: tuple[UriText, ...]

    def relabelled(self, source: str) -> UriTextsState:
        return UriTextsState(tuple(UriText(f"{source}, {i.label}", i.text) for i in self.items))

    def __add__(self, other: UriTextsState) -> UriTextsState:
        return UriTextsState(self.items + other.items)

    def convert(self) -> ImportResult:
        """Raises:
        IncompleteExport: a Google Authenticator export lacks parts (they are named).
        CorruptFile: a part is damaged or absurd, or the parts contradict each other.
        """
        entries: list[ImportedAccount] = []
        errors: list[EntryError] = []
        payloads: list[migration.MigrationPayload] = []
        for item in self.items:
            value = item.text.strip()
            if migration.is_migration_uri(value):
                try:
                    payloads.append(migration.parse_uri(value))
                except migration.InvalidMigration as e:
                    # A damaged part spoils the export it belongs to, like a
                    # missing one: refused whole, in one line (issue 9).
                    raise CorruptFile(GOOGLE, f"{item.label}: {e}") from e
            elif value.lower().startswith("otpauth://"):
                try:
                    entries.append(ImportedAccount(otpauth.parse(value)))
                except InvalidUri as e:
                    errors.append(EntryError(item.label, str(e)))
            else:
                errors.append(EntryError(item.label, "it is not an otpauth:// URI"))
        if payloads:
            try:
                ordered = migration.assemble(payloads)
            except migration.MissingMigrationParts as e:
                raise IncompleteExport(str(e)) from e
            except migration.InvalidMigration as e:
                raise CorruptFile(GOOGLE, str(e)) from e
            for payload in ordered:
                for params in payload.otp_parameters:
                    try:
                        entries.append(ImportedAccount(migration.to_account(params)))
                    except migration.UnsupportedMigrationEntry as e:
                        errors.append(EntryError(params.label, str(e)))
        return ImportResult(tuple(entries), tuple(errors))


# What str.splitlines() breaks lines on: counted before splitting, so a file of
# millions of short lines is refused before each becomes a string and an entry.
_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
MAX_LINES = 10 * MAX_ENTRIES  # room for comments and blank lines


class TooManyLines(ValueError):
    """More lines than any list of accounts has."""


def _lines(data: bytes) -> list[str] | None:
    """The text's lines; None when it is not UTF-8.

    Raises:
        TooManyLines: more than `MAX_LINES` lines.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if sum(text.count(b) for b in _LINE_BREAKS) >= MAX_LINES:
        raise TooManyLines(f"it has more than {MAX_LINES:,} lines, more than any list of accounts")
    return text.splitlines()


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


class OtpauthListImporter:
    name = "otpauth"
    title = "otpauth:// list"
    description = "text file of otpauth:// URIs, one per line (# comments allowed)"
    where = "any app that lists otpauth:// URIs (Authenticator Pro, WinAuth, Ente plain text...)"

    def sniff(self, data: bytes, filename: str) -> bool:
        lines = _lines(data[:65536])  # at most 64 Ki lines: always under MAX_LINES
        first = next((line.strip() for line in lines or [] if _meaningful(line)), "")
        return first.lower().startswith("otpauth")

    def read(self, data: bytes) -> ImportState:
        try:
            lines = _lines(data)
        except TooManyLines as e:
            raise CorruptFile(self.title, str(e)) from e
        if lines is None:
            raise CorruptFile(self.title, "it is not UTF-8 text")
        # A text that merely mentions otpauth (a README, a web page) is not a
        # list of URIs: at least one line must be one, or the file is refused
        # as a whole instead of reporting every line as a bad entry.
        if not any(line.strip().lower().startswith("otpauth") for line in lines):
            raise CorruptFile(self.title, "no line starts with otpauth://")
        items = tuple(
            UriText(f"line {number}", line)
            for number, line in enumerate(lines, start=1)
            if _meaningful(line)
        )
        if len(items) > MAX_ENTRIES:
            raise TooManyEntries(MAX_ENTRIES)
        return UriTextsState(items)
