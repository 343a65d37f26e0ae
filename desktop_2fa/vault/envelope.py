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
from pathlib import Path
from typing import Any

from desktop_2fa.vault.errors import CorruptVault, UnknownKeySlot, UnsupportedVersion
from desktop_2fa.vault.kdf import KdfParams, from_header

FORMAT_NAME = "desktop-2fa-vault"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 2**20  # 1,000 accounts take 600 KB; nothing larger is read
SLOT_TYPES = ("password",)  # every type this version can open and write back
MAX_SLOTS = 16  # a header is ours to bound: each slot costs an AES-GCM attempt


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


def _slot_list(slots: tuple[PasswordSlot, ...]) -> list[dict[str, str]]:
    return [{"type": "password", "nonce": _b64(s.nonce), "key": _b64(s.wrapped_key)} for s in slots]


def _header(kdf: KdfParams, slots: tuple[PasswordSlot, ...]) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kdf": kdf.to_header(),
        "slots": _slot_list(slots),
    }


def header_marks(kdf: KdfParams, slots: tuple[PasswordSlot, ...]) -> tuple[bytes, bytes]:
    """Byte strings every file `encode` writes with this header contains.

    Lets a caller check that a kept version still has the vault's header by
    reading only its tail, without parsing it.
    """
    return (
        b'"kdf":' + canonical(kdf.to_header()) + b",",
        b'"slots":' + canonical(_slot_list(slots)) + b",",
    )


def header_aad(kdf: KdfParams, slots: tuple[PasswordSlot, ...]) -> bytes:
    """Associated data for the payload: the whole header."""
    return canonical(_header(kdf, slots))


def slot_aad(kdf: KdfParams) -> bytes:
    """Associated data for a password slot: format, version and the KDF it needs."""
    return canonical({"format": FORMAT_NAME, "version": FORMAT_VERSION, "kdf": kdf.to_header()})


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


def check_format(obj: object) -> dict[str, Any]:
    """The parsed file as a dict when its format and version are ones we read.

    Shared with `cli/unlock_ahead.py`, which peeks at the header before the
    real unlock.

    Raises:
        UnsupportedVersion: written by a newer desktop-2fa.
        CorruptVault: not a vault file of ours.
    """
    if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
        raise CorruptVault("not a desktop-2fa vault file")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CorruptVault("format version is missing")
    if version > FORMAT_VERSION:
        raise UnsupportedVersion(version, FORMAT_VERSION)
    if version < 1:
        raise CorruptVault(f"unknown format version {version}")
    return obj


def _slots(raw: object) -> tuple[PasswordSlot, ...]:
    if not isinstance(raw, list):
        raise CorruptVault("the key slots are not a list")
    if len(raw) > MAX_SLOTS:
        raise CorruptVault(f"{len(raw)} key slots (at most {MAX_SLOTS})")
    slots = []
    for s in raw:
        if not isinstance(s, dict):
            raise CorruptVault("a key slot is not an object")
        kind = s.get("type")
        if kind not in SLOT_TYPES:
            # Dropping it would erase it on the next save (issue 9).
            raise UnknownKeySlot(str(kind)[:40])
        slots.append(
            PasswordSlot(_unb64(s.get("nonce"), "slot nonce"), _unb64(s.get("key"), "slot key"))
        )
    if not slots:
        raise CorruptVault("no password slot")
    return tuple(slots)


def read_file(path: Path) -> bytes:
    """A vault file's bytes (the vault, or a kept version), at most `MAX_FILE_BYTES`.

    Raises:
        OSError; CorruptVault: the file is larger than any vault.
    """
    with open(path, "rb") as f:
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise CorruptVault(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    return raw


def decode(raw: bytes) -> Envelope:
    """Parse and check a vault file's bytes (no key needed).

    Raises:
        UnsupportedVersion: written by a newer desktop-2fa.
        UnknownKeySlot: a key slot this version cannot open or write back.
        KdfTooCostly: the header asks for more key derivation than we allow.
        CorruptVault: anything else wrong with the bytes.
    """
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise CorruptVault("not readable as a vault file; it may be truncated") from e
    obj = check_format(obj)
    checksum = obj.pop("checksum", None)
    if not isinstance(checksum, str) or not hmac.compare_digest(
        checksum, hashlib.sha256(_without_checksum(raw, checksum)).hexdigest()
    ):
        raise CorruptVault("the file was changed outside desktop-2fa (checksum mismatch)")
    if "kdf" not in obj or "slots" not in obj:
        raise CorruptVault("missing or malformed header")
    kdf = from_header(obj["kdf"])
    slots = _slots(obj["slots"])
    nonce = _unb64(obj.get("nonce"), "nonce")
    ciphertext = _unb64(obj.get("ciphertext"), "ciphertext")
    return Envelope(kdf=kdf, slots=slots, nonce=nonce, ciphertext=ciphertext)
