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
import os
from dataclasses import dataclass

from desktop_2fa.vault.errors import CorruptVault, UnknownKeySlot
from desktop_2fa.vault.header import FORMAT_NAME, FORMAT_VERSION, check_format, open_to_read
from desktop_2fa.vault.kdf import KdfParams, from_header

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

MAX_FILE_BYTES = 64 * 2**20  # 1,000 accounts take about 500 KB; nothing larger is read
SLOT_TYPES = ("password",)  # every type this version can open and write back
MAX_SLOTS = 16  # a header is ours to bound: each slot costs an AES-GCM attempt


@dataclass(frozen=True, slots=True)
class PasswordSlot:
    """The master key wrapped with a key derived from the password."""

    nonce: bytes
    wrapped_key: bytes  # master key + 16-byte GCM tag


@dataclass(frozen=True, slots=True)
class Envelope:
    """A vault file, decoded and checked, not decrypted."""

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


_CHECKSUM_MEMBER = b'{"checksum":"'
_CIPHERTEXT_MEMBER = b'","ciphertext":"'
_HEX = b"0123456789abcdef"


def _checksum_of(raw: bytes, checksum: str) -> str:
    """SHA-256 of the bytes the checksum covers: the file minus its leading checksum member.

    "checksum" sorts first among the members, so a file we wrote starts with
    `{"checksum":"<64 hex>",` and ends with a newline. Anything else is hashed
    whole, which will not match the stored value. Hashed in place: a 10,000
    account vault is 5 MB, and copying it costs more than hashing it.
    """
    member = _CHECKSUM_MEMBER + checksum.encode("ascii", "replace") + b'",'
    if not raw.startswith(member) or not raw.endswith(b"\n"):
        return hashlib.sha256(raw).hexdigest()
    digest = hashlib.sha256(b"{")
    digest.update(memoryview(raw)[len(member) : -1])
    return digest.hexdigest()


def _members(raw: bytes) -> tuple[dict[str, Any], bytes] | None:
    """The file's members, and its ciphertext decoded, without parsing the ciphertext as JSON.

    The ciphertext is almost the whole file. When the file starts the way
    `encode` writes it, the ciphertext is the base64 between the second pair
    of quotes, and the members around it are a small JSON object of their
    own. None for anything else (the caller then parses the whole file), so
    this gives exactly what `json.loads` would: base64 holds no quote and no
    escape, and a second "ciphertext" member sends the file the slow way.
    """
    hex_end = len(_CHECKSUM_MEMBER) + 64
    if not (
        raw.startswith(_CHECKSUM_MEMBER)
        and raw.startswith(_CIPHERTEXT_MEMBER, hex_end)
        and not raw[len(_CHECKSUM_MEMBER) : hex_end].strip(_HEX)
    ):
        return None
    start = hex_end + len(_CIPHERTEXT_MEMBER)
    end = raw.find(b'"', start)
    if end < 0:
        return None
    try:
        ciphertext = binascii.a2b_base64(memoryview(raw)[start:end], strict_mode=True)
        obj = json.loads(raw[: hex_end + 1] + raw[end + 1 :])
    except (binascii.Error, ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or "ciphertext" in obj:
        return None
    return obj, ciphertext


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


# glibc's malloc stops raising its mmap threshold above this (mallopt(3)).
_MMAP_THRESHOLD_MAX = 32 * 2**20 - 2**17


def _reuse_big_buffers(size: int) -> None:
    """Let the big buffers of one unlock reuse each other's memory.

    Reading a vault makes a few buffers about its size: the file, the
    ciphertext, the plaintext, the lowered copy `code QUERY` searches.
    glibc's malloc serves blocks above its mmap threshold (128 KiB at first)
    with fresh mappings and unmaps them when freed, so each new buffer
    faults in every one of its pages again: for a 10,000-account vault
    about 2,300 page faults, 3 ms of `desktop-2fa code` after the key is
    derived (issue 13). Freeing a mapped block raises the threshold to its
    size (mallopt(3), M_MMAP_THRESHOLD, "dynamic adjustment"), after which
    such buffers come from the heap, and one freed there is reused by the
    next. `bytes(n)` is calloc'd, and a fresh mapping is zero already: no
    page of it is touched. With another allocator this costs a mapping and
    does nothing else.
    """
    bytes(min(size, _MMAP_THRESHOLD_MAX) + 2**16)


def read_file(path: str | Path) -> bytes:
    """A vault file's bytes (the vault, or a kept version), at most `MAX_FILE_BYTES`.

    Raises:
        OSError; CorruptVault: the file is larger than any vault.
    """
    with open_to_read(path) as f:
        # Asked for the bound at once, Python allocates 64 MB and gives most of
        # it back: about 1.3 ms of CPU per `desktop-2fa code` on a 5 MB vault
        # (issue 13). So the size the file says, and on to the bound if it grew.
        expected = min(os.fstat(f.fileno()).st_size, MAX_FILE_BYTES)
        _reuse_big_buffers(expected)
        raw = f.read(expected + 1)
        if len(raw) > expected:
            raw += f.read(MAX_FILE_BYTES + 1 - len(raw))
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
    fast = _members(raw)
    if fast is None:
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as e:
            raise CorruptVault("not readable as a vault file; it may be truncated") from e
        ciphertext = None
    else:
        obj, ciphertext = fast
    obj = check_format(obj)
    checksum = obj.pop("checksum", None)
    if not isinstance(checksum, str) or not hmac.compare_digest(
        checksum, _checksum_of(raw, checksum)
    ):
        raise CorruptVault("the file was changed outside desktop-2fa (checksum mismatch)")
    if "kdf" not in obj or "slots" not in obj:
        raise CorruptVault("missing or malformed header")
    kdf = from_header(obj["kdf"])
    slots = _slots(obj["slots"])
    nonce = _unb64(obj.get("nonce"), "nonce")
    if ciphertext is None:
        ciphertext = _unb64(obj.get("ciphertext"), "ciphertext")
    return Envelope(kdf=kdf, slots=slots, nonce=nonce, ciphertext=ciphertext)
