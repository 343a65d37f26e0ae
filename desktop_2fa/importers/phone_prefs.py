"""Battle.net Authenticator, Duo Mobile and TOTP Authenticator: files from their apps.

Facts from Aegis's importers for the same files (BattleNetImporter,
DuoImporter, TotpAuthenticatorImporter):

* Battle.net (com.blizzard.messenger), `shared_prefs/com.blizzard.messenger.
  authenticator_preferences.xml`: `...AUTHENTICATOR_DEVICE_SECRET` and
  `...AUTHENTICATOR_SERIAL`, each hex of the value XORed with a fixed mask
  the app ships (`MASK` below). The secret is hex; codes are 8-digit
  30-second TOTP, SHA-1. The account is named by its serial.
* Duo Mobile, `files/duokit/accounts.json`: a JSON list of accounts with
  `name` and `otpGenerator` {`otpSecret` (base32), `counter` (HOTP; absent
  for TOTP)}. Duo's own push accounts hold no secret there.
* TOTP Authenticator (Binary Boot): its backup file is base64 of AES-256-CBC
  (PKCS#7, IV of zeros) under SHA-256(password); when the user set no
  password the app uses "TotpAuthenticator". It decrypts to a JSON object
  whose first key is the JSON text of a list of objects `{"base": 16|32|64,
  "key", "name", "issuer", "digits", "period"}` (an object given as a JSON
  string is read too): TOTP with SHA-1; digits and period are strings, empty
  for 6 and 30, and an issuer "Unknown" means none (Stratum's
  TotpAuthenticatorBackupConverter reads them so). The app's own
  `shared_prefs/TOTP_Authenticator_Preferences.xml` keeps the same list in
  `STATIC_TOTP_CODES_LIST`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers import android_prefs, ciphers, fields
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    as_object,
    build_spec,
    convert_entries,
    entry_base64,
    entry_label,
    item_label,
    load_json,
    sniff_json,
    sub_object,
    text,
    whole,
)

BATTLENET = "Battle.net Authenticator"
DUO = "Duo Mobile"
TOTP_AUTH = "TOTP Authenticator"
BNET_SECRET = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET"  # noqa: S105 - a key name
BNET_SERIAL = "com.blizzard.messenger.AUTHENTICATOR_SERIAL"
MASK = bytes.fromhex(
    "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6"
    "c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a"
)
TOTP_AUTH_DEFAULT_PASSWORD = "TotpAuthenticator"  # noqa: S105 - the app's own, documented
TOTP_AUTH_PREF = "STATIC_TOTP_CODES_LIST"
TOTP_AUTH_NO_ISSUER = "Unknown"  # what the app writes for an account without one


# --- Battle.net ------------------------------------------------------------------------


def _unmask(value: str) -> str:
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise EntryProblem("a masked value is not hexadecimal") from None
    if len(raw) > len(MASK):
        raise EntryProblem("a masked value is longer than the mask")
    return bytes(b ^ m for b, m in zip(raw, MASK, strict=False)).decode("latin-1")


@dataclass(frozen=True, slots=True)
class BattleNetPlain(ImportState):
    secret: str
    serial: str

    def _account(self, _: object) -> ImportedAccount:
        try:
            secret = bytes.fromhex(_unmask(self.secret))
        except ValueError:
            raise EntryProblem("the unmasked secret is not hexadecimal") from None
        serial = _unmask(self.serial) if self.serial else ""
        spec = build_spec(
            issuer="Battle.net", name=serial, kind=OtpKind.TOTP, secret=secret, digits=8
        )
        return ImportedAccount(spec)

    def convert(self) -> ImportResult:
        return convert_entries((None,), self._account, lambda n, _: entry_label(n, "Battle.net"))


class BattleNetImporter:
    name = "battlenet"
    title = BATTLENET
    description = "Battle.net Authenticator's preferences file (rooted phone)"
    where = (
        "/data/data/com.blizzard.messenger/shared_prefs/"
        "com.blizzard.messenger.authenticator_preferences.xml on a rooted phone"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        return android_prefs.looks_like_prefs(data) and BNET_SECRET.encode() in data

    def read(self, data: bytes) -> ImportState:
        strings = android_prefs.read_strings(data, BATTLENET)
        if BNET_SECRET not in strings:
            raise CorruptFile(BATTLENET, "it holds no authenticator secret")
        return BattleNetPlain(strings[BNET_SECRET].strip(), strings.get(BNET_SERIAL, "").strip())


# --- Duo ---------------------------------------------------------------------------------


def _duo_account(raw: object) -> ImportedAccount:
    account = as_object(raw)
    generator = sub_object(account, "otpGenerator")
    hotp = "counter" in generator
    spec = build_spec(
        issuer=text(account, "name"),
        name="",
        kind=OtpKind.HOTP if hotp else OtpKind.TOTP,
        secret=text(generator, "otpSecret"),
        counter=whole(generator, "counter", 0),
    )
    return ImportedAccount(spec)


@dataclass(frozen=True, slots=True)
class DuoPlain(ImportState):
    accounts: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.accounts, _duo_account, lambda n, a: item_label(n, a, "name", "-")
        )


class DuoImporter:
    name = "duo"
    title = DUO
    description = "Duo Mobile's accounts.json (third-party accounts, rooted phone)"
    where = (
        "/data/data/com.duosecurity.duomobile/files/duokit/accounts.json on a "
        "rooted phone (Duo's encrypted restore backups are not documented)"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        return isinstance(doc, list) and any(
            isinstance(a, dict) and "otpGenerator" in a for a in doc
        )

    def read(self, data: bytes) -> ImportState:
        doc = load_json(data, DUO)
        if not isinstance(doc, list):
            raise CorruptFile(DUO, "it is not a list of accounts")
        return DuoPlain(tuple(doc))


# --- TOTP Authenticator ------------------------------------------------------------------


def _totp_auth_entry(raw: object) -> ImportedAccount:
    if isinstance(raw, str):  # an entry given as the JSON text of an object
        try:
            raw = fields.loads(raw)
        except (ValueError, RecursionError):
            raise EntryProblem("it is not JSON") from None
    entry = as_object(raw)
    base, key = whole(entry, "base", 32), text(entry, "key")
    secret: str | bytes
    if base == 16:
        try:
            secret = bytes.fromhex(key)
        except ValueError:
            raise EntryProblem("key is not hexadecimal") from None
    elif base == 32:
        secret = key
    elif base == 64:
        secret = entry_base64(key, "key")
    else:
        raise EntryProblem(f"unknown secret encoding base {base}")
    issuer, name = text(entry, "issuer"), text(entry, "name")
    if issuer == TOTP_AUTH_NO_ISSUER:
        issuer, name = name, ""
    spec = build_spec(
        issuer=issuer,
        name=name,
        kind=OtpKind.TOTP,
        secret=secret,
        digits=_totp_auth_number(entry, "digits", 6),
        period=_totp_auth_number(entry, "period", 30),
    )
    return ImportedAccount(spec)


def _totp_auth_number(entry: JsonObject, key: str, default: int) -> int:
    """`digits` and `period` are strings ("8", "60"), empty for the app's default."""
    value = entry.get(key)
    if isinstance(value, str):
        if not value.strip():
            return default
        if not value.strip().isdigit() or len(value.strip()) > 6:
            raise EntryProblem(f"'{key}' is not a whole number")
        return int(value)
    return whole(entry, key, default)


