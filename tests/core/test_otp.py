"""Known-answer tests: RFC 4226 appendix D, RFC 6238 appendix B, Steam Guard."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

import pytest

from desktop_2fa.core.otp import generate, hotp, totp
from desktop_2fa.core.params import Algorithm, Code, OtpKind, OtpParams

RFC4226_SECRET = b"12345678901234567890"
# RFC 4226 appendix D, HOTP values for counters 0..9.
RFC4226_CODES = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

# RFC 6238 appendix B: seeds per hash (the reference code uses 20, 32 and 64 bytes).
RFC6238_SEEDS = {
    Algorithm.SHA1: b"12345678901234567890",
    Algorithm.SHA256: b"12345678901234567890123456789012",
    Algorithm.SHA512: b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_TABLE = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("counter", range(10))
def test_rfc4226_appendix_d(counter: int) -> None:
    params = OtpParams(OtpKind.HOTP, RFC4226_SECRET, counter=counter)
    assert hotp(params, counter) == RFC4226_CODES[counter]
    assert generate(params, at=0) == Code(RFC4226_CODES[counter], None, None, counter=counter)


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238_TABLE)
def test_rfc6238_appendix_b(at: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, expected in zip(Algorithm, (sha1, sha256, sha512), strict=True):
        params = OtpParams(OtpKind.TOTP, RFC6238_SEEDS[algorithm], algorithm, digits=8)
        code = totp(params, at)
        assert code.value == expected, algorithm
        assert code.valid_from is not None and code.valid_to is not None
        assert code.valid_from <= at < code.valid_to
        assert code.valid_to - code.valid_from == 30


def test_interval_and_seconds_left_follow_the_period() -> None:
    params = OtpParams(OtpKind.TOTP, RFC4226_SECRET, period=60)
    code = totp(params, 1000.5)
    assert (code.valid_from, code.valid_to) == (960, 1020)
    assert code.seconds_left(1000.5) == pytest.approx(19.5)
    # The last instant of a step and the first of the next give different codes.
    assert totp(params, 1019.999).value == code.value
    assert totp(params, 1020).valid_from == 1020


@pytest.mark.parametrize("digits", [6, 7, 8, 9, 10])
def test_digit_counts_are_zero_padded_truncations(digits: int) -> None:
    # RFC 4226 appendix D lists the truncated value for counter 1 (= T at 59 s):
    # 1094287082. The code is that value mod 10^digits, left-padded with zeros.
    params = OtpParams(OtpKind.TOTP, RFC4226_SECRET, digits=digits)
    assert totp(params, 59).value == str(1094287082 % 10**digits).zfill(digits)


def test_leading_zeros_are_kept() -> None:
    # RFC 4226 appendix D, counter 2: truncated 137359152 -> 10 digits "0137359152".
    params = OtpParams(OtpKind.HOTP, RFC4226_SECRET, digits=10, counter=2)
    assert generate(params, at=0).value == "0137359152"


@pytest.mark.parametrize("period", [1, 15, 30, 45, 60, 300])
def test_any_period_from_1_to_300(period: int) -> None:
    params = OtpParams(OtpKind.TOTP, RFC4226_SECRET, period=period)
    at = 1_700_000_123
    expected = hotp(OtpParams(OtpKind.HOTP, RFC4226_SECRET), at // period)
    assert totp(params, at).value == expected


def _steam_reference(secret: bytes, at: int) -> str:
    """Steam Guard as the Steam mobile app does it, written independently."""
    digest = hmac.new(secret, struct.pack(">Q", at // 30), hashlib.sha1).digest()
    start = digest[19] & 0x0F
    full = struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF
    out = ""
    for _ in range(5):
        out += "23456789BCDFGHJKMNPQRTVWXY"[full % 26]
        full //= 26
    return out


@pytest.mark.parametrize("at", [0, 59, 1_400_000_000, 1_700_000_000, 2_000_000_000])
def test_steam_guard_codes(at: int) -> None:
    secret = base64.b64decode("cnOgv/KdpLoP6Nbh0GMkXkPXALQ=")  # a shared_secret as Steam issues it
    params = OtpParams(OtpKind.STEAM, secret, digits=5)
    code = totp(params, at)
    assert code.value == _steam_reference(secret, at)
    assert len(code.value) == 5
    assert set(code.value) <= set("23456789BCDFGHJKMNPQRTVWXY")


def test_steam_known_answer_is_stable() -> None:
    secret = base64.b64decode("cnOgv/KdpLoP6Nbh0GMkXkPXALQ=")
    assert totp(OtpParams(OtpKind.STEAM, secret, digits=5), 1_400_000_000).value == (
        _steam_reference(secret, 1_400_000_000)
    )


def test_80_bit_secret_works() -> None:
    secret = bytes(range(10))  # 80 bits: real services issue these; pyotp refuses them
    params = OtpParams(OtpKind.TOTP, secret)
    assert totp(params, 59).value == hotp(OtpParams(OtpKind.HOTP, secret), 1)


def test_repr_never_shows_the_secret() -> None:
    params = OtpParams(OtpKind.TOTP, b"topsecretbytes!!")
    assert "topsecret" not in repr(params)
