"""scrypt password hashes (better-auth's parameters: N=2^14, r=16, p=1, 64-byte key).

Hashing costs tens of milliseconds on purpose; callers run it off the event
loop. Passwords are NFKC-normalised first, like better-auth.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

_SCHEME = "scrypt"


def utf16_length(text: str) -> int:
    """Length as JavaScript's `String.length` counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class PasswordHasher:
    """Hash and verify passwords with scrypt; the parameters are kept in the hash."""

    n: int = 2**14
    r: int = 16
    p: int = 1
    key_bytes: int = 64
    salt_bytes: int = 16

    @staticmethod
    def _derive(password: str, salt: bytes, params: tuple[int, int, int], length: int) -> bytes:
        n, r, p = params
        data = unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")
        return hashlib.scrypt(
            data, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * r * n * p + (1 << 20)
        )

    def hash(self, password: str) -> str:
        """A new `scrypt$n$r$p$salt$key` string (hex fields)."""
        salt = os.urandom(self.salt_bytes)
        key = self._derive(password, salt, (self.n, self.r, self.p), self.key_bytes)
        return f"{_SCHEME}${self.n}${self.r}${self.p}${salt.hex()}${key.hex()}"

    def verify(self, password: str, stored: str) -> bool:
        """True if `password` produces `stored`; compared in constant time."""
        try:
            scheme, n, r, p, salt, key = stored.split("$")
            expected = bytes.fromhex(key)
            params = int(n), int(r), int(p)
            salt_bytes = bytes.fromhex(salt)
        except ValueError:
            # An unreadable hash still costs one hash, so timing stays flat.
            self.hash(password)
            return False
        if scheme != _SCHEME:
            self.hash(password)
            return False
        actual = self._derive(password, salt_bytes, params, len(expected))
        return hmac.compare_digest(actual, expected)
