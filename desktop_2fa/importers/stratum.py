"""Authenticator Pro (now Stratum) backups: plain JSON, encrypted (current and legacy),
and the app's internal database.

Format, from Authenticator Pro's docs (doc/BACKUP_FORMAT.md) and backup code:

* Plain `.authpro`/`.json`: `{"Authenticators": [{"Type", "Issuer", "Username",
  "Secret" (base32), "Algorithm" 0|1|2 = SHA-1|256|512, "Digits", "Period",
  "Counter"...}], "Categories": [{"Id", "Name"}], "AuthenticatorCategories":
  [{"CategoryId", "AuthenticatorSecret"}]}`. Type 1 HOTP, 2 TOTP, 3 mOTP,
  4 Steam, 5 Yandex.
* Encrypted, current: "AUTHENTICATORPRO", salt (16), IV (12), then AES-256-GCM
  ciphertext and tag; the key is Argon2id (3 passes, 64 MiB, 4 lanes),
  fixed in the app.
* Encrypted, legacy: "AuthenticatorPro", salt (20), IV (16), then AES-256-CBC
  (PKCS#7); the key is PBKDF2-HMAC-SHA1 with 64,000 iterations.
* Internal database (`authenticator.db3` from a rooted phone): tables
  `authenticator` (same columns, lower case), `category` and
  `authenticatorcategory`.

The first category an authenticator is in becomes its group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import Algorithm, OtpKind
from desktop_2fa.importers import app_database, ciphers, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, TruncatedFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    build_spec,
    convert_entries,
    entry_label,
    load_json,
    require_object,
    sniff_json,
)

TITLE = "Authenticator Pro"
HEADER = b"AUTHENTICATORPRO"
LEGACY_HEADER = b"AuthenticatorPro"
_KINDS = {1: OtpKind.HOTP, 2: OtpKind.TOTP, 4: OtpKind.STEAM}
_UNSUPPORTED = {3: "Mobile-OTP is not supported", 5: "Yandex codes are not supported"}
_ALGORITHMS = (Algorithm.SHA1, Algorithm.SHA256, Algorithm.SHA512)

# One authenticator, with its keys in lower case (the JSON's are capitalised).
Row = Mapping[str, object]


def _lowered(raw: object) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise EntryProblem("it is not a JSON object")
    return {str(k).lower(): v for k, v in raw.items()}


def _int(row: Row, key: str, default: int) -> int:
    value = row.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise EntryProblem(f"'{key}' is not a whole number")
    return value


def _str(row: Row, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EntryProblem(f"'{key}' is not text")
    return value


def _authenticator(row: Row, groups: Mapping[str, str]) -> ImportedAccount:
    type_id = _int(row, "type", 2)
    if type_id in _UNSUPPORTED:
        raise EntryProblem(_UNSUPPORTED[type_id])
    kind = _KINDS.get(type_id)
    if kind is None:
        raise EntryProblem(f"unknown type {type_id}")
    algorithm = _int(row, "algorithm", 0)
    if not 0 <= algorithm < len(_ALGORITHMS):
        raise EntryProblem(f"unknown algorithm {algorithm}")
    secret = _str(row, "secret")
    spec = build_spec(
        issuer=_str(row, "issuer"),
        name=_str(row, "username"),
        kind=kind,
        secret=secret,
        algorithm=_ALGORITHMS[algorithm],
        digits=_int(row, "digits", 6),
        period=_int(row, "period", 30),
        counter=_int(row, "counter", 0),
    )
    return ImportedAccount(spec, group=groups.get(secret, ""))


def _label(number: int, raw: object) -> str:
    if not isinstance(raw, dict):
        return entry_label(number)
    row = {str(k).lower(): v for k, v in raw.items()}
    return entry_label(number, row.get("issuer"), row.get("username"))


def _groups(categories: list[object], links: list[object]) -> dict[str, str]:
    """secret -> name of the first category it is in (by the link's ranking)."""
    names: dict[str, str] = {}
    for raw in categories:
        row = _lowered(raw) if isinstance(raw, dict) else {}
        ident, name = row.get("id"), row.get("name")
        if isinstance(ident, str) and isinstance(name, str):
            names[ident] = name
    ranked = []
    for raw in links:
        row = _lowered(raw) if isinstance(raw, dict) else {}
        secret, category = row.get("authenticatorsecret"), row.get("categoryid")
        rank = row.get("ranking")
        if isinstance(secret, str) and isinstance(category, str) and category in names:
            ranked.append((rank if isinstance(rank, int) else 0, secret, names[category]))
    found: dict[str, str] = {}
    for _, secret, name in sorted(ranked, key=lambda t: t[0]):
        found.setdefault(secret, name)
    return found


@dataclass(frozen=True, slots=True)
class StratumPlain(ImportState):
    rows: tuple[object, ...]
    groups: dict[str, str]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.rows, lambda r: _authenticator(_lowered(r), self.groups), _label
        )


