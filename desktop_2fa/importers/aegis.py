"""Aegis Authenticator vault exports (`aegis-export-*.json`), plain and encrypted.

Format, from Aegis's docs/vault.md: `{"version": 1, "header": {"slots", "params"},
"db"}`. Plain: `slots` and `params` are null and `db` is an object. Encrypted:
`db` is base64 of AES-256-GCM ciphertext under a random master key; each
password slot (type 1) holds that key wrapped with AES-256-GCM under
scrypt(password, salt, N, r, p), nonce and tag hex-encoded beside it. Aegis
authenticates only the slots and the contents, not the rest of the header.

Contents: `{"version": 1..3, "entries": [...], "groups": [...]}`; an entry has
type totp/hotp/steam (also yandex and motp, which we cannot use), uuid, name,
issuer, note, favorite, `info` {secret (base32), algo, digits, period|counter},
and groups (version 3: uuids into `groups`; version 2: a `group` name).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import Algorithm, OtpKind
from desktop_2fa.importers import ciphers, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    as_object,
    build_spec,
    convert_entries,
    flag,
    item_label,
    load_json,
    names_by_id,
    parse_algorithm,
    sniff_json,
    sub_object,
    text,
    whole,
)

TITLE = "Aegis"
FILE_VERSION = 1
MAX_DB_VERSION = 3
PASSWORD_SLOT = 1
_KINDS = {"totp": OtpKind.TOTP, "hotp": OtpKind.HOTP, "steam": OtpKind.STEAM}
_UNSUPPORTED_KINDS = {"yandex": "Yandex codes are not supported", "motp": "mOTP is not supported"}


@dataclass(frozen=True, slots=True)
class PasswordSlot:
    key: bytes  # the wrapped master key (ciphertext)
    nonce: bytes
    tag: bytes
    salt: bytes
    n: int
    r: int
    p: int

    @property
    def scrypt(self) -> kdf.Scrypt:
        return kdf.Scrypt(n=self.n, r=self.r, p=self.p, salt=self.salt)


def _hex(value: object, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise CorruptFile(TITLE, f"the header's {what} is missing")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise CorruptFile(TITLE, f"the header's {what} is not hexadecimal") from None
    if size is not None and len(raw) != size:
        raise CorruptFile(TITLE, f"the header's {what} has {len(raw)} bytes, not {size}")
    return raw


def _number(obj: JsonObject, key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CorruptFile(TITLE, f"the slot's scrypt parameter {key} is missing")
    return value


def _crypt_params(value: object, what: str) -> tuple[bytes, bytes]:
    if not isinstance(value, dict):
        raise CorruptFile(TITLE, f"the header's {what} is missing")
    return _hex(value.get("nonce"), f"{what} nonce", 12), _hex(value.get("tag"), f"{what} tag", 16)


def _password_slot(raw: JsonObject) -> PasswordSlot:
    nonce, tag = _crypt_params(raw.get("key_params"), "slot key_params")
    slot = PasswordSlot(
        key=_hex(raw.get("key"), "slot key", 32),
        nonce=nonce,
        tag=tag,
        salt=_hex(raw.get("salt"), "slot salt"),
        n=_number(raw, "n"),
        r=_number(raw, "r"),
        p=_number(raw, "p"),
    )
    kdf.check(TITLE, slot.scrypt)  # before any derivation: absurd costs are refused here
    return slot


@dataclass(frozen=True, slots=True)
class AegisEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    slots: tuple[PasswordSlot, ...]
    nonce: bytes
    tag: bytes
    ciphertext: bytes

    def _master_key(self, password: str) -> bytes:
        for slot in self.slots:
            key = kdf.derive(TITLE, slot.scrypt, password)
            master = ciphers.aes_gcm_open(key, slot.nonce, slot.key + slot.tag)
            if master is not None:
                return master
        raise WrongPassword(TITLE)

    def decrypt(self, password: str) -> ImportState:
        master = self._master_key(password)
        plain = ciphers.aes_gcm_open(master, self.nonce, self.ciphertext + self.tag)
        if plain is None:
            raise CorruptFile(TITLE, "the password is right but the contents are damaged")
        return AegisPlain(load_json(plain, TITLE))


def _group_of(entry: JsonObject, groups: dict[str, str]) -> str:
    uuids = entry.get("groups")
    if isinstance(uuids, list):  # version 3: uuids; our vault keeps one group per account
        names = [groups[u] for u in uuids if isinstance(u, str) and u in groups]
        return names[0] if names else ""
    return text(entry, "group")  # version 1-2: the group's name


def _entry(raw: object, groups: dict[str, str]) -> ImportedAccount:
    entry = as_object(raw)
    type_name = text(entry, "type").lower()
    if type_name in _UNSUPPORTED_KINDS:
        raise EntryProblem(_UNSUPPORTED_KINDS[type_name])
    kind = _KINDS.get(type_name)
    if kind is None:
        raise EntryProblem(f"unknown type {type_name!r}")
    info = sub_object(entry, "info")
    algo = text(info, "algo", "SHA1")
    spec = build_spec(
        issuer=text(entry, "issuer"),
        name=text(entry, "name"),
        kind=kind,
        secret=text(info, "secret"),
        algorithm=Algorithm.SHA1 if kind is OtpKind.STEAM else parse_algorithm(algo),
        digits=whole(info, "digits", 6),
        period=whole(info, "period", 30),
        counter=whole(info, "counter", 0),
    )
    return ImportedAccount(
        spec,
        note=text(entry, "note"),
        group=_group_of(entry, groups),
        favourite=flag(entry, "favorite"),
    )


@dataclass(frozen=True, slots=True)
class AegisPlain(ImportState):
    db: object

    def convert(self) -> ImportResult:
        if not isinstance(self.db, dict):
            raise CorruptFile(TITLE, "the contents are not a JSON object")
        version = self.db.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > MAX_DB_VERSION:
            raise UnsupportedFile(
                f"this Aegis export uses contents version {version}, newer than "
                f"desktop-2fa understands (up to {MAX_DB_VERSION})"
            )
        entries = self.db.get("entries")
        if not isinstance(entries, list):
            raise CorruptFile(TITLE, "the contents have no list of entries")
        groups = names_by_id(self.db, "groups", "uuid")
        return convert_entries(
            entries,
            lambda e: _entry(e, groups),
            lambda n, e: item_label(n, e, "issuer", "name"),
        )


def _read_encrypted(header: JsonObject, db: str) -> AegisEncrypted:
    slots_raw = header.get("slots")
    if not isinstance(slots_raw, list):
        raise CorruptFile(TITLE, "the header has no key slots")
    raw_password_slots = [
        s for s in slots_raw if isinstance(s, dict) and s.get("type") == PASSWORD_SLOT
    ]
    # Each slot costs one scrypt run: a file with more slots than Aegis writes is refused
    # before any of them is tried (issue 9: 60 slots took 44 s).
    kdf.check_slots(TITLE, len(raw_password_slots))
    slots = tuple(_password_slot(s) for s in raw_password_slots)
    if not slots:
        raise UnsupportedFile(
            "this Aegis file can only be opened with biometrics; export it again with a password"
        )
    nonce, tag = _crypt_params(header.get("params"), "params")
    try:
        ciphertext = base64.b64decode(db, validate=True)
    except (binascii.Error, ValueError):
        raise CorruptFile(TITLE, "the encrypted contents are not valid base64") from None
    return AegisEncrypted(slots, nonce, tag, ciphertext)


class AegisImporter:
    name = "aegis"
    title = TITLE
    description = "Aegis Authenticator export (.json, plain or encrypted)"
    where = "Settings → Import & Export → Export (aegis-export-*.json or aegis-backup-*.json)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        return isinstance(doc, dict) and "header" in doc and "db" in doc

    def read(self, data: bytes) -> ImportState:
        doc = load_json(data, TITLE)
        if not isinstance(doc, dict) or "db" not in doc or "header" not in doc:
            raise CorruptFile(TITLE, "it has no 'header' and 'db'")
        version = doc.get("version")
        if version != FILE_VERSION:
            raise UnsupportedFile(
                f"this Aegis file has version {version!r}; desktop-2fa reads version {FILE_VERSION}"
            )
        header, db = doc["header"], doc["db"]
        if not isinstance(header, dict):
            raise CorruptFile(TITLE, "the header is not a JSON object")
        if isinstance(db, str):
            return _read_encrypted(header, db)
        if header.get("slots") is not None:
            raise CorruptFile(TITLE, "the header has key slots but the contents are not encrypted")
        return AegisPlain(db)
