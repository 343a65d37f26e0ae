"""Service-level pieces: TOTP (pyotp), at-rest keys, password hashing, identifiers."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pyotp
import pytest

from server_stub.services import ids, totp
from server_stub.services.at_rest import AtRestKeys
from server_stub.services.errors import SecretUnreadable
from server_stub.services.passwords import PasswordHasher, utf16_length
from tests.server.support import SECRET, START
from tests.server.support import totp as reference_totp

RFC_KEY = b"12345678901234567890"


def test_rfc6238_vectors() -> None:
    # RFC 6238 appendix B, SHA-1, last 6 digits.
    for seconds, expected in ((59, "287082"), (1111111109, "081804"), (2000000000, "279037")):
        assert totp.code_at(RFC_KEY, seconds // 30) == expected


def test_eighty_bit_keys_are_accepted_and_shorter_refused() -> None:
    assert pyotp.TOTP.min_secret_length_bits > 80  # pyotp alone would refuse them
    key = bytes(range(10))
    assert len(totp.code_at(key, 1)) == 6
    with pytest.raises(ValueError, match="80 bits"):
        totp.ServerTotp(bytes(9))


def test_matching_step_window_and_replay_floor() -> None:
    key = ids.new_totp_key()
    secret = base64.b32encode(key).decode().rstrip("=")
    now = START + timedelta(seconds=7)
    step = totp.time_step(now)
    for offset in (-1, 0, 1):
        code = reference_totp(secret, now, offset)
        assert totp.matching_step(key, code, now, None) == step + offset
        assert totp.matching_step(key, code, now, step + offset) is None
    assert totp.matching_step(key, "12345", now, None) is None
    assert totp.matching_step(key, "１２３４５６", now, None) is None  # full-width digits


def test_otpauth_uri_encodings() -> None:
    key = b"A" * 32
    uri = totp.otpauth_uri(key, "Ä b~*", "x+y@z.test")
    assert uri.startswith("otpauth://totp/%C3%84%20b~*:x%2By%40z.test?secret=")
    assert "&issuer=%C3%84+b%7E*&digits=6&period=30" in uri
    assert re.search(r"secret=[A-Z2-7]{52}&", uri)


def test_ids_have_the_protocol_shapes() -> None:
    assert re.fullmatch(r"[A-Za-z0-9]{32}", ids.new_id())
    assert re.fullmatch(r"[A-Za-z0-9]{32}", ids.new_token())
    assert re.fullmatch(r"2fa-[A-Za-z0-9_-]{20}", ids.new_challenge_id())
    assert re.fullmatch(r"trust-device-[A-Za-z0-9_-]{32}", ids.new_trust_identifier())
    codes = ids.new_backup_codes()
    assert len(codes) == 10 and all(
        re.fullmatch(r"[A-Za-z0-9]{5}-[A-Za-z0-9]{5}", c) for c in codes
    )
    assert re.fullmatch(rb"[A-Za-z0-9]{32}", ids.new_totp_key())


def test_totp_keys_are_sealed_and_bound_to_the_user() -> None:
    keys = AtRestKeys(SECRET)
    key = ids.new_totp_key()
    sealed = keys.seal_totp_key("u1", key)
    assert key not in sealed
    assert base64.b32encode(key) not in sealed
    assert keys.open_totp_key("u1", sealed) == key
    with pytest.raises(SecretUnreadable):
        keys.open_totp_key("u2", sealed)
    with pytest.raises(SecretUnreadable):
        AtRestKeys(SECRET + "x").open_totp_key("u1", sealed)
    with pytest.raises(SecretUnreadable):
        keys.open_totp_key("u1", b"short")


def test_backup_digests_are_keyed_and_per_user() -> None:
    keys = AtRestKeys(SECRET)
    digest = keys.backup_digest("u1", "abcde-fghij")
    assert digest == keys.backup_digest("u1", "abcde-fghij")
    assert digest != keys.backup_digest("u2", "abcde-fghij")
    assert digest != keys.backup_digest("u1", "ABCDE-fghij")
    assert digest != AtRestKeys(SECRET + "x").backup_digest("u1", "abcde-fghij")
    assert b"abcde" not in digest


def test_password_hash_with_real_parameters() -> None:
    hasher = PasswordHasher()
    stored = hasher.hash("pässword 1")
    assert stored.startswith("scrypt$16384$16$1$")
    assert "pässword" not in stored
    assert hasher.verify("pässword 1", stored)
    assert not hasher.verify("pässword 2", stored)
    assert hasher.hash("x") != hasher.hash("x")  # salted


def test_password_hash_normalises_and_tolerates_junk() -> None:
    hasher = PasswordHasher(n=16, r=1)
    assert hasher.verify("ﬁ", hasher.hash("fi"))  # NFKC
    assert not hasher.verify("x", "not a hash")
    assert not hasher.verify("x", "bcrypt$1$2$3$00$00")


def test_utf16_length_counts_like_javascript() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("😀") == 2


def test_server_totp_is_a_full_pyotp_totp() -> None:
    key = ids.new_totp_key()
    server = totp.ServerTotp(key)
    reference = pyotp.TOTP(base64.b32encode(key).decode())
    assert server.secret == base64.b32encode(key).decode().rstrip("=")
    assert server.at(START) == reference.at(START)
    assert server.verify(reference.at(START), for_time=START)


def test_settings_never_show_the_secret() -> None:
    from server_stub.settings import Settings

    assert SECRET not in repr(Settings(secret=SECRET))
    with pytest.raises(ValueError, match="at least 32"):
        Settings(secret="short")
    with pytest.raises(ValueError, match="base URL"):
        Settings(secret=SECRET, base_url="ftp://x")


def test_access_log_paths_are_one_safe_line() -> None:
    from server_stub.http.access_log import loggable_path

    assert loggable_path("/api/auth/ok") == "/api/auth/ok"
    assert "\n" not in loggable_path("/api/auth/x\nFAKE 200")
    assert len(loggable_path("/" + "a" * 5000)) < 300