def _from_json(doc: object) -> StratumPlain:
    obj = require_object(doc, TITLE)
    authenticators = obj.get("Authenticators")
    if not isinstance(authenticators, list):
        raise CorruptFile(TITLE, "it has no list of Authenticators")
    categories, links = obj.get("Categories"), obj.get("AuthenticatorCategories")
    groups = _groups(
        categories if isinstance(categories, list) else [], links if isinstance(links, list) else []
    )
    return StratumPlain(tuple(authenticators), groups)


@dataclass(frozen=True, slots=True)
class StratumEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    legacy: bool
    salt: bytes
    iv: bytes
    payload: bytes

    def decrypt(self, password: str) -> ImportState:
        if self.legacy:
            key = kdf.derive(TITLE, kdf.Pbkdf2(kdf.Hash.SHA1, 64_000, self.salt), password)
            plain = ciphers.aes_cbc_open(key, self.iv, self.payload)
        else:
            params = kdf.Argon2id(memory_kib=64 * 1024, passes=3, lanes=4, salt=self.salt)
            plain = ciphers.aes_gcm_open(kdf.derive(TITLE, params, password), self.iv, self.payload)
        if plain is None:
            raise WrongPassword(TITLE)
        try:
            return _from_json(load_json(plain, TITLE))
        except CorruptFile:
            if self.legacy:  # CBC padding passes by chance for 1 key in 256: not JSON = wrong key
                raise WrongPassword(TITLE) from None
            raise


def _read_encrypted(data: bytes) -> StratumEncrypted:
    legacy = data.startswith(LEGACY_HEADER)
    salt_size, iv_size = (20, 16) if legacy else (16, 12)
    start = len(HEADER)
    body = data[start + salt_size + iv_size :]
    if not body:
        raise TruncatedFile(TITLE)
    salt, iv = (
        data[start : start + salt_size],
        data[start + salt_size : start + salt_size + iv_size],
    )
    return StratumEncrypted(legacy, salt, iv, body)


def _from_database(data: bytes) -> StratumPlain:
    tables = app_database.read_tables(
        data, TITLE, ("authenticator", "category", "authenticatorcategory"), "authenticator"
    )
    rows = tables["authenticator"]
    groups = _groups(
        list(tables.get("category", [])), list(tables.get("authenticatorcategory", []))
    )
    return StratumPlain(tuple(rows), groups)


class StratumImporter:
    name = "authenticator-pro"
    title = TITLE
    description = (
        "Authenticator Pro / Stratum backup (.authpro plain or encrypted, also legacy) or its "
        "authenticator.db3"
    )
    where = (
        "Menu → Backup → Backup to file (with or without a "
        "password); the database is /data/data/<app>/files/authenticator.db3 on a rooted phone"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        if data.startswith((HEADER, LEGACY_HEADER)):
            return True
        if app_database.is_sqlite(data):
            return b"authenticatorcategory" in data.lower()[: 1 << 16]
        doc = sniff_json(data)
        return isinstance(doc, dict) and isinstance(doc.get("Authenticators"), list)

    def read(self, data: bytes) -> ImportState:
        if data.startswith((HEADER, LEGACY_HEADER)):
            return _read_encrypted(data)
        if app_database.is_sqlite(data):
            return _from_database(data)
        return _from_json(load_json(data, TITLE))
