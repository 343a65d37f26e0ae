"""Key derivation (Argon2id, RFC 9106) and AES-256-GCM for the vault.

Argon2id comes from libargon2 through argon2-cffi-bindings (`argon2id.py`)
rather than `cryptography`'s Argon2id: on this 2-core machine it is about 25 %
faster at 64 MiB / 3 passes / 4 lanes (threads matched to cores), releases the
GIL so it can overlap start-up work, and `desktop-2fa code` has only 150 ms in
all. Both implement RFC 9106 byte for byte, so the vault format does not
depend on the choice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop_2fa.vault import argon2id
from desktop_2fa.vault.errors import InvalidKdfParams

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96-bit GCM nonce (NIST SP 800-38D section 8.2)
SALT_BYTES = 16

# Floors for vaults this program creates (DESIGN.md: at least 64 MiB and 3 passes).
MIN_MEMORY_KIB = 64 * 1024
MIN_TIME_COST = 3
# Ceilings for vaults it opens: a hand-edited header must not make unlock take
# minutes or exhaust memory before the authentication check can refuse it.
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_TIME_COST = 64
MAX_LANES = 64


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id parameters, stored in the vault header."""

    salt: bytes
    time_cost: int
    memory_kib: int
    lanes: int

    def __post_init__(self) -> None:
        if len(self.salt) < 8:
            raise InvalidKdfParams("Argon2id salt must be at least 8 bytes")
        if not 1 <= self.time_cost <= MAX_TIME_COST:
            raise InvalidKdfParams(f"Argon2id passes must be 1 to {MAX_TIME_COST}")
        if not 1 <= self.lanes <= MAX_LANES:
            raise InvalidKdfParams(f"Argon2id lanes must be 1 to {MAX_LANES}")
        if not 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB:
            raise InvalidKdfParams("Argon2id memory is out of range")

    @classmethod
    def new(cls, *, time_cost: int, memory_kib: int, lanes: int) -> KdfParams:
        return cls(os.urandom(SALT_BYTES), time_cost, memory_kib, lanes)

    def with_new_salt(self) -> KdfParams:
        return KdfParams(os.urandom(SALT_BYTES), self.time_cost, self.memory_kib, self.lanes)


# Measured on the 2-core reference machine (see README "Vault"): 256 MiB, 3
# passes, 4 lanes takes about 0.45 s, the "about half a second" DESIGN.md asks
# for, while staying well above the 64 MiB / 3 pass floor.
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_KIB = 256 * 1024
DEFAULT_LANES = 4


def default_kdf_params() -> KdfParams:
    return KdfParams.new(
        time_cost=DEFAULT_TIME_COST, memory_kib=DEFAULT_MEMORY_KIB, lanes=DEFAULT_LANES
    )


def derive_key(password: str, params: KdfParams) -> bytes:
    """Argon2id(password) -> 256-bit key-encryption key (RFC 9106, version 0x13)."""
    try:
        return argon2id.derive(
            password, params.salt, params.time_cost, params.memory_kib, params.lanes
        )
    except argon2id.Argon2Failed as e:
        raise InvalidKdfParams(str(e)) from e


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def new_nonce() -> bytes:
    return os.urandom(NONCE_BYTES)


def seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes | None:
    """Decrypt, or None when the tag does not verify (wrong key or changed data)."""
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        return None
