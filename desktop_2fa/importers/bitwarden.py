"""Bitwarden unencrypted JSON exports, of the password manager and of Bitwarden Authenticator.

Both are `{"encrypted": false, "items": [...]}`. Password manager items are
logins (type 1) whose `login.totp` holds an otpauth:// URI, a bare base32
secret, or `steam://SECRET`; the item's `name` is the site and
`login.username` the account. Bitwarden Authenticator writes the same shape
(its ExportJsonData), with `name` = issuer and `login.totp` an otpauth:// URI
or `steam://SECRET`. Encrypted exports are refused with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from desktop_2fa.core import uri as otpauth
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    build_spec,
    convert_entries,
    entry_label,
    flag,
    load_json,
    names_by_id,
    sniff_json,
    text,
)

TITLE = "Bitwarden"
LOGIN = 1  # Bitwarden CipherType.Login
STEAM_PREFIX = "steam://"


def _parse_uri(value: str, site: str, username: str) -> AccountSpec:
    try:
        return otpauth.parse(value)
    except InvalidUri as e:
        if e.part != "label" or not (site.strip() or username.strip()):
            raise EntryProblem(str(e)) from e
    # Bitwarden users often paste "otpauth://totp/?secret=...": the item names the account.
    parts = urlsplit(value)
    label = ":".join(quote(t.strip(), safe="") for t in (site, username) if t.strip())
    try:
        return otpauth.parse(urlunsplit((parts.scheme, parts.netloc, "/" + label, parts.query, "")))
    except InvalidUri as e:
        raise EntryProblem(str(e)) from e


def _spec_from_totp(totp: str, site: str, username: str) -> ImportedAccount:
    value = totp.strip()
    if value.lower().startswith("otpauth://"):
        spec = _parse_uri(value, site, username)
        issuer, name = spec.issuer or site.strip(), spec.name or username.strip()
        return ImportedAccount(AccountSpec(issuer=issuer, name=name, params=spec.params))
    if value.lower().startswith(STEAM_PREFIX):
        secret, kind = value[len(STEAM_PREFIX) :], OtpKind.STEAM
    else:
        secret, kind = value, OtpKind.TOTP  # a bare secret: Bitwarden's defaults
    return ImportedAccount(build_spec(issuer=site, name=username, kind=kind, secret=secret))


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


class BitwardenImporter:
    name = "bitwarden"
    title = TITLE
    description = "Bitwarden or Bitwarden Authenticator unencrypted export (.json)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        return isinstance(doc, dict) and "items" in doc and "encrypted" in doc

    def read(self, data: bytes) -> ImportState:
        doc = load_json(data, TITLE)
        if not isinstance(doc, dict):
            raise CorruptFile(TITLE, "it is not a JSON object")
        if doc.get("encrypted") is True:
            raise UnsupportedFile(
                "this Bitwarden export is encrypted; export again choosing the "
                "unencrypted .json format, import it, then delete that file"
            )
        items = doc.get("items")
        if not isinstance(items, list):
            raise CorruptFile(TITLE, "it has no list of items")
        with_totp = tuple(i for i in items if _has_totp(i) and isinstance(i, dict))
        return BitwardenPlain(with_totp, names_by_id(doc, "folders"))
