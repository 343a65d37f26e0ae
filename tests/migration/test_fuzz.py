"""Random input to the migration decoder, the URI parser and the wire reader:
only the documented error type may come out."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_2fa.core import migration, uri
from desktop_2fa.core.errors import InvalidUri
from desktop_2fa.core.protobuf_wire import WireError, encode_varint, iter_fields, read_varint

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=512))
def test_decode_payload_raises_only_invalid_migration(data: bytes) -> None:
    try:
        payload = migration.decode_payload(data)
    except migration.InvalidMigration:
        return
    for params in payload.otp_parameters:  # converting raises its own documented error
        with contextlib.suppress(migration.UnsupportedMigrationEntry):
            migration.to_account(params)


@FUZZ
@given(st.text(max_size=300))
def test_parse_uri_raises_only_invalid_migration(text: str) -> None:
    with contextlib.suppress(migration.InvalidMigration):
        migration.parse_uri(text)


@FUZZ
@given(st.binary(max_size=300))
def test_parse_uri_on_random_base64_data(data: bytes) -> None:
    import base64

    text = "otpauth-migration://offline?data=" + base64.b64encode(data).decode()
    with contextlib.suppress(migration.InvalidMigration):
        migration.parse_uri(text)


@FUZZ
@given(st.text(max_size=300) | st.text(max_size=200).map(lambda t: "otpauth://" + t))
def test_otpauth_parse_raises_only_invalid_uri(text: str) -> None:
    with contextlib.suppress(InvalidUri):
        uri.parse(text)


@FUZZ
@given(st.binary(max_size=256))
def test_iter_fields_raises_only_wire_error(data: bytes) -> None:
    with contextlib.suppress(WireError):
        list(iter_fields(data))


@FUZZ
@given(st.integers(min_value=-(2**63), max_value=2**64 - 1))
def test_varints_round_trip(value: int) -> None:
    decoded, end = read_varint(encode_varint(value), 0)
    assert decoded == value % 2**64
    assert end == len(encode_varint(value))
