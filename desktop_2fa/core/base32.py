"""Lenient base32 for secrets as people and services actually write them."""

from __future__ import annotations

import base64
import binascii

from desktop_2fa.core.errors import InvalidSecret

_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def decode_secret(text: str) -> bytes:
    """Decode a base32 secret: any case, spaces and dashes ignored, padding optional.

    Raises:
        InvalidSecret: empty, or a character outside the RFC 4648 base32 alphabet.
    """
    cleaned = text.replace(" ", "").replace("-", "").replace("\t", "").upper().rstrip("=")
    if not cleaned:
        raise InvalidSecret("secret is empty")
    for position, char in enumerate(cleaned, start=1):
        if char not in _ALPHABET:
            shown = char if char.isprintable() else repr(char)
            raise InvalidSecret(
                f"secret is not valid base32: character {shown!r} at position {position}"
            )
    # base32 has no encoding for 1, 3 or 6 leftover characters (RFC 4648 section 6).
    if len(cleaned) % 8 in (1, 3, 6):
        raise InvalidSecret(
            f"secret is not valid base32: {len(cleaned)} characters is a bad length"
        )
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(padded)
    except binascii.Error as e:  # pragma: no cover - alphabet and length were checked
        raise InvalidSecret("secret is not valid base32") from e


def encode_secret(secret: bytes) -> str:
    """Upper-case base32 without padding, the form otpauth:// URIs use."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")
