"""The values OTP maths works on: `OtpParams` in, `Code` out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop_2fa.core.errors import InvalidParams

MIN_DIGITS = 6
MAX_DIGITS = 10
MIN_PERIOD = 1
MAX_PERIOD = 300
STEAM_DIGITS = 5  # Steam Guard codes are always 5 characters
MAX_COUNTER = 2**64 - 1  # RFC 4226 section 5.2: C is an 8-byte counter


class OtpKind(StrEnum):
    TOTP = "totp"
    HOTP = "hotp"
    STEAM = "steam"


class Algorithm(StrEnum):
    SHA1 = "SHA1"
    SHA256 = "SHA256"
    SHA512 = "SHA512"

    @property
    def hashlib_name(self) -> str:
        return self.value.lower()


@dataclass(frozen=True, slots=True)
class OtpParams:
    """Everything needed to compute codes for one account.

    `secret` is the raw key (bytes, already base32-decoded). `period` applies
    to TOTP and Steam; `counter` is the next HOTP counter to use.
    """

    kind: OtpKind
    secret: bytes
    algorithm: Algorithm = Algorithm.SHA1
    digits: int = 6
    period: int = 30
    counter: int = 0

    def __post_init__(self) -> None:
        if not self.secret:
            raise InvalidParams("secret", "secret is empty")
        if self.kind is OtpKind.STEAM:
            if self.digits != STEAM_DIGITS:
                raise InvalidParams(
                    "digits", f"Steam codes have 5 characters, got digits={self.digits}"
                )
        elif not MIN_DIGITS <= self.digits <= MAX_DIGITS:
            raise InvalidParams("digits", f"digits must be 6 to 10, got {self.digits}")
        if not MIN_PERIOD <= self.period <= MAX_PERIOD:
            raise InvalidParams("period", f"period must be 1 to 300 seconds, got {self.period}")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise InvalidParams("counter", f"counter must be 0 to 2^64-1, got {self.counter}")

    def __repr__(self) -> str:  # never print the secret (DESIGN.md: no secret in logs)
        return (
            f"OtpParams(kind={self.kind.value}, algorithm={self.algorithm.value}, "
            f"digits={self.digits}, period={self.period}, counter={self.counter}, secret=<hidden>)"
        )

    @property
    def is_time_based(self) -> bool:
        return self.kind is not OtpKind.HOTP


@dataclass(frozen=True, slots=True)
class Code:
    """A code and the interval it is valid for.

    For time-based codes `valid_from`/`valid_to` are Unix seconds bounding the
    time step (valid_from <= t < valid_to). HOTP codes have no interval: both
    are None and `counter` says which counter value produced the code.
    """

    value: str
    valid_from: int | None
    valid_to: int | None
    counter: int | None = None

    def seconds_left(self, at: float) -> float | None:
        return None if self.valid_to is None else max(0.0, self.valid_to - at)
