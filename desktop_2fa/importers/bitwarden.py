"""Bitwarden exports, of the password manager and of Bitwarden Authenticator: JSON, CSV,
and the password-protected encrypted JSON (read in `bitwarden_sealed`).

JSON is `{"encrypted": false, "items": [...]}`. Password manager items are
logins (type 1) whose `login.totp` holds an otpauth:// URI, a bare base32
secret, or `steam://SECRET`; the item's `name` is the site and
`login.username` the account. Bitwarden Authenticator writes the same shape
(its ExportJsonData), with `name` = issuer and `login.totp` an otpauth:// URI
or `steam://SECRET`.

CSV (Bitwarden's individual-vault export, also Bitwarden Authenticator's):
a header row `folder,favorite,type,name,notes,fields,reprompt,login_uri,
login_username,login_password,login_totp`, columns found by name.

The "account restricted" encrypted export is sealed with the Bitwarden
account's own key, which only Bitwarden's servers can give back: refused
with advice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, TooManyEntries
from desktop_2fa.importers.fields import (
    MAX_ENTRIES,
    STEAM_URI_PREFIX,
    EntryProblem,
    JsonObject,
    build_spec,
    convert_entries,
    entry_label,
    flag,
    load_json,
    names_by_id,
    sniff_json,
    spec_from_uri,
    steam_uri_spec,
    text,
)

TITLE = "Bitwarden"
LOGIN = 1  # Bitwarden CipherType.Login


def _spec_from_totp(totp: str, site: str, username: str) -> ImportedAccount:
    value = totp.strip()
    if value.lower().startswith("otpauth://"):
        return ImportedAccount(spec_from_uri(value, site, username))
    if value.lower().startswith(STEAM_URI_PREFIX):
        return ImportedAccount(steam_uri_spec(value, site, username))
    # a bare secret: Bitwarden's defaults
    spec = build_spec(issuer=site, name=username, kind=OtpKind.TOTP, secret=value)
    return ImportedAccount(spec)


def _item(raw: JsonObject, folders: dict[str, str]) -> ImportedAccount:
    login = raw.get("login")
    if not isinstance(login, dict):
        raise EntryProblem("it has no login")
    found = _spec_from_totp(text(login, "totp"), text(raw, "name"), text(login, "username"))
    return ImportedAccount(
        found.spec,
        note=text(raw, "notes"),
        group=folders.get(text(raw, "folderId"), ""),
        favourite=flag(raw, "favorite"),
    )


def _has_totp(item: object) -> bool:
    if not isinstance(item, dict) or item.get("type", LOGIN) != LOGIN:
        return False
    login = item.get("login")
    totp = login.get("totp") if isinstance(login, dict) else None
    return isinstance(totp, str) and bool(totp.strip())


def _label(number: int, item: JsonObject) -> str:
    login = item.get("login")
    username = login.get("username") if isinstance(login, dict) else None
    return entry_label(number, item.get("name"), username)


@dataclass(frozen=True, slots=True)
class BitwardenPlain(ImportState):
    items: tuple[JsonObject, ...]
    folders: dict[str, str]

    def convert(self) -> ImportResult:
        # Items without a TOTP field are passwords, not authenticator accounts: not errors.
        return convert_entries(self.items, lambda i: _item(i, self.folders), _label)


def _csv_totp_rows(data: bytes) -> list[dict[str, str]]:
    """The rows with a login_totp; the others (passwords only) are read and dropped."""
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorruptFile(TITLE, "it is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text_, newline=""))
    rows: list[dict[str, str]] = []
    try:
        if "login_totp" not in (reader.fieldnames or []):
            raise CorruptFile(TITLE, "the CSV has no login_totp column")
        for row in reader:
            if (row.get("login_totp") or "").strip():
                rows.append(row)
                if len(rows) > MAX_ENTRIES:  # before millions of rows become objects
                    raise TooManyEntries(MAX_ENTRIES)
    except csv.Error as e:
        raise CorruptFile(TITLE, f"broken CSV at line {reader.line_num}") from e
    return rows


def _csv_row(row: dict[str, str]) -> ImportedAccount:
    if None in row:  # csv.DictReader puts surplus fields under None
        raise EntryProblem("the row has more fields than the header")
    found = _spec_from_totp(
        row.get("login_totp") or "", row.get("name") or "", row.get("login_username") or ""
    )
    return ImportedAccount(
        found.spec,
        note=row.get("notes") or "",
        group=row.get("folder") or "",
        favourite=(row.get("favorite") or "").strip() == "1",
    )


def _csv_label(number: int, row: dict[str, str]) -> str:
    return entry_label(number, row.get("name"), row.get("login_username"))


@dataclass(frozen=True, slots=True)
class BitwardenCsv(ImportState):
    rows: tuple[dict[str, str], ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.rows, _csv_row, _csv_label)


def _looks_like_csv(data: bytes) -> bool:
    first = data[:4096].lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return b"login_totp" in first and b"name" in first and not first.lstrip().startswith(b"{")


def plain_state(doc: object) -> BitwardenPlain:
    """The items with a TOTP of an unencrypted JSON export (also a decrypted one)."""
    if not isinstance(doc, dict):
        raise CorruptFile(TITLE, "it is not a JSON object")
    items = doc.get("items")
    if not isinstance(items, list):
        raise CorruptFile(TITLE, "it has no list of items")
    with_totp = tuple(i for i in items if _has_totp(i) and isinstance(i, dict))
    return BitwardenPlain(with_totp, names_by_id(doc, "folders"))


class BitwardenImporter:
    name = "bitwarden"
    title = TITLE
    description = (
        "Bitwarden or Bitwarden Authenticator export (.json, .csv, or password-protected .json)"
    )
    where = (
        "Bitwarden: Tools → Export vault (.json, .csv, or .json (Encrypted) with "
        "'Password protected'); Bitwarden Authenticator: Settings → Export"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        if isinstance(doc, dict):
            return "encrypted" in doc and ("items" in doc or "data" in doc)
        return _looks_like_csv(data)

    def read(self, data: bytes) -> ImportState:
        from desktop_2fa.importers import bitwarden_sealed

        if _looks_like_csv(data):
            return BitwardenCsv(tuple(_csv_totp_rows(data)))
        doc = load_json(data, TITLE)
        if isinstance(doc, dict) and doc.get("encrypted") is True:
            return bitwarden_sealed.read_encrypted(doc)
        return plain_state(doc)
