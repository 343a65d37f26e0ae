"""A vault file's header: its format, version and Argon2id parameters, checked cheaply.

The CLI's head start (`cli/unlock_ahead.py`) reads the header and starts
Argon2id before the rest of the program is imported, so this module imports
nothing heavy (no dataclasses, no crypto library). The real unlock uses the
very same checks (`envelope.decode`, `kdf.KdfParams`, `kdf.from_header`), so
the head start refuses exactly what the unlock refuses.

Argon2id limits (RFC 9106), two kinds:

* Floors for vaults this program creates (DESIGN.md: at least 64 MiB and 3
  passes). Opening accepts weaker headers, as earlier test vaults use them.
* Ceilings for every header, created or opened: what `desktop-2fa init`
  offers, and no more than the 2-core reference machine derives in about
  2.5 s (256 MiB x 3 passes takes 0.45 s there). A header above them is
  refused before any key derivation runs (issue 9: a hand-made header asking
  for 4 GiB and 64 passes used to run for minutes at 4.2 GB).
"""

from __future__ import annotations

import binascii
import errno
import os
import stat

from desktop_2fa.vault.errors import (
    CorruptVault,
    InvalidKdfParams,
    KdfTooCostly,
    UnsupportedVersion,
)

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing delays the head start
if TYPE_CHECKING:
    from io import BufferedReader
    from pathlib import Path
    from typing import Any

FORMAT_NAME = "desktop-2fa-vault"
FORMAT_VERSION = 1

SALT_BYTES = 16
MIN_SALT_BYTES = 8

MIN_MEMORY_KIB = 64 * 1024
MIN_TIME_COST = 3

MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_TIME_COST = 10
MAX_LANES = 16
# Memory times passes: 1 GiB x 4 passes, 512 MiB x 8... about 2.5 s here.
MAX_WORK_KIB = 4 * MAX_MEMORY_KIB

# A file `envelope.encode` wrote ends with these members; 16 key slots fit in 4 KB.
_TAIL_BYTES = 4096
# Base64 holds no quote, so the members after the ciphertext start right here.
_FORMAT_AND_KDF = b'","format":"' + FORMAT_NAME.encode() + b'","kdf":'
_NONCE = b',"nonce":"'
_SLOTS = b',"slots":'
_VERSION = b',"version":'


