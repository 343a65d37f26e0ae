"""andOTP plain JSON backups (`otp_accounts.json`).

Format, from andOTP's Database/Entry.java: a JSON list of entries with
`secret` (base32, padded with '=' by commons-codec), `issuer`, `label` (the
account name), `digits`, `type` TOTP|HOTP|STEAM, `algorithm`, `period` (TOTP
and Steam), `counter` (HOTP), `tags`, plus display fields we ignore. Old
backups have no `issuer`.

Encrypted backups (`.json.aes`), from andOTP's BackupHelper and
EncryptionHelper: the current format is iterations (4 bytes, big-endian),
salt (12), nonce (12), then AES-256-GCM ciphertext and tag, with the key
PBKDF2-HMAC-SHA1(password, salt, iterations; andOTP picks 140,000-160,000).
The older format is nonce (12) and AES-256-GCM under SHA-256(password).
Nothing in the file says which: the current one is tried first, then the
older (cheap) one.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers import ciphers, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, TruncatedFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    as_object,
    build_spec,
    convert_entries,
    item_label,
    load_json,
    parse_algorithm,
    sniff_json,
    text,
    whole,
)

TITLE = "andOTP"
_KINDS = {"TOTP": OtpKind.TOTP, "HOTP": OtpKind.HOTP, "STEAM": OtpKind.STEAM}


def _entry(raw: object) -> ImportedAccount:
    entry = as_object(raw)
    type_name = text(entry, "type", "TOTP").upper()
    kind = _KINDS.get(type_name)
    if kind is None:
        raise EntryProblem(f"unknown type {type_name!r}")
    tags = entry.get("tags")
    first_tag = (
        next((t for t in tags if isinstance(t, str) and t), "") if isinstance(tags, list) else ""
    )
    spec = build_spec(
        issuer=text(entry, "issuer"),
        name=text(entry, "label"),
        kind=kind,
        secret=text(entry, "secret"),
        algorithm=parse_algorithm(text(entry, "algorithm", "SHA1")),
        digits=whole(entry, "digits", 6),
        period=whole(entry, "period", 30),
        counter=whole(entry, "counter", 0),
    )
    # andOTP tags are many per entry; our vault has one group, so the first tag.
    return ImportedAccount(spec, group=first_tag)


@dataclass(frozen=True, slots=True)
class AndOtpPlain(ImportState):
    entries: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.entries, _entry, lambda n, e: item_label(n, e, "issuer", "label")
        )


NONCE_BYTES = 12
SALT_BYTES = 12
TAG_BYTES = 16


def _plain(data: bytes) -> AndOtpPlain:
    doc = load_json(data, TITLE)
    if not isinstance(doc, list):
        raise CorruptFile(TITLE, "it is not a list of entries")
    return AndOtpPlain(tuple(doc))


@dataclass(frozen=True, slots=True)
class AndOtpEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    data: bytes

    def _current(self, password: str) -> bytes | None:
        (iterations,) = struct.unpack(">I", self.data[:4])
        body = self.data[4 + SALT_BYTES :]
        if not 1 <= iterations <= kdf.PBKDF2_MAX_ITERATIONS or len(body) < NONCE_BYTES + TAG_BYTES:
            return None  # not the current format (or not one andOTP writes): no work spent
        salt = self.data[4 : 4 + SALT_BYTES]
        key = kdf.derive(TITLE, kdf.Pbkdf2(kdf.Hash.SHA1, iterations, salt), password)
        return ciphers.aes_gcm_open(key, body[:NONCE_BYTES], body[NONCE_BYTES:])

    def _older(self, password: str) -> bytes | None:
        # The old format's key is one SHA-256 of the password (andOTP before 0.6.3).
        key = hashlib.sha256(password.encode("utf-8")).digest()
        return ciphers.aes_gcm_open(key, self.data[:NONCE_BYTES], self.data[NONCE_BYTES:])

    def decrypt(self, password: str) -> ImportState:
        plain = self._current(password)
        if plain is None:
            plain = self._older(password)
        if plain is None:
            raise WrongPassword(TITLE)
        return _plain(plain)


def _is_text(data: bytes) -> bool:
    """A plain backup: starts like JSON text and is UTF-8. An old encrypted backup starts
    with a random nonce, which starts like JSON for about 1 file in 37; its bytes after
    that are not UTF-8 (a few hundred random bytes never are)."""
    if data[:1] not in (b"[", b"{", b" ", b"\n", b"\r", b"\t", b"\xef"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class AndOtpImporter:
    name = "andotp"
    title = TITLE
    description = "andOTP backup (.json plain, or .json.aes encrypted with a password)"
    where = (
        "Menu → Backups → Backup (plain) or Backup (encrypted); files "
        "otp_accounts*.json or *.json.aes"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        if not isinstance(doc, list):
            return False
        return all(isinstance(e, dict) and "secret" in e and "type" in e for e in doc)

    def read(self, data: bytes) -> ImportState:
        if _is_text(data):
            return _plain(data)
        # andOTP marks nothing in an encrypted backup: anything else is taken as one.
        if len(data) < NONCE_BYTES + TAG_BYTES + 1:
            raise TruncatedFile(TITLE)
        return AndOtpEncrypted(data)
