"""FreeOTP (the original, by Red Hat): the 1.x `tokens.xml` and the 2.x encrypted backup.

Formats, from FreeOTP's TokenPersistence, Token, encryptor/MasterKey and
encryptor/EncryptedKey:

* 1.x keeps its tokens in `shared_prefs/tokens.xml` (from a rooted phone or
  an adb backup): each string entry, named "issuer:label", is a token as JSON
  (`issuerExt`, `issuerInt`, `label`, `type`, `algo`, `digits`, `period`,
  `counter`, `secret` as signed bytes); `tokenOrder` lists them in order.
* 2.x "Backup" writes `externalBackup.xml`, which despite its name is a Java
  serialized `HashMap<String, String>` (see `java_hashmap`): `masterKey` is
  `{"mAlgorithm": "PBKDF2withHmacSHA512", "mIterations": 100000, "mSalt": [32
  bytes], "mEncryptedKey": {...}}`; each token has "<uuid>-token" (its JSON,
  without the secret) and "<uuid>" (`{"key": "<EncryptedKey JSON>"}`). An
  EncryptedKey is AES-256-GCM: `mCipherText` (ciphertext and tag),
  `mParameters` (DER GCMParameters holding the nonce) and `mToken` (the
  key's algorithm name, also the associated data). The password's key
  (PBKDF2, as long as the salt) opens the master key; the master key opens
  each token's secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.importers import android_prefs, ciphers, fields, java_hashmap, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, WrongPassword
from desktop_2fa.importers.fields import EntryProblem, JsonObject, convert_entries
from desktop_2fa.importers.freeotp_plus import token_account, token_label

TITLE = "FreeOTP"
MASTER_KEY = "masterKey"
ORDER_KEY = "tokenOrder"
_HASHES = {"PBKDF2withHmacSHA512": kdf.Hash.SHA512, "PBKDF2withHmacSHA1": kdf.Hash.SHA1}


def _json_object(text: str) -> JsonObject:
    try:
        value = fields.loads(text)
    except (ValueError, RecursionError):
        raise EntryProblem("it is not valid JSON") from None
    if not isinstance(value, dict):
        raise EntryProblem("it is not a JSON object")
    return value


def _signed_bytes(value: object) -> bytes:
    if not isinstance(value, list) or not all(
        isinstance(b, int) and not isinstance(b, bool) and -128 <= b <= 255 for b in value
    ):
        raise EntryProblem("a byte array is not a list of bytes")
    return bytes(b % 256 for b in value)


def _gcm_nonce(der: bytes) -> bytes:
    """The nonce in DER `GCMParameters ::= SEQUENCE { OCTET STRING nonce, INTEGER tagLen }`."""
    if len(der) < 4 or der[0] != 0x30 or der[2] != 0x04 or der[1] != len(der) - 2:
        raise EntryProblem("its cipher parameters are not GCM parameters")
    size = der[3]
    if not 8 <= size <= 64 or 4 + size > len(der):
        raise EntryProblem("its GCM nonce has a bad length")
    return der[4 : 4 + size]


def _open_key(key: bytes, encrypted: JsonObject) -> bytes | None:
    if encrypted.get("mCipher") != "AES/GCM/NoPadding":
        raise EntryProblem("its key is not sealed with AES-GCM")
    token = encrypted.get("mToken")
    if not isinstance(token, str):
        raise EntryProblem("its key has no mToken")
    nonce = _gcm_nonce(_signed_bytes(encrypted.get("mParameters")))
    sealed = _signed_bytes(encrypted.get("mCipherText"))
    return ciphers.aes_gcm_open(key, nonce, sealed, token.encode("utf-8"))


# --- 1.x: tokens.xml -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FreeOtpPlain(ImportState):
    tokens: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.tokens, token_account, token_label)


def _read_prefs(data: bytes) -> FreeOtpPlain:
    strings = android_prefs.read_strings(data, TITLE)
    order_text = strings.pop(ORDER_KEY, "[]")
    try:
        order = fields.loads(order_text)
    except (ValueError, RecursionError):
        order = []
    names = (
        [n for n in order if isinstance(n, str) and n in strings] if isinstance(order, list) else []
    )
    names += [n for n in strings if n not in names]
    tokens: list[object] = []
    for name in names:
        try:
            tokens.append(fields.loads(strings[name]))
        except (ValueError, RecursionError):
            tokens.append(None)  # reported as an entry that is not a JSON object
    return FreeOtpPlain(tuple(tokens))


# --- 2.x: externalBackup.xml ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sealed:
    """A token: its JSON (no secret) and its sealed secret."""

    token: JsonObject
    key: JsonObject


@dataclass(frozen=True, slots=True)
class FreeOtp2Plain(ImportState):
    master: bytes
    sealed: tuple[object, ...]

    def _token(self, item: object) -> ImportedAccount:
        if not isinstance(item, Sealed):
            raise EntryProblem("its key or its token is missing")
        secret = _open_key(self.master, item.key)
        if secret is None:
            raise EntryProblem("its secret cannot be opened with the master key (damaged)")
        token = dict(item.token)
        token["secret"] = list(secret)
        return token_account(token)

    def convert(self) -> ImportResult:
        return convert_entries(
            self.sealed,
            self._token,
            lambda n, i: token_label(n, i.token if isinstance(i, Sealed) else None),
        )


@dataclass(frozen=True, slots=True)
class FreeOtp2Encrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    params: kdf.Pbkdf2
    master: JsonObject
    sealed: tuple[object, ...]

    def decrypt(self, password: str) -> ImportState:
        key = kdf.derive(TITLE, self.params, password)
        try:
            master = _open_key(key, self.master)
        except EntryProblem as e:
            raise CorruptFile(TITLE, f"the master key is damaged: {e}") from e
        if master is None:
            raise WrongPassword(TITLE)
        return FreeOtp2Plain(master, self.sealed)


def _sealed_tokens(entries: dict[str, str]) -> tuple[object, ...]:
    found: list[object] = []
    for name, value in entries.items():
        if name == MASTER_KEY or name.endswith("-token"):
            continue
        try:
            key = _json_object(_json_object(value).get("key") or "")  # type: ignore[arg-type]
            token = _json_object(entries.get(f"{name}-token", ""))
            found.append(Sealed(token, key))
        except (EntryProblem, TypeError):
            found.append(None)
    return tuple(found)


def _read_backup(data: bytes) -> FreeOtp2Encrypted:
    try:
        entries = java_hashmap.read(data)
    except java_hashmap.NotAHashMap as e:
        raise CorruptFile(TITLE, str(e)) from e
    if MASTER_KEY not in entries:
        raise CorruptFile(TITLE, "the backup has no master key")
    try:
        master = _json_object(entries[MASTER_KEY])
        algorithm = master.get("mAlgorithm")
        iterations, salt = master.get("mIterations"), _signed_bytes(master.get("mSalt"))
        encrypted = master.get("mEncryptedKey")
    except EntryProblem as e:
        raise CorruptFile(TITLE, f"the master key is damaged: {e}") from e
    if algorithm not in _HASHES or not isinstance(encrypted, dict):
        raise CorruptFile(
            TITLE, f"the master key uses an unknown algorithm {str(algorithm)[:30]!r}"
        )
    if isinstance(iterations, bool) or not isinstance(iterations, int):
        raise CorruptFile(TITLE, "the master key has no iteration count")
    params = kdf.Pbkdf2(_HASHES[str(algorithm)], iterations, salt, length=len(salt))
    kdf.check(TITLE, params)
    return FreeOtp2Encrypted(params, encrypted, _sealed_tokens(entries))


class FreeOtpImporter:
    name = "freeotp"
    title = TITLE
    description = "FreeOTP backup (2.x externalBackup.xml, encrypted) or 1.x tokens.xml"
    where = (
        "FreeOTP 2: ⋮ → Backup (externalBackup.xml); FreeOTP 1: "
        "/data/data/org.fedorahosted.freeotp/shared_prefs/tokens.xml (rooted phone or adb backup)"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        if data.startswith(java_hashmap.MAGIC):
            return b"masterKey" in data
        return android_prefs.looks_like_prefs(data) and b"tokenOrder" in data

    def read(self, data: bytes) -> ImportState:
        if data.startswith(java_hashmap.MAGIC):
            return _read_backup(data)
        return _read_prefs(data)