def check_format(obj: object) -> dict[str, Any]:
    """The parsed file as a dict when its format and version are ones we read.

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


def check_kdf(salt: bytes, time_cost: int, memory_kib: int, lanes: int) -> None:
    """Refuse what Argon2id cannot take, then what costs more than desktop-2fa allows.

    Raises:
        InvalidKdfParams: a value Argon2id itself cannot take.
        KdfTooCostly: more memory, passes, lanes or work than desktop-2fa allows.
    """
    if len(salt) < MIN_SALT_BYTES:
        raise InvalidKdfParams(f"Argon2id salt must be at least {MIN_SALT_BYTES} bytes")
    if time_cost < 1:
        raise InvalidKdfParams("Argon2id needs at least 1 pass")
    if lanes < 1:
        raise InvalidKdfParams("Argon2id needs at least 1 lane")
    if memory_kib < 8 * lanes:
        raise InvalidKdfParams("Argon2id needs at least 8 KiB of memory per lane")
    # Each ceiling names its parameter (issue 9), biggest cost first.
    if memory_kib > MAX_MEMORY_KIB:
        raise KdfTooCostly("memory", f"{memory_kib // 1024} MiB", "1024 MiB")
    if time_cost > MAX_TIME_COST:
        raise KdfTooCostly("passes", str(time_cost), str(MAX_TIME_COST))
    if memory_kib * time_cost > MAX_WORK_KIB:
        raise KdfTooCostly(
            "memory x passes",
            f"{memory_kib // 1024} MiB x {time_cost}",
            f"{MAX_WORK_KIB // 1024} MiB-passes",
        )
    if lanes > MAX_LANES:
        raise KdfTooCostly("lanes", str(lanes), str(MAX_LANES))


def _whole(obj: dict[str, object], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptVault(f"kdf {key} is not a number")
    return value


def kdf_values(obj: object) -> tuple[bytes, int, int, int]:
    """The header's `kdf` member as (salt, time_cost, memory_kib, lanes), checked.

    Raises:
        CorruptVault: not an Argon2id member, or a value Argon2id cannot take.
        KdfTooCostly: above the ceilings (nothing has been derived yet).
    """
    if not isinstance(obj, dict):
        raise CorruptVault("the kdf member is not an object")
    name = obj.get("name")
    if name != "argon2id":
        shown = name[:40] if isinstance(name, str) else type(name).__name__
        raise CorruptVault(f"unknown key derivation {shown!r}")
    salt = obj.get("salt")
    if not isinstance(salt, str):
        raise CorruptVault("kdf salt is not text")
    try:  # what base64.b64decode(salt, validate=True) does, without importing base64
        raw_salt = binascii.a2b_base64(salt.encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError) as e:
        raise CorruptVault("kdf salt is not base64") from e
    values = (raw_salt, _whole(obj, "time_cost"), _whole(obj, "memory_kib"), _whole(obj, "lanes"))
    try:
        check_kdf(*values)
    except KdfTooCostly:
        raise
    except InvalidKdfParams as e:
        raise CorruptVault(str(e)) from e
    return values


def open_to_read(path: str | Path) -> BufferedReader:
    """Open the vault, a kept version or the remembered generations, if a regular file.

    Without O_NONBLOCK, opening a FIFO put there under such a name waits for
    a writer forever, and every command hung; a device could be read without
    end. Neither is a file desktop-2fa wrote.

    Raises:
        OSError: also when `path` is not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return open(fd, "rb")  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def peek(path: str | Path) -> dict[str, object] | None:
    """Format, version and kdf, read from the end of the file, or None.

    For the CLI's head start, which must start Argon2id as early as it can:
    importing `json` (with `re` and `enum`) would delay it by 6 ms, so this
    reads only the canonical form `envelope.encode` writes (sorted members, no
    spaces, the kdf a flat object of strings and numbers). Any other layout
    gives None and no head start; the unlock then reads the file as JSON and
    says what is wrong. Unchecked: pass the result to `check_format` and
    `kdf_values`.

    Raises:
        OSError
    """
    with open_to_read(path) as f:
        size = os.fstat(f.fileno()).st_size
        f.seek(max(size - _TAIL_BYTES, 0))
        tail = f.read(_TAIL_BYTES)
    start = tail.rfind(_FORMAT_AND_KDF)
    if start < 0:
        return None
    kdf_start = start + len(_FORMAT_AND_KDF)
    kdf_end = tail.find(b"}", kdf_start) + 1
    kdf = _flat_object(tail[kdf_start:kdf_end])
    version = _canonical_rest(tail[kdf_end:])
    if kdf is None or version is None:
        return None
    return {"format": FORMAT_NAME, "version": version, "kdf": kdf}


def _canonical_rest(rest: bytes) -> int | None:
    """The version, when what follows the kdf is exactly what `envelope.encode` writes.

    `,"nonce":"…","slots":[{…},…],"version":N}` and the newline, every slot a
    flat object. Only then are the format and kdf found before it the
    file's own, the last of their name at the top level, which is what JSON
    reads: a forged file used to hide another kdf in a duplicate member, in
    a member of its own or inside a key slot, and the head start derived a
    key the unlock never asked for (up to 1 GiB beside the real one).
    """
    nonce, slots_mark, after = rest.partition(_SLOTS)
    slots, version_mark, version = after.partition(_VERSION)
    if not (
        slots_mark
        and version_mark
        and nonce.startswith(_NONCE)
        and _is_string(nonce[len(_NONCE) - 1 :])
        and slots.startswith(b"[{")
        and slots.endswith(b"}]")
        and version.endswith(b"}\n")
        and version[:-2].isdigit()
    ):
        return None
    if any(_flat_object(b"{" + slot + b"}") is None for slot in slots[2:-2].split(b"},{")):
        return None
    return int(version[:-2])


def _flat_object(raw: bytes) -> dict[str, object] | None:
    """A JSON object of strings and whole numbers as canonical JSON writes it, else None.

    With no escape, nesting or space allowed, each member is `"key":"text"` or
    `"key":123` and splits cleanly; whatever this accepts, `json.loads` reads
    the same way.
    """
    if not (raw.startswith(b"{") and raw.endswith(b"}")) or b"\\" in raw or not raw.isascii():
        return None
    found: dict[str, object] = {}
    for member in raw[1:-1].split(b","):
        key, colon, value = member.partition(b":")
        if not (colon and _is_string(key)):
            return None
        if _is_string(value):
            found[key[1:-1].decode()] = value[1:-1].decode()
        elif value.isdigit() and (value == b"0" or not value.startswith(b"0")):
            found[key[1:-1].decode()] = int(value)  # JSON allows no leading zero
        else:
            return None
    return found


def _is_string(raw: bytes) -> bool:
    return len(raw) >= 2 and raw.startswith(b'"') and raw.endswith(b'"') and b'"' not in raw[1:-1]
