"""Argon2id parameters (RFC 9106), as stored in the vault header.

The bounds a header must stay within, and the checks themselves, live in
the light `header` module: the CLI's head start (`cli/unlock_ahead.py`)
applies them before this module (and `dataclasses`) is even imported, and it
must refuse exactly what the real unlock refuses. `crypto` re-exports them.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from desktop_2fa.vault.header import SALT_BYTES, check_kdf, kdf_values


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
        check_kdf(self.salt, self.time_cost, self.memory_kib, self.lanes)

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


def from_header(obj: object) -> KdfParams:
    """The header's `kdf` member as `KdfParams`, checked against every bound.

    Raises:
        CorruptVault: not an Argon2id member, or a value Argon2id cannot take.
        KdfTooCostly: above the ceilings (nothing has been derived yet).
    """
    return KdfParams(*kdf_values(obj))
