"""HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes.

Implemented here with `hmac` rather than through pyotp on purpose: the
reference server computes codes with pyotp, and two independent
implementations are what let the client-against-server tests catch a bug
(DESIGN.md, "Layers"). It also keeps `desktop-2fa code` free of imports it
does not need. Time is always an argument; nothing here reads the clock.
"""

from __future__ import annotations

import hmac
import math

from desktop_2fa.core.params import Code, OtpKind, OtpParams

# Steam Guard's 26-symbol alphabet (no vowels or look-alikes), as used by the
# Steam mobile app and reimplemented by Aegis and andOTP.
STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"


def _truncate(secret: bytes, counter: int, digest: str) -> int:
    """RFC 4226 section 5.3: HMAC, then dynamic truncation to a 31-bit integer."""
    mac = hmac.new(secret, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    return int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF


def hotp(params: OtpParams, counter: int) -> str:
    """The code for `counter` (RFC 4226 section 5.3, Steam's variant for STEAM)."""
    value = _truncate(params.secret, counter, params.algorithm.hashlib_name)
    if params.kind is OtpKind.STEAM:
        chars = []
        for _ in range(params.digits):
            value, index = divmod(value, len(STEAM_ALPHABET))
            chars.append(STEAM_ALPHABET[index])
        return "".join(chars)
    return str(value % 10**params.digits).zfill(params.digits)


def time_step(params: OtpParams, at: float) -> int:
    """RFC 6238 section 4.2: T = floor((at - T0) / X) with T0 = 0."""
    return math.floor(at / params.period)


def totp(params: OtpParams, at: float) -> Code:
    """The time-based code at Unix time `at`, with the interval it is valid for."""
    step = time_step(params, at)
    return Code(
        value=hotp(params, step),
        valid_from=step * params.period,
        valid_to=(step + 1) * params.period,
    )


def generate(params: OtpParams, at: float) -> Code:
    """The current code for any kind: TOTP/Steam at `at`, HOTP at its stored counter.

    Callers that show an HOTP code must then store `params.counter + 1`
    (RFC 4226 section 7.2: the counter moves on once a code is generated).
    """
    if params.kind is OtpKind.HOTP:
        return Code(hotp(params, params.counter), None, None, counter=params.counter)
    return totp(params, at)
