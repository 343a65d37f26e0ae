"""Google Authenticator migration payloads: decode, encode, reassemble, convert."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from desktop_2fa.core import migration as m
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.core.protobuf_wire import WireType as W
from desktop_2fa.core.protobuf_wire import bytes_field, encode_tag, encode_varint, varint_field

# The example in the README of jens-duttke/otp-migration-parser (a public sample).
SAMPLE = (
    "otpauth-migration://offline?data=CkoKDZePmX7z8qHgFlH9yVcSIlRoaXNfaXNfYW5fRXhhbXBsZTplbWFp"
    "bEBlbWFpbC5jb20aD0V4YW1wbGVfV2Vic2l0ZSABKAEwAhABGAEgAA%3D%3D"
)


def _params(**kw: object) -> m.OtpParameters:
    base: dict[str, object] = {"secret": b"0123456789abcdefghij", "name": "alice", "issuer": "Ex",
                               "algorithm": 1, "digits": 1, "type": 2}  # fmt: skip
    base.update(kw)
    return m.OtpParameters(**base)  # type: ignore[arg-type]


def test_the_public_sample_decodes() -> None:
    payload = m.parse_uri(SAMPLE)
    assert (payload.version, payload.batch_size, payload.batch_index, payload.batch_id) == (
        1, 1, 0, 0,
    )  # fmt: skip
    (p,) = payload.otp_parameters
    assert (p.name, p.issuer, p.algorithm, p.digits, p.type) == (
        "This_is_an_Example:email@email.com", "Example_Website", 1, 1, 2,
    )  # fmt: skip
    spec = m.to_account(p)
    assert spec.issuer == "Example_Website"
    assert spec.params.kind is OtpKind.TOTP and spec.params.period == 30


def _with_plus() -> tuple[m.MigrationPayload, str]:
    """A payload whose base64 contains '+' (and '/')."""
    for n in range(1000):
        payload = m.MigrationPayload((_params(secret=bytes([n % 256, 0xFB, 0xEF]) * 7),))
        data = base64.b64encode(m.encode_payload(payload)).decode()
        if "+" in data and "/" in data:
            return payload, data
    raise AssertionError("no sample with '+'")


def test_plus_in_the_base64_is_kept_whether_or_not_it_is_percent_encoded() -> None:
    payload, data = _with_plus()
    raw_plus = f"otpauth-migration://offline?data={data}"
    encoded = f"otpauth-migration://offline?data={quote(data, safe='')}"
    form_decoded = raw_plus.replace("+", " ")  # what a form decoder upstream makes of it
    assert m.parse_uri(raw_plus) == payload
    assert m.parse_uri(encoded) == payload
    assert m.parse_uri(form_decoded) == payload
    assert "%2B" in m.format_uri(payload)


def test_format_and_parse_round_trip_with_a_negative_batch_id() -> None:
    payload = m.MigrationPayload(
        (_params(), _params(type=1, counter=2**40)), 1, 3, 2, -1_732_468_915
    )
    assert m.parse_uri(m.format_uri(payload)) == payload


def test_unknown_fields_of_every_wire_type_are_skipped() -> None:
    extras = (
        varint_field(99, 7)
        + encode_tag(100, W.I64) + (5).to_bytes(8, "little")
        + encode_tag(101, W.I32) + (5).to_bytes(4, "little")
        + bytes_field(102, b"future")
        + encode_tag(103, W.SGROUP) + varint_field(1, 1) + bytes_field(2, b"x")
        + encode_tag(103, W.EGROUP)
    )  # fmt: skip
    otp = (
        bytes_field(1, b"0123456789abcdefghij") + bytes_field(2, b"alice") + bytes_field(3, b"Ex")
        + varint_field(4, 1) + varint_field(5, 1) + varint_field(6, 2)
    )  # fmt: skip
    # The same unknown fields inside an OtpParameters and in the payload itself.
    data = bytes_field(1, otp + extras) + extras + varint_field(2, 1) + varint_field(3, 1)
    assert m.decode_payload(data) == m.MigrationPayload((_params(),))


@pytest.mark.parametrize(
    "data",
    [
        b"\x0a\x05abc",  # length says 5, 3 bytes follow
        b"\x0a",  # ends inside the length
        b"\x10\xff\xff",  # ends inside a varint
        b"\x10" + b"\xff" * 11,  # varint longer than 10 bytes
        b"\x0b\x10\x01",  # a group that never ends
        b"\x0c",  # the end of a group that never started
        b"\x0f",  # wire type 7 does not exist
        b"\x00\x01",  # field number 0
        b"\x12\x01\x01",  # version given as bytes
        b"\x18\x02\x20\x05",  # part 6 of 2
    ],
)
def test_malformed_payloads_raise_invalid_migration(data: bytes) -> None:
    with pytest.raises(m.InvalidMigration):
        m.decode_payload(data)


@pytest.mark.parametrize(
    "uri",
    [
        "otpauth://totp/x?secret=AAAA",
        "otpauth-migration://offline?nodata=1",
        "otpauth-migration://offline?data=%%%",
        "otpauth-migration://offline?data=!!!!",
        "otpauth-migration://offline?data=",
        "otpauth-migration://offline?data=AA&data=AA",
        "otpauth-migration://offline?data=%FF%FE",
    ],
)
def test_bad_uris_raise_invalid_migration(uri: str) -> None:
    with pytest.raises(m.InvalidMigration):
        m.parse_uri(uri)


def _payload(index: int, size: int, batch_id: int = 5) -> m.MigrationPayload:
    return m.MigrationPayload((_params(name=f"n{index}"),), 1, size, index, batch_id)


def test_assemble_orders_parts_and_ignores_a_part_given_twice() -> None:
    parts = [_payload(2, 3), _payload(0, 3), _payload(1, 3), _payload(0, 3)]
    assert [p.batch_index for p in m.assemble(parts)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([0, 2], "part 2 of 3 is missing"),
        ([0], "parts 2 and 3 of 3 are missing"),
        ([1], "parts 1 and 3 of 3 are missing"),
    ],
)
def test_assemble_names_the_missing_parts(given: list[int], message: str) -> None:
    with pytest.raises(m.MissingMigrationParts) as caught:
        m.assemble(_payload(i, 3) for i in given)
    assert str(caught.value) == f"the Google Authenticator export is incomplete: {message}"
    assert [p.index + 1 for p in caught.value.missing] == [
        i + 1 for i in range(3) if i not in given
    ]


def test_assemble_checks_every_batch_separately() -> None:
    parts = [_payload(0, 2, batch_id=1), _payload(1, 2, batch_id=1), _payload(0, 2, batch_id=9)]
    with pytest.raises(m.MissingMigrationParts, match=r"part 2 of 2 is missing$"):
        m.assemble(parts)


def test_assemble_refuses_parts_that_disagree_on_the_count() -> None:
    with pytest.raises(m.InvalidMigration, match="disagree"):
        m.assemble([_payload(0, 2), _payload(1, 3)])


def test_to_account_maps_every_enum() -> None:
    spec = m.to_account(_params(algorithm=3, digits=2, type=1, counter=9))
    assert spec.params == OtpParams(
        OtpKind.HOTP, b"0123456789abcdefghij", Algorithm.SHA512, 8, 30, 9
    )
    unspecified = m.to_account(_params(algorithm=0, digits=0, type=0))
    assert unspecified.params == OtpParams(OtpKind.TOTP, b"0123456789abcdefghij")


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (_params(algorithm=4), "MD5 is not supported"),
        (_params(algorithm=9), "unknown algorithm 9"),
        (_params(digits=3), "unknown digit count 3"),
        (_params(type=5), "unknown OTP type 5"),
        (_params(type=1, counter=-1), "counter -1 is negative"),
        (_params(secret=b""), "secret is empty"),
        (_params(name="", issuer=""), "no name"),
    ],
)
def test_to_account_refuses_what_it_cannot_use(params: m.OtpParameters, reason: str) -> None:
    with pytest.raises(m.UnsupportedMigrationEntry, match=reason):
        m.to_account(params)


@pytest.mark.parametrize(
    ("name", "issuer", "expected"),
    [
        ("Example:alice", "Example", ("Example", "alice")),
        ("Example:alice", "", ("Example", "alice")),
        ("alice:work", "Example", ("Example", "alice:work")),
        ("alice", "", ("", "alice")),
    ],
)
def test_labels_are_split_like_google_writes_them(
    name: str, issuer: str, expected: tuple[str, str]
) -> None:
    spec = m.to_account(_params(name=name, issuer=issuer))
    assert (spec.issuer, spec.name) == expected


def _spec(kind: OtpKind = OtpKind.TOTP, **kw: object) -> AccountSpec:
    params = OtpParams(kind, b"0123456789abcdefghij", **kw)  # type: ignore[arg-type]
    return AccountSpec("Ex", "alice", params)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (_spec(period=60), "no period field .* this account uses 60 s"),
        (_spec(OtpKind.STEAM, digits=5), "no Steam codes"),
        (_spec(digits=7), "holds 6 or 8 digits; this account has 7"),
    ],
)
def test_from_account_reports_what_google_cannot_hold(spec: AccountSpec, reason: str) -> None:
    with pytest.raises(m.UnsupportedMigrationEntry, match=reason):
        m.from_account(spec)


def test_from_account_then_to_account_is_the_identity() -> None:
    for spec in (_spec(), _spec(algorithm=Algorithm.SHA256, digits=8),
                 _spec(OtpKind.HOTP, counter=12)):  # fmt: skip
        assert m.to_account(m.from_account(spec)) == spec


def test_batches_put_ten_accounts_per_code() -> None:
    payloads = m.batches([_params(name=str(i)) for i in range(25)], batch_id=77)
    assert [len(p.otp_parameters) for p in payloads] == [10, 10, 5]
    assert {(p.batch_size, p.batch_id) for p in payloads} == {(3, 77)}
    assert [p.batch_index for p in payloads] == [0, 1, 2]
    assert m.batches([], batch_id=1) == ()


def test_varints_take_ten_bytes_for_negative_numbers() -> None:
    assert len(encode_varint(-1)) == 10
    assert encode_varint(300) == b"\xac\x02"


def test_the_secret_never_appears_in_repr() -> None:
    assert "0123456789" not in repr(_params())
