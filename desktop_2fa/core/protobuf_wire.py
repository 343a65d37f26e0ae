"""A small, strict reader and writer for the protobuf wire format.

Only what Google Authenticator's migration payload needs: varints and
length-delimited fields, with every other wire type recognised and skipped so
that fields added by a newer app version do not break reading. Spec:
https://protobuf.dev/programming-guides/encoding/ ("Message Structure").

Every read is bounds-checked; malformed input raises `WireError` (a
`ValueError`), never `IndexError` or a silent truncation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

MAX_VARINT_BYTES = 10  # 64 bits in 7-bit groups
MAX_FIELD_NUMBER = 2**29 - 1  # protobuf encoding guide: field numbers are 29 bits


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


class WireType(IntEnum):
    VARINT = 0
    I64 = 1
    LEN = 2
    SGROUP = 3  # deprecated groups: start
    EGROUP = 4  # deprecated groups: end
    I32 = 5


@dataclass(frozen=True, slots=True)
class Field:
    """One field as it appears on the wire.

    `value` is the integer for VARINT/I64/I32 fields and the raw bytes for LEN
    fields; groups are skipped by the reader and never produced.
    """

    number: int
    wire_type: WireType
    value: int | bytes

    def as_int(self) -> int:
        if not isinstance(self.value, int):
            raise WireError(f"field {self.number} should be a number, found bytes")
        return self.value

    def as_bytes(self) -> bytes:
        if not isinstance(self.value, bytes):
            raise WireError(f"field {self.number} should be bytes, found a number")
        return self.value


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode one unsigned varint at `pos`; return (value, next position)."""
    result = 0
    for i in range(MAX_VARINT_BYTES):
        if pos + i >= len(data):
            raise WireError("message ends inside a number")
        byte = data[pos + i]
        result |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if result >= 2**64:
                raise WireError("number is longer than 64 bits")
            return result, pos + i + 1
    raise WireError("number is longer than 10 bytes")


def _read_fixed(data: bytes, pos: int, size: int) -> tuple[int, int]:
    end = pos + size
    if end > len(data):
        raise WireError("message ends inside a fixed-size field")
    return int.from_bytes(data[pos:end], "little"), end


def _skip_group(data: bytes, pos: int, number: int, depth: int) -> int:
    """Skip a (deprecated) group up to its matching end tag; return the next position."""
    if depth > 32:
        raise WireError("groups are nested too deeply")
    while True:
        if pos >= len(data):
            raise WireError(f"group {number} has no end")
        tag, pos = read_varint(data, pos)
        inner_number, inner_type = _split_tag(tag)
        if inner_type is WireType.EGROUP:
            if inner_number != number:
                raise WireError(f"group {number} ends with the tag of group {inner_number}")
            return pos
        pos = _skip_value(data, pos, inner_number, inner_type, depth + 1)


def _skip_value(data: bytes, pos: int, number: int, wire_type: WireType, depth: int) -> int:
    if wire_type is WireType.SGROUP:
        return _skip_group(data, pos, number, depth)
    if wire_type is WireType.EGROUP:
        raise WireError(f"end of group {number} without its start")
    _, pos = _read_value(data, pos, number, wire_type)
    return pos


def _split_tag(tag: int) -> tuple[int, WireType]:
    number, raw_type = tag >> 3, tag & 0x7
    if not 1 <= number <= MAX_FIELD_NUMBER:
        raise WireError(f"field number {number} is out of range")
    try:
        return number, WireType(raw_type)
    except ValueError:
        raise WireError(f"unknown wire type {raw_type} for field {number}") from None


def _read_value(data: bytes, pos: int, number: int, wire_type: WireType) -> tuple[int | bytes, int]:
    if wire_type is WireType.VARINT:
        return read_varint(data, pos)
    if wire_type is WireType.I64:
        return _read_fixed(data, pos, 8)
    if wire_type is WireType.I32:
        return _read_fixed(data, pos, 4)
    if wire_type is WireType.LEN:
        length, pos = read_varint(data, pos)
        end = pos + length
        if end > len(data):
            raise WireError(f"field {number} says {length} bytes but the message ends sooner")
        return data[pos:end], end
    raise WireError(f"field {number} has wire type {wire_type.name} where a value was expected")


def iter_fields(data: bytes) -> Iterator[Field]:
    """Yield the fields of one message in wire order; groups are skipped.

    Raises:
        WireError: the bytes are truncated or malformed.
    """
    pos = 0
    while pos < len(data):
        tag, pos = read_varint(data, pos)
        number, wire_type = _split_tag(tag)
        if wire_type is WireType.SGROUP:
            pos = _skip_group(data, pos, number, 0)
            continue
        if wire_type is WireType.EGROUP:
            raise WireError(f"end of group {number} without its start")
        value, pos = _read_value(data, pos, number, wire_type)
        yield Field(number, wire_type, value)


def to_signed64(value: int) -> int:
    """Read an unsigned 64-bit varint as the int64 it encodes (two's complement)."""
    return value - 2**64 if value >= 2**63 else value


def encode_varint(value: int) -> bytes:
    """Encode an int64/uint64 as a varint; negative numbers take 10 bytes (spec)."""
    if value < 0:
        value += 2**64
    if not 0 <= value < 2**64:
        raise WireError(f"{value} does not fit in 64 bits")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_tag(number: int, wire_type: WireType) -> bytes:
    return encode_varint((number << 3) | wire_type)


def varint_field(number: int, value: int) -> bytes:
    return encode_tag(number, WireType.VARINT) + encode_varint(value)


def bytes_field(number: int, value: bytes) -> bytes:
    return encode_tag(number, WireType.LEN) + encode_varint(len(value)) + value
