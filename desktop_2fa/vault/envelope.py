"""The vault file, format 1: a JSON envelope around one AES-256-GCM ciphertext.

    {"checksum": hex sha256 of everything else,
     "ciphertext": b64, "format": "desktop-2fa-vault",
     "kdf": {"name": "argon2id", "salt": b64, "time_cost", "memory_kib", "lanes"},
     "nonce": b64, "slots": [{"type": "password", "nonce": b64, "key": b64}],
     "version": 1}

* The master key (random, 256-bit) is wrapped in a password slot with a key
  derived by Argon2id; the slot's AAD binds it to the KDF parameters.
* The payload is sealed with the master key and the canonical header (format,
  version, kdf, slots) as AAD, so a changed header fails like a changed
  ciphertext (Aegis leaves its header unauthenticated; DESIGN.md says we do not).
* `checksum` is SHA-256 of the file's bytes with the checksum member taken out
  (written as canonical JSON, so it is also the hash of the canonical form). It
  makes any accidental change (one byte anywhere, truncation, reformatting)
  read as "damaged" before the slow key derivation runs, instead of being
  mistaken for a wrong password. A deliberate forger can recompute the
  checksum, but not the GCM tags. Hashing the raw bytes, rather than
  re-serialising the parsed JSON, keeps `desktop-2fa code` inside its budget.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.errors import CorruptVault, InvalidKdfParams, UnsupportedVersion

FORMAT_NAME = "desktop-2fa-vault"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class PasswordSlot:
    nonce: bytes
    wrapped_key: bytes  # master key + 16-byte GCM tag


@dataclass(frozen=True, slots=True)
class Envelope:
    kdf: KdfParams
    slots: tuple[PasswordSlot, ...]
    nonce: bytes
    ciphertext: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise CorruptVault(f"{what} is not text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as e:
        raise CorruptVault(f"{what} is not base64") from e


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _kdf_dict(kdf: KdfParams) -> dict[str, Any]:
    return {
        "name": "argon2id",
        "salt": _b64(kdf.salt),
        "time_cost": kdf.time_cost,
        "memory_kib": kdf.memory_kib,
        "lanes": kdf.lanes,
    }


def _header(kdf: KdfParams, slots: tuple[PasswordSlot, ...]) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kdf": _kdf_dict(kdf),
        "slots": [
            {"type": "password", "nonce": _b64(s.nonce), "key": _b64(s.wrapped_key)} for s in slots
        ],
    }


def header_aad(kdf: KdfParams, slots: tuple[PasswordSlot, ...]) -> bytes:
    """Associated data for the payload: the whole header."""
    return canonical(_header(kdf, slots))


def slot_aad(kdf: KdfParams) -> bytes:
    """Associated data for a password slot: format, version and the KDF it needs."""
    return canonical({"format": FORMAT_NAME, "version": FORMAT_VERSION, "kdf": _kdf_dict(kdf)})


def encode(envelope: Envelope) -> bytes:
    body = _header(envelope.kdf, envelope.slots)
    body["nonce"] = _b64(envelope.nonce)
    body["ciphertext"] = _b64(envelope.ciphertext)
    body["checksum"] = hashlib.sha256(canonical(body)).hexdigest()
    return canonical(body) + b"\n"


def _without_checksum(raw: bytes, checksum: str) -> bytes:
    """The bytes the checksum covers: the file minus its leading checksum member.

    "checksum" sorts first among the members, so a file we wrote starts with
    `{"checksum":"<64 hex>",` and ends with a newline. Anything else gives bytes
    that will not hash to the stored value.
    """
    member = b'{"checksum":"' + checksum.encode("ascii", "replace") + b'",'
    if not raw.startswith(member) or not raw.endswith(b"\n"):
        return raw
    return b"{" + raw[len(member) : -1]


def _int(d: dict[str, Any], key: str) -> int:
    value = d.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptVault(f"kdf {key} is not a number")
    return value


def decode(raw: bytes) -> Envelope:
    """Parse and check a vault file's bytes (no key needed).

    Raises:
        UnsupportedVersion: written by a newer desktop-2fa.
        CorruptVault: anything else wrong with the bytes.
    """
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise CorruptVault("not readable as a vault file; it may be truncated") from e
    if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
        raise CorruptVault("not a desktop-2fa vault file")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CorruptVault("format version is missing")
    if version > FORMAT_VERSION:
        raise UnsupportedVersion(version, FORMAT_VERSION)
    if version < 1:
        raise CorruptVault(f"unknown format version {version}")
    checksum = obj.pop("checksum", None)
    if not isinstance(checksum, str) or not hmac.compare_digest(
        checksum, hashlib.sha256(_without_checksum(raw, checksum)).hexdigest()
    ):
        raise CorruptVault("the file was changed outside desktop-2fa (checksum mismatch)")

    try:
        kdf_obj = obj["kdf"]
        if kdf_obj.get("name") != "argon2id":
            raise CorruptVault(f"unknown key derivation {kdf_obj.get('name')!r}")
        kdf = KdfParams(
            salt=_unb64(kdf_obj.get("salt"), "kdf salt"),
            time_cost=_int(kdf_obj, "time_cost"),
            memory_kib=_int(kdf_obj, "memory_kib"),
            lanes=_int(kdf_obj, "lanes"),
        )
        slots = tuple(
            PasswordSlot(_unb64(s.get("nonce"), "slot nonce"), _unb64(s.get("key"), "slot key"))
            for s in obj["slots"]
            if s.get("type") == "password"
        )
        nonce = _unb64(obj["nonce"], "nonce")
        ciphertext = _unb64(obj["ciphertext"], "ciphertext")
    except (KeyError, TypeError, AttributeError) as e:
        raise CorruptVault(f"missing or malformed {e}") from e
    except InvalidKdfParams as e:
        raise CorruptVault(str(e)) from e
    if not slots:
        raise CorruptVault("no password slot")
    return Envelope(kdf=kdf, slots=slots, nonce=nonce, ciphertext=ciphertext)
