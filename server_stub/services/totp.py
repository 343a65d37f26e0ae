"""TOTP as the server computes it: pyotp, HMAC-SHA1, 6 digits, 30 s, ±1 step.

The server has its own code path on purpose (DESIGN.md): it never imports
`desktop_2fa`, so client-against-server tests compare two implementations.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar

import pyotp

PERIOD = 30
DIGITS = 6
#: Steps accepted on either side of the current one (better-auth's window).
WINDOW = 1
#: Real services hand out 80-bit secrets; pyotp 2.12 would refuse them.
MIN_KEY_BITS = 80


class ServerTotp(pyotp.TOTP):
    """pyotp's TOTP over raw key bytes, accepting keys of 80 bits and more.

    `byte_secret` answers from the raw key instead of decoding base32 for
    every code, and the base32 `secret` is only computed if someone asks for
    it: both matter on the verify hot path.
    """

    min_secret_length_bits: ClassVar[int] = MIN_KEY_BITS

    def __init__(self, key: bytes) -> None:
        if len(key) * 8 < MIN_KEY_BITS:
            raise ValueError(f"TOTP keys must have at least {MIN_KEY_BITS} bits")
        self._key = key
        super().__init__("", digits=DIGITS, interval=PERIOD)

    @property
    def secret(self) -> str:
        """The key in unpadded base32 (derived from the raw key)."""
        return base64.b32encode(self._key).decode("ascii").rstrip("=")

    @secret.setter
    def secret(self, value: str) -> None:
        """pyotp assigns its constructor argument here; the raw key is the truth."""

    def byte_secret(self) -> bytes:
        return self._key


def time_step(now: datetime) -> int:
    """The RFC 6238 counter for `now`."""
    return int(now.timestamp()) // PERIOD


def code_at(key: bytes, step: int) -> str:
    """The code of one time step."""
    return str(ServerTotp(key).generate_otp(step))


def _candidates(now: datetime) -> Iterator[int]:
    current = time_step(now)
    return iter(range(current - WINDOW, current + WINDOW + 1))


def matching_step(key: bytes, code: str, now: datetime, after: int | None) -> int | None:
    """The oldest step within the window, newer than `after`, whose code is `code`.

    Every candidate is computed and compared with `hmac.compare_digest`, so
    the time taken does not depend on which step (if any) matched. A code
    must be exactly the 6 ASCII digits (PROTOCOL.md §5).
    """
    wanted = code.encode("utf-8", "surrogatepass")
    well_formed = len(code) == DIGITS and code.isascii() and code.isdigit()
    totp = ServerTotp(key)
    found: int | None = None
    for step in _candidates(now):
        expected = str(totp.generate_otp(step)).encode("ascii")
        same = hmac.compare_digest(wanted, expected)
        if same and well_formed and found is None and (after is None or step > after):
            found = step
    return found


def _encode_uri_component(text: str) -> str:
    """JavaScript's `encodeURIComponent`."""
    safe = "-_.!~*'()"
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in safe):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _form_encode(text: str) -> str:
    """WHATWG `application/x-www-form-urlencoded` (what URLSearchParams emits)."""
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char == " ":
            out.append("+")
        elif char.isascii() and (char.isalnum() or char in "*-._"):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def otpauth_uri(key: bytes, issuer: str, account: str) -> str:
    """better-auth's layout (§5): label pct-encoded, `issuer` query form-encoded.

    `otpauth://totp/<pct(issuer)>:<pct(account)>?secret=<B32>&issuer=<form>&digits=6&period=30`
    """
    secret = base64.b32encode(key).decode("ascii").rstrip("=")
    return (
        f"otpauth://totp/{_encode_uri_component(issuer)}:{_encode_uri_component(account)}"
        f"?secret={secret}&issuer={_form_encode(issuer)}&digits={DIGITS}&period={PERIOD}"
    )
