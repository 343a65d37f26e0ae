"""otpauth:// parsing and formatting (Google Key URI Format + Steam)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_2fa.core import uri
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams

B32 = "JBSWY3DPEHPK3PXP"  # b"Hello!\xde\xad\xbe\xef", 80 bits


def test_better_auth_uri_as_captured() -> None:
    # PROTOCOL.md section 5: label issuer/e-mail percent-encoded, issuer= form-encoded.
    spec = uri.parse(
        "otpauth://totp/Desktop2FA%20Reference:bob%40example.test"
        "?secret=MF3FCNDXMQ3TENDLJ42TASSYPEYHE6LVII2VM2LFOR2U4T3QOVLA"
        "&issuer=Desktop2FA+Reference&digits=6&period=30"
    )
    assert spec.issuer == "Desktop2FA Reference"
    assert spec.name == "bob@example.test"
    assert spec.params.kind is OtpKind.TOTP
    assert spec.params.algorithm is Algorithm.SHA1
    assert len(spec.params.secret) == 32
    assert (spec.params.digits, spec.params.period) == (6, 30)


@pytest.mark.parametrize(
    "label", ["ACME%20Co:john%40x.test", "ACME%20Co%3Ajohn%40x.test", "ACME%20Co%3ajohn@x.test"]
)
def test_label_separator_colon_or_percent_3a(label: str) -> None:
    spec = uri.parse(f"otpauth://totp/{label}?secret={B32}")
    assert (spec.issuer, spec.name) == ("ACME Co", "john@x.test")


def test_plus_in_label_is_a_plus_but_in_query_a_space() -> None:
    spec = uri.parse(f"otpauth://totp/a+b:c+d?secret={B32}&issuer=Big+Corp")
    assert spec.issuer == "Big Corp"  # the parameter wins
    assert spec.name == "c+d"


def test_issuer_parameter_wins_over_label_prefix() -> None:
    spec = uri.parse(f"otpauth://totp/Old:alice?secret={B32}&issuer=New")
    assert (spec.issuer, spec.name) == ("New", "alice")


def test_issuer_only_in_label_or_only_in_query() -> None:
    assert uri.parse(f"otpauth://totp/Lab:alice?secret={B32}").issuer == "Lab"
    spec = uri.parse(f"otpauth://totp/alice?secret={B32}&issuer=Q")
    assert (spec.issuer, spec.name) == ("Q", "alice")


@pytest.mark.parametrize(
    "secret", ["jbswy3dpehpk3pxp", "JBSW Y3DP EHPK 3PXP", "JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP"]
)
def test_secret_any_case_spaces_dashes(secret: str) -> None:
    assert uri.parse(f"otpauth://totp/x?secret={secret}").params.secret == b"Hello!\xde\xad\xbe\xef"


def test_secret_with_and_without_padding() -> None:
    a = uri.parse("otpauth://totp/x?secret=MZXW6===").params.secret
    b = uri.parse("otpauth://totp/x?secret=MZXW6").params.secret
    assert a == b == b"foo"


def test_algorithm_digits_period() -> None:
    spec = uri.parse(f"otpauth://totp/x?secret={B32}&algorithm=sha512&digits=8&period=60")
    p = spec.params
    assert (p.algorithm, p.digits, p.period) == (Algorithm.SHA512, 8, 60)


def test_hotp_needs_counter() -> None:
    assert uri.parse(f"otpauth://hotp/x?secret={B32}&counter=42").params.counter == 42
    with pytest.raises(InvalidUri, match="counter is required for hotp") as info:
        uri.parse(f"otpauth://hotp/x?secret={B32}")
    assert info.value.part == "counter"


@pytest.mark.parametrize(
    "text",
    [
        f"otpauth://steam/Steam:gaben?secret={B32}",
        f"otpauth://totp/Steam:gaben?secret={B32}&encoder=steam",
    ],
)
def test_steam_variants(text: str) -> None:
    spec = uri.parse(text)
    assert spec.params.kind is OtpKind.STEAM
    assert spec.params.digits == 5
    assert (spec.issuer, spec.name) == ("Steam", "gaben")


@pytest.mark.parametrize(
    ("text", "part", "message"),
    [
        ("http://totp/x?secret=JBSWY3DP", "scheme", "not an otpauth:// URI (scheme is 'http')"),
        (
            "otpauth://motp/x?secret=JBSWY3DP",
            "type",
            "type must be totp, hotp or steam, got 'motp'",
        ),
        ("otpauth://totp/x", "secret", "secret is missing"),
        ("otpauth://totp/x?secret=", "secret", "secret is empty"),
        (
            "otpauth://totp/x?secret=JBSW1Y3D",
            "secret",
            "secret is not valid base32: character '1' at position 5",
        ),
        (f"otpauth://totp/x?secret={B32}&digits=12", "digits", "digits must be 6 to 10, got 12"),
        (
            f"otpauth://totp/x?secret={B32}&digits=six",
            "digits",
            "digits must be a whole number, got 'six'",
        ),
        (
            f"otpauth://totp/x?secret={B32}&period=0",
            "period",
            "period must be 1 to 300 seconds, got 0",
        ),
        (
            f"otpauth://totp/x?secret={B32}&period=301",
            "period",
            "period must be 1 to 300 seconds, got 301",
        ),
        (
            f"otpauth://totp/x?secret={B32}&algorithm=MD5",
            "algorithm",
            "algorithm must be SHA1, SHA256 or SHA512, got 'MD5'",
        ),
        (f"otpauth://totp/?secret={B32}", "label", "label (the account name) is missing"),
        (f"otpauth://totp/x?secret={B32}&secret={B32}", "secret", "secret is given more than once"),
        (
            f"otpauth://hotp/x?secret={B32}&counter=-3",
            "counter",
            "counter must be a whole number, got '-3'",
        ),
        # More digits than Python turns into an int: a ValueError used to escape
        # (one such line ended a whole import with "unexpected ValueError").
        (
            f"otpauth://totp/x?secret={B32}&digits={'9' * 5000}",
            "digits",
            "digits is far too large (5000 digits)",
        ),
        (
            f"otpauth://hotp/x?secret={B32}&counter={'9' * 5000}",
            "counter",
            "counter is far too large (5000 digits)",
        ),
        (
            f"otpauth://totp/x?secret={B32}&period={'9' * 5000}",
            "period",
            "period is far too large (5000 digits)",
        ),
    ],
)
def test_rejections_name_the_bad_part(text: str, part: str, message: str) -> None:
    with pytest.raises(InvalidUri) as info:
        uri.parse(text)
    assert info.value.part == part
    assert str(info.value) == message


def test_format_writes_spaces_as_percent_20_and_is_stable() -> None:
    spec = AccountSpec(
        "My Bank",
        "jane doe@x.test",
        OtpParams(OtpKind.TOTP, b"0123456789", Algorithm.SHA256, 8, 60),
    )
    text = uri.format(spec)
    assert "+" not in text and "%20" in text
    assert text == (
        "otpauth://totp/My%20Bank:jane%20doe%40x.test?secret=GAYTEMZUGU3DOOBZ"
        "&issuer=My%20Bank&algorithm=SHA256&digits=8&period=60"
    )
    assert uri.parse(text) == spec
    assert uri.format(uri.parse(text)) == text


def test_colon_in_names_round_trips() -> None:
    for issuer in ("", "Corp"):
        spec = AccountSpec(issuer, "team:alice", OtpParams(OtpKind.TOTP, b"0123456789"))
        assert uri.parse(uri.format(spec)) == spec


names = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(
    issuer=st.one_of(st.just(""), names.filter(lambda s: ":" not in s)),
    name=names,
    kind=st.sampled_from(list(OtpKind)),
    algorithm=st.sampled_from(list(Algorithm)),
    digits=st.integers(6, 10),
    period=st.integers(1, 300),
    counter=st.integers(0, 2**64 - 1),
    secret=st.binary(min_size=1, max_size=64),
)
def test_format_parse_round_trip(
    issuer: str,
    name: str,
    kind: OtpKind,
    algorithm: Algorithm,
    digits: int,
    period: int,
    counter: int,
    secret: bytes,
) -> None:
    if kind is OtpKind.STEAM:
        digits = 5
    if kind is OtpKind.HOTP:
        period = 30  # HOTP has no period; URIs do not carry one
    else:
        counter = 0
    spec = AccountSpec(issuer, name, OtpParams(kind, secret, algorithm, digits, period, counter))
    text = uri.format(spec)
    assert uri.parse(text) == spec
    assert uri.format(uri.parse(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parser_only_raises_invalid_uri(text: str) -> None:
    with contextlib.suppress(InvalidUri):
        uri.parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_parser_only_raises_invalid_uri_on_otpauth_shapes(tail: str) -> None:
    for prefix in ("otpauth://totp/", "otpauth://hotp/x?", f"otpauth://totp/x?secret={B32}&"):
        with contextlib.suppress(InvalidUri):
            uri.parse(prefix + tail)


@pytest.mark.parametrize(
    ("label", "query"),
    [
        ("Bank:alice%0D123456", ""),  # \r: forges a line in `desktop-2fa code`
        ("Evil%1B%5B2J:bob", ""),  # ESC: a terminal escape sequence
        ("%E2%80%AEelgooG:carol", ""),  # U+202E: reverses what is read
        ("Shop:dave%C2%9B31m", ""),  # U+009B: the C1 form of ESC [
        ("Shop:erin", "&issuer=Sh%0Aop"),  # in the issuer parameter too
        ("Shop:fay%E2%81%A6x", ""),  # U+2066, a bidi isolate
    ],
)
def test_names_with_control_characters_or_bidi_overrides_are_refused(
    label: str, query: str
) -> None:
    with pytest.raises(InvalidUri, match="control character") as info:
        uri.parse(f"otpauth://totp/{label}?secret={B32}{query}")
    assert info.value.part == "label"


def test_names_in_any_script_are_still_welcome() -> None:
    spec = uri.parse(
        f"otpauth://totp/%C3%9Cberbank:j%C3%BCrgen%20%E6%97%A5%E6%9C%AC%20%F0%9F%94%91?secret={B32}"
    )
    assert (spec.issuer, spec.name) == ("Überbank", "jürgen 日本 🔑")
