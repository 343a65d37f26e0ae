"""Bitwarden's password-protected encrypted JSON export.

Format, from Bitwarden's SDK (bitwarden-exporters encrypted_json.rs) and its
clients' password-protected importer: `{"encrypted": true,
"passwordProtected": true, "salt", "kdfType", "kdfIterations", "kdfMemory",
"kdfParallelism", "encKeyValidation_DO_NOT_EDIT", "data"}`.

* The key ("PinKey"): kdfType 0 is PBKDF2-HMAC-SHA256(password, salt as
  UTF-8, kdfIterations); kdfType 1 is Argon2id(password, SHA-256(salt),
  kdfIterations passes, kdfMemory MiB, kdfParallelism lanes). Either gives
  32 bytes, stretched with HKDF-Expand-SHA256 into an encryption key (info
  "enc") and a MAC key (info "mac").
* `data` and the validation value are type-2 EncStrings,
  "2.<iv>|<ciphertext>|<mac>" in base64: AES-256-CBC, PKCS#7, and an
  HMAC-SHA256 over IV and ciphertext. The validation value opens with the
  right password only, so a wrong password is told apart from damage.
* `data` decrypts to the unencrypted JSON export.

Bitwarden's defaults: PBKDF2 600,000 iterations; Argon2id 64 MiB, 3
passes, 4 lanes. Its limits: PBKDF2 up to 2,000,000; Argon2id up to
1024 MiB, 10 passes, 16 lanes (the shared ceilings in `kdf` refuse more).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.importers import ciphers, kdf
from desktop_2fa.importers.base import EncryptedState, ImportState
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile, WrongPassword
from desktop_2fa.importers.fields import JsonObject, file_base64, file_number, load_json

TITLE = "Bitwarden"
PBKDF2_SHA256 = 0
ARGON2ID = 1
AES_CBC_256_HMAC_SHA256 = "2"


@dataclass(frozen=True, slots=True)
class EncString:
    iv: bytes
    ciphertext: bytes
    mac: bytes

    @classmethod
    def parse(cls, value: object, what: str) -> EncString:
        if not isinstance(value, str) or "." not in value:
            raise CorruptFile(TITLE, f"{what} is missing")
        kind, _, rest = value.partition(".")
        if kind != AES_CBC_256_HMAC_SHA256:
            raise UnsupportedFile(
                f"this Bitwarden export seals {what} with encryption type {kind[:8]!r}; "
                "desktop-2fa reads type 2 (AES-CBC with HMAC)"
            )
        parts = rest.split("|")
        if len(parts) != 3:
            raise CorruptFile(TITLE, f"{what} does not have three parts")
        iv, ciphertext, mac = (file_base64(p, TITLE, what) for p in parts)
        if len(iv) != 16 or len(mac) != 32:
            raise CorruptFile(TITLE, f"{what} has a bad IV or MAC length")
        return cls(iv, ciphertext, mac)

    def open(self, enc_key: bytes, mac_key: bytes) -> bytes | None:
        if not ciphers.hmac_sha256_ok(mac_key, self.iv + self.ciphertext, self.mac):
            return None
        return ciphers.aes_cbc_open(enc_key, self.iv, self.ciphertext)


def _stretch(key: bytes) -> tuple[bytes, bytes]:
    """HKDF-Expand(SHA-256) with info "enc" and "mac" (RFC 5869 section 2.3)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

    def expand(info: bytes) -> bytes:
        return HKDFExpand(hashes.SHA256(), 32, info).derive(key)

    return expand(b"enc"), expand(b"mac")


@dataclass(frozen=True, slots=True)
class BitwardenEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    params: kdf.Pbkdf2 | kdf.Argon2id
    validation: EncString
    data: EncString

    def decrypt(self, password: str) -> ImportState:
        from desktop_2fa.importers.bitwarden import plain_state

        enc_key, mac_key = _stretch(kdf.derive(TITLE, self.params, password))
        if self.validation.open(enc_key, mac_key) is None:
            raise WrongPassword(TITLE)
        plain = self.data.open(enc_key, mac_key)
        if plain is None:
            raise CorruptFile(TITLE, "the password is right but the contents are damaged")
        return plain_state(load_json(plain, TITLE))


def _params(doc: JsonObject) -> kdf.Pbkdf2 | kdf.Argon2id:
    salt = doc.get("salt")
    if not isinstance(salt, str) or not salt:
        raise CorruptFile(TITLE, "the salt is missing")
    kdf_type = doc.get("kdfType", PBKDF2_SHA256)
    iterations = file_number(doc, "kdfIterations", TITLE, "kdfIterations")
    if kdf_type == PBKDF2_SHA256:
        return kdf.Pbkdf2(kdf.Hash.SHA256, iterations, salt.encode("utf-8"))
    if kdf_type == ARGON2ID:
        memory_mib = file_number(doc, "kdfMemory", TITLE, "kdfMemory")
        lanes = file_number(doc, "kdfParallelism", TITLE, "kdfParallelism")
        return kdf.Argon2id(
            memory_kib=memory_mib * 1024,
            passes=iterations,
            lanes=lanes,
            salt=hashlib.sha256(salt.encode("utf-8")).digest(),
        )
    raise UnsupportedFile(
        f"this Bitwarden export uses key derivation type {str(kdf_type)[:8]!r}; desktop-2fa "
        "reads PBKDF2 (0) and Argon2id (1)"
    )


def read_encrypted(doc: JsonObject) -> BitwardenEncrypted:
    """Raises:
    UnsupportedFile: an account-restricted export (sealed with the account's key).
    """
    if doc.get("passwordProtected") is not True:
        raise UnsupportedFile(
            "this Bitwarden export is 'account restricted': only the Bitwarden account that "
            "made it can open it; export again as 'Password protected' (or unencrypted "
            ".json), import that, then delete it"
        )
    params = _params(doc)
    kdf.check(TITLE, params)  # refuse absurd costs when the file is read
    return BitwardenEncrypted(
        params,
        EncString.parse(doc.get("encKeyValidation_DO_NOT_EDIT"), "encKeyValidation_DO_NOT_EDIT"),
        EncString.parse(doc.get("data"), "data"),
    )