def _totp_auth_label(number: int, raw: object) -> str:
    if isinstance(raw, str):
        try:
            raw = fields.loads(raw)
        except (ValueError, RecursionError):
            return entry_label(number)
    return item_label(number, raw, "issuer", "name")


@dataclass(frozen=True, slots=True)
class TotpAuthPlain(ImportState):
    entries: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.entries, _totp_auth_entry, _totp_auth_label)


def _entries_from_list_text(value: str) -> TotpAuthPlain:
    try:
        entries = fields.loads(value)
    except (ValueError, RecursionError) as e:
        raise CorruptFile(TOTP_AUTH, "the list of codes is not JSON") from e
    if not isinstance(entries, list):
        raise CorruptFile(TOTP_AUTH, "the list of codes is not a list")
    return TotpAuthPlain(tuple(entries))


@dataclass(frozen=True, slots=True)
class TotpAuthEncrypted(EncryptedState):
    title: ClassVar[str] = TOTP_AUTH
    ciphertext: bytes

    def decrypt(self, password: str) -> ImportState:
        # Not a KDF: one SHA-256, as the app does; nothing in the file sets a cost.
        plain = None
        for candidate in dict.fromkeys((password, TOTP_AUTH_DEFAULT_PASSWORD)):
            key = hashlib.sha256(candidate.encode("utf-8")).digest()
            plain = ciphers.aes_cbc_open(key, bytes(16), self.ciphertext)
            if plain is not None and plain.lstrip().startswith(b"{"):
                break
            plain = None
        if plain is None:
            raise WrongPassword(TOTP_AUTH)
        doc = load_json(plain, TOTP_AUTH)
        if not isinstance(doc, dict) or not doc:
            raise CorruptFile(TOTP_AUTH, "the decrypted contents hold no list of codes")
        return _entries_from_list_text(next(iter(doc)))


class TotpAuthenticatorImporter:
    name = "totp-authenticator"
    title = TOTP_AUTH
    description = "TOTP Authenticator backup (encrypted; its default password is tried too)"
    where = (
        "Settings → Backup → Backup to file (.encrypt); or "
        "shared_prefs/TOTP_Authenticator_Preferences.xml from a rooted phone"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        return android_prefs.looks_like_prefs(data) and TOTP_AUTH_PREF.encode() in data

    def read(self, data: bytes) -> ImportState:
        if android_prefs.looks_like_prefs(data):
            strings = android_prefs.read_strings(data, TOTP_AUTH)
            if TOTP_AUTH_PREF not in strings:
                raise CorruptFile(TOTP_AUTH, f"it has no {TOTP_AUTH_PREF}")
            return _entries_from_list_text(strings[TOTP_AUTH_PREF])
        try:
            ciphertext = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            raise CorruptFile(TOTP_AUTH, "it is not base64 text") from None
        if not ciphertext or len(ciphertext) % 16:
            raise CorruptFile(TOTP_AUTH, "the encrypted contents have a bad length")
        return TotpAuthEncrypted(ciphertext)
