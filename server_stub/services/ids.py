"""Random identifiers in better-auth's shapes (PROTOCOL.md §1, §3, §5)."""

from __future__ import annotations

import secrets
import string

ALNUM = string.ascii_letters + string.digits
#: better-auth's `generateRandomString` default alphabet adds `-` and `_`.
URL_SAFE = ALNUM + "-_"

BACKUP_CODE_COUNT = 10
CHALLENGE_PREFIX = "2fa-"
TRUST_PREFIX = "trust-device-"


def random_string(length: int, alphabet: str = ALNUM) -> str:
    """`length` characters drawn uniformly from `alphabet` with `secrets`."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_id() -> str:
    """A user or session id: 32 chars of [A-Za-z0-9]."""
    return random_string(32)


def new_token() -> str:
    """A session token: 32 chars of [A-Za-z0-9]."""
    return random_string(32)


def new_challenge_id() -> str:
    """The `two_factor` cookie value: `2fa-` and 20 random characters."""
    return CHALLENGE_PREFIX + random_string(20, URL_SAFE)


def new_trust_identifier() -> str:
    """The trusted-device record key: `trust-device-` and 32 random characters."""
    return TRUST_PREFIX + random_string(32, URL_SAFE)


def new_totp_key() -> bytes:
    """32 random ASCII characters used as raw key bytes, as better-auth does.

    Base32 of 32 bytes is the 52-character `secret` of the otpauth URI (§5).
    """
    return random_string(32).encode("ascii")


def new_backup_codes(count: int = BACKUP_CODE_COUNT) -> list[str]:
    """`count` codes shaped `XXXXX-XXXXX` from [A-Za-z0-9]."""
    codes = []
    for _ in range(count):
        raw = random_string(10)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
