"""A rough strength hint for a new vault password (shown while typing; never enforced).

The estimate is deliberately simple and errs on the side of "weak": the size
of the character classes used, to the power of the length, with repeated
and sequential characters counted once. It is a hint, not a guarantee; the
vault's real protection is Argon2id at 256 MiB (README, "The vault").
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

MIN_LENGTH = 8  # the CLI warns below this too


@dataclass(frozen=True, slots=True)
class Strength:
    score: int  # 0 (none/too short) to 4 (strong)
    bits: float
    text: str


def _effective_length(password: str) -> int:
    count = 0
    previous = ""
    for char in password:
        if previous and (char == previous or abs(ord(char) - ord(previous)) == 1):
            previous = char
            continue  # "aaaa" and "abcd" add next to nothing
        count += 1
        previous = char
    return count


def _alphabet(password: str) -> int:
    size = 0
    if any(c in string.ascii_lowercase for c in password):
        size += 26
    if any(c in string.ascii_uppercase for c in password):
        size += 26
    if any(c in string.digits for c in password):
        size += 10
    if any(c in string.punctuation or c == " " for c in password):
        size += 33
    if any(ord(c) > 127 for c in password):
        size += 100
    return max(size, 1)


def strength(password: str) -> Strength:
    if not password:
        return Strength(0, 0.0, "Choose a password you use nowhere else.")
    bits = _effective_length(password) * math.log2(_alphabet(password))
    if len(password) < MIN_LENGTH:
        return Strength(
            0, bits, "Too short: use at least 8 characters; a few random words work well."
        )
    if bits < 40:
        return Strength(1, bits, "Weak: add more characters or another word.")
    if bits < 60:
        return Strength(2, bits, "Fair: a little longer would be much safer.")
    if bits < 80:
        return Strength(3, bits, "Good.")
    return Strength(4, bits, "Strong.")
