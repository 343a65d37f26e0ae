"""2FAS Authenticator backups (`.2fas`), plain and encrypted.

Format, from 2FAS's Android source (BackupContent, BackupService, BackupCipher):
`{"services": [...], "groups": [...], "schemaVersion": 4, ...}`. A service has
`name` (the service, our issuer), `secret` (base32), `groupId`, and `otp`
{account, label, issuer, digits, period, algorithm, counter, tokenType
TOTP|HOTP|STEAM}.

Encrypted backups keep `services` empty and put `servicesEncrypted` and
`reference` beside it, each "base64(ciphertext+tag):base64(salt):base64(iv)":
AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations, 256
bits). `reference` decrypts to a fixed string, which tells a wrong password
apart from damaged services.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers import ciphers, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    as_object,
    build_spec,
    convert_entries,
    entry_label,
    load_json,
    names_by_id,
    parse_algorithm,
    sniff_json,
    sub_object,
    text,
    whole,
)

TITLE = "2FAS"
PBKDF2_ITERATIONS = 10_000
_KINDS = {"TOTP": OtpKind.TOTP, "HOTP": OtpKind.HOTP, "STEAM": OtpKind.STEAM}


@dataclass(frozen=True, slots=True)
class Sealed:
    """One "ciphertext+tag:salt:iv" value."""

    ciphertext: bytes
    salt: bytes
    iv: bytes

    @classmethod
    def parse(cls, value: str, what: str) -> Sealed:
        parts = value.split(":")
        if len(parts) != 3:
            raise CorruptFile(TITLE, f"{what} does not have three parts")
        try:
            ciphertext, salt, iv = (base64.b64decode(p, validate=True) for p in parts)
        except (binascii.Error, ValueError):
            raise CorruptFile(TITLE, f"{what} is not valid base64") from None
        if len(ciphertext) <= 16 or not salt or not iv:
            raise CorruptFile(TITLE, f"{what} is too short")
        return cls(ciphertext, salt, iv)


def _key(password: str, salt: bytes) -> bytes:
    return kdf.derive(TITLE, kdf.Pbkdf2(kdf.Hash.SHA256, PBKDF2_ITERATIONS, salt), password)


def _open(key: bytes, sealed: Sealed) -> bytes | None:
    return ciphers.aes_gcm_open(key, sealed.iv, sealed.ciphertext)


@dataclass(frozen=True, slots=True)
class TwoFasEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    services: Sealed
    reference: Sealed | None
    groups: dict[str, str]

    def decrypt(self, password: str) -> ImportState:
        key = _key(password, self.services.salt)
        reference_ok = False
        if self.reference is not None:
            ref_key = key if self.reference.salt == self.services.salt else None
            ref_key = ref_key or _key(password, self.reference.salt)
            if _open(ref_key, self.reference) is None:
                raise WrongPassword(TITLE)
            reference_ok = True
        plain = _open(key, self.services)
        if plain is None:
            if reference_ok:
                raise CorruptFile(TITLE, "the password is right but the services are damaged")
            raise WrongPassword(TITLE)
        services = load_json(plain, TITLE)
        if not isinstance(services, list):
            raise CorruptFile(TITLE, "the decrypted services are not a list")
        return TwoFasPlain(tuple(services), self.groups)


def _service(raw: object, groups: dict[str, str]) -> ImportedAccount:
    service = as_object(raw)
    otp = sub_object(service, "otp")
    token_type = text(otp, "tokenType", "TOTP").upper()
    kind = _KINDS.get(token_type)
    if kind is None:
        raise EntryProblem(f"unknown token type {token_type!r}")
    # `name` is the service name shown in 2FAS; `otp.issuer` is what the QR code said.
    issuer = text(service, "name").strip() or text(otp, "issuer")
    spec = build_spec(
        issuer=issuer,
        name=text(otp, "account") or text(otp, "label"),
        kind=kind,
        secret=text(service, "secret"),
        algorithm=parse_algorithm(text(otp, "algorithm", "SHA1") or "SHA1"),
        digits=whole(otp, "digits", 6),
        period=whole(otp, "period", 30),
        counter=whole(otp, "counter", 0),
    )
    return ImportedAccount(spec, group=groups.get(text(service, "groupId"), ""))


def _label(number: int, raw: object) -> str:
    if not isinstance(raw, dict):
        return entry_label(number)
    otp = raw.get("otp")
    account = otp.get("account") if isinstance(otp, dict) else None
    return entry_label(number, raw.get("name"), account)


@dataclass(frozen=True, slots=True)
class TwoFasPlain(ImportState):
    services: tuple[object, ...]
    groups: dict[str, str]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.services,
            lambda s: _service(s, self.groups),
            _label,
        )


class TwoFasImporter:
    name = "2fas"
    title = TITLE
    description = "2FAS Authenticator backup (.2fas, plain or encrypted)"
    where = "Settings → 2FAS Backup → Export to file (.2fas, optionally with a password)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        return isinstance(doc, dict) and "schemaVersion" in doc and "services" in doc

    def read(self, data: bytes) -> ImportState:
        doc = load_json(data, TITLE)
        if not isinstance(doc, dict) or "services" not in doc:
            raise CorruptFile(TITLE, "it has no 'services'")
        groups = names_by_id(doc, "groups")
        encrypted = doc.get("servicesEncrypted")
        if isinstance(encrypted, str) and encrypted:
            reference = doc.get("reference")
            return TwoFasEncrypted(
                Sealed.parse(encrypted, "servicesEncrypted"),
                Sealed.parse(reference, "reference") if isinstance(reference, str) else None,
                groups,
            )
        services = doc["services"]
        if not isinstance(services, list):
            raise CorruptFile(TITLE, "'services' is not a list")
        return TwoFasPlain(tuple(services), groups)
