"""Argon2id parameters (RFC 9106) and the bounds a vault's header must stay within.

Kept free of heavy imports: the CLI's head start (`cli/unlock_ahead.py`) reads
a header with `from_header` before the crypto library is even imported, and
it must refuse exactly what the real unlock refuses.

Two kinds of limits:

* Floors for vaults this program creates (DESIGN.md: at least 64 MiB and 3
  passes). Opening accepts weaker headers, as earlier test vaults use them.
* Ceilings for every header, created or opened: what `desktop-2fa init`
  offers, and no more than the 2-core reference machine derives in about
  2.5 s (256 MiB x 3 passes takes 0.45 s there). A header above them is
  refused before any key derivation runs (issue 9: a hand-made header asking
  for 4 GiB and 64 passes used to run for minutes at 4.2 GB).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_2fa.vault.errors import CorruptVault, InvalidKdfParams, KdfTooCostly

SALT_BYTES = 16
MIN_SALT_BYTES = 8

MIN_MEMORY_KIB = 64 * 1024
MIN_TIME_COST = 3

MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_TIME_COST = 10
MAX_LANES = 16
# Memory times passes: 1 GiB x 4 passes, 512 MiB x 8... about 2.5 s here.
MAX_WORK_KIB = 4 * MAX_MEMORY_KIB


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id parameters, stored in the vault header.

    Raises:
        InvalidKdfParams: a value Argon2id itself cannot take.
        KdfTooCostly: more memory, passes, lanes or work than desktop-2fa allows.
    """

    salt: bytes
    time_cost: int
    memory_kib: int
    lanes: int

    def __post_init__(self) -> None:
        if len(self.salt) < MIN_SALT_BYTES:
            raise InvalidKdfParams(f"Argon2id salt must be at least {MIN_SALT_BYTES} bytes")
        if self.time_cost < 1:
            raise InvalidKdfParams("Argon2id needs at least 1 pass")
        if self.lanes < 1:
            raise InvalidKdfParams("Argon2id needs at least 1 lane")
        if self.memory_kib < 8 * self.lanes:
            raise InvalidKdfParams("Argon2id needs at least 8 KiB of memory per lane")
        # Each ceiling names its parameter (issue 9), biggest cost first.
        if self.memory_kib > MAX_MEMORY_KIB:
            raise KdfTooCostly("memory", f"{self.memory_kib // 1024} MiB", "1024 MiB")
        if self.time_cost > MAX_TIME_COST:
            raise KdfTooCostly("passes", str(self.time_cost), str(MAX_TIME_COST))
        if self.memory_kib * self.time_cost > MAX_WORK_KIB:
            raise KdfTooCostly(
                "memory x passes",
                f"{self.memory_kib // 1024} MiB x {self.time_cost}",
                f"{MAX_WORK_KIB // 1024} MiB-passes",
            )
        if self.lanes > MAX_LANES:
            raise KdfTooCostly("lanes", str(self.lanes), str(MAX_LANES))

    def __repr__(self) -> str:
        return (
            f"KdfParams(time_cost={self.time_cost}, memory_kib={self.memory_kib}, "
            f"lanes={self.lanes})"
        )

    @classmethod
    def new(cls, *, time_cost: int, memory_kib: int, lanes: int) -> KdfParams:
        return cls(os.urandom(SALT_BYTES), time_cost, memory_kib, lanes)

    def with_new_salt(self) -> KdfParams:
        return KdfParams(os.urandom(SALT_BYTES), self.time_cost, self.memory_kib, self.lanes)

    def to_header(self) -> dict[str, object]:
        """The header's `kdf` member."""
        return {
            "name": "argon2id",
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "lanes": self.lanes,
        }


def _whole(obj: Mapping[str, object], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptVault(f"kdf {key} is not a number")
    return value


def from_header(obj: object) -> KdfParams:
    """The header's `kdf` member as `KdfParams`, checked against every bound.

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
    try:
        raw_salt = base64.b64decode(salt, validate=True)
    except (binascii.Error, ValueError) as e:
        raise CorruptVault("kdf salt is not base64") from e
    try:
        return KdfParams(
            salt=raw_salt,
            time_cost=_whole(obj, "time_cost"),
            memory_kib=_whole(obj, "memory_kib"),
            lanes=_whole(obj, "lanes"),
        )
    except KdfTooCostly:
        raise
    except InvalidKdfParams as e:
        raise CorruptVault(str(e)) from e
