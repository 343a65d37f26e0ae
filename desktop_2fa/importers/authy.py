"""Authy's token files, taken from a rooted phone (Authy itself has no export).

Format, from Aegis's AuthyImporter, which reads the same files in
`/data/data/com.authy.authy/shared_prefs/`:

* `com.authy.storage.tokens.authenticator.xml`: the string entry
  `com.authy.storage.tokens.authenticator.key` is a JSON list of third-party
  tokens: `name`, `originalName`, `originalIssuer`, `accountType`, `digits`,
  and either `decryptedSecret` (base32) or, when the user set a backup
  password, `encryptedSecret` (base64) with `salt`: AES-256-CBC (PKCS#7,
  an IV of zeros) under PBKDF2-HMAC-SHA1(backup password, salt as UTF-8,
  1,000 iterations) of the base32 secret. 30-second TOTP, SHA-1.
* `com.authy.storage.tokens.authy.xml`: `...authy.key` lists Authy's own
  tokens: `secretSeed` (hex), `digits`, `name`; 10-second TOTP.

Authy's cloud backups and its desktop app's storage are not publicly
documented and are not read.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers import android_prefs, ciphers, fields, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    as_object,
    build_spec,
    convert_entries,
    item_label,
    text,
    whole,
)

TITLE = "Authy"
KEYS = ("com.authy.storage.tokens.authenticator.key", "com.authy.storage.tokens.authy.key")
ITERATIONS = 1000
# Each sealed token has its own salt, so each costs a key derivation (about
# 0.5 ms): a file is refused past this many, and a password that opens none
# of the first few is wrong (the right one opens them all).
MAX_SEALED_TOKENS = 1000
WRONG_AFTER = 3
AUTHY_PERIOD = 10  # Authy's own tokens (secretSeed) step every 10 seconds


def _issuer_and_name(entry: JsonObject) -> tuple[str, str]:
    """Aegis's reading of Authy's names: the original issuer, else the label's prefix."""
    name, original, issuer = (
        text(entry, "name"),
        text(entry, "originalName"),
        text(entry, "originalIssuer"),
    )
    separator = ""
    if issuer:
        pass
    elif ":" in original:
        issuer, separator = original.split(":", 1)[0], ":"
    elif " - " in name:
        issuer, separator = name.split(" - ", 1)[0], " - "
    else:
        account_type = text(entry, "accountType")
        issuer = account_type[:1].upper() + account_type[1:]
    name = name.replace(issuer + separator, "", 1) if issuer else name
    return issuer, name.removeprefix(": ").strip()


def _token(raw: object) -> ImportedAccount:
    entry = as_object(raw)
    digits = whole(entry, "digits", 6)
    if "secretSeed" in entry:
        try:
            seed = bytes.fromhex(text(entry, "secretSeed"))
        except ValueError:
            raise EntryProblem("secretSeed is not hexadecimal") from None
        spec = build_spec(issuer=text(entry, "name") or "Authy", name="", kind=OtpKind.TOTP,
                          secret=seed, digits=digits, period=AUTHY_PERIOD)  # fmt: skip
        return ImportedAccount(spec)
    issuer, name = _issuer_and_name(entry)
    secret = text(entry, "decryptedSecret")
    if not secret:
        raise EntryProblem("its secret is missing")
    spec = build_spec(issuer=issuer, name=name, kind=OtpKind.TOTP, secret=secret, digits=digits)
    return ImportedAccount(spec)


def _label(number: int, raw: object) -> str:
    return item_label(number, raw, "originalIssuer", "name")


@dataclass(frozen=True, slots=True)
class AuthyPlain(ImportState):
    tokens: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.tokens, _token, _label)


def _open_secret(password: str, entry: JsonObject) -> JsonObject | None:
    try:
        sealed = base64.b64decode(text(entry, "encryptedSecret"), validate=True)
    except (binascii.Error, ValueError):
        return None
    salt = text(entry, "salt").encode("utf-8")
    key = kdf.derive(TITLE, kdf.Pbkdf2(kdf.Hash.SHA1, ITERATIONS, salt), password)
    plain = ciphers.aes_cbc_open(key, bytes(16), sealed)
    if plain is None:
        return None
    try:
        secret = plain.decode("ascii")
    except UnicodeDecodeError:
        return None
    opened = {k: v for k, v in entry.items() if k not in ("encryptedSecret", "salt")}
    opened["decryptedSecret"] = secret
    return opened


@dataclass(frozen=True, slots=True)
class AuthyEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    tokens: tuple[object, ...]

    def decrypt(self, password: str) -> ImportState:
        tokens: list[object] = []
        sealed = opened = 0
        for raw in self.tokens:
            if isinstance(raw, dict) and "encryptedSecret" in raw:
                sealed += 1
                entry = _open_secret(password, raw)
                opened += entry is not None
                if not opened and sealed >= WRONG_AFTER:
                    raise WrongPassword(TITLE)
                tokens.append(entry if entry is not None else {**raw, "decryptedSecret": ""})
            else:
                tokens.append(raw)
        if sealed and not opened:
            raise WrongPassword(TITLE)
        return AuthyPlain(tuple(tokens))


def _sealed_count(tokens: list[object]) -> int:
    return sum(1 for t in tokens if isinstance(t, dict) and "encryptedSecret" in t)


def _needs_password(tokens: list[object]) -> bool:
    return any(
        isinstance(t, dict) and "decryptedSecret" not in t and "secretSeed" not in t for t in tokens
    )


class AuthyImporter:
    name = "authy"
    title = TITLE
    description = "Authy's token files from a rooted phone (com.authy.storage.tokens.*.xml)"
    where = (
        "Authy has no export: on a rooted phone, /data/data/com.authy.authy/shared_prefs/"
        "com.authy.storage.tokens.authenticator.xml (and ...tokens.authy.xml)"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        return android_prefs.looks_like_prefs(data) and b"com.authy.storage.tokens" in data

    def read(self, data: bytes) -> ImportState:
        strings = android_prefs.read_strings(data, TITLE)
        tokens: list[object] = []
        found = False
        for key in KEYS:
            if key in strings:
                found = True
                try:
                    value = fields.loads(strings[key])
                except fields.JsonTooLarge as e:
                    raise CorruptFile(TITLE, f"the token list holds {e}") from e
                except (ValueError, RecursionError) as e:
                    raise CorruptFile(TITLE, "the token list is not JSON") from e
                if not isinstance(value, list):
                    raise CorruptFile(TITLE, "the token list is not a list")
                tokens.extend(value)
        if not found:
            raise CorruptFile(TITLE, "it holds no Authy token list")
        if not _needs_password(tokens):
            return AuthyPlain(tuple(tokens))
        kdf.check_count(TITLE, "password-sealed tokens", _sealed_count(tokens), MAX_SEALED_TOKENS)
        return AuthyEncrypted(tuple(tokens))
