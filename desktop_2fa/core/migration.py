"""Google Authenticator's "Transfer accounts" QR codes (`otpauth-migration://`).

Each QR code holds `otpauth-migration://offline?data=BASE64`, where the data is
a protobuf `MigrationPayload` (proto2, field numbers as Google's app writes
them and as Aegis, andOTP and others read them):

    message MigrationPayload {
      repeated OtpParameters otp_parameters = 1;
      int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
    }
    message OtpParameters {
      bytes secret = 1; string name = 2; string issuer = 3;
      Algorithm algorithm = 4;   // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
      DigitCount digits = 5;     // 0 unspecified, 1 six, 2 eight
      OtpType type = 6;          // 0 unspecified, 1 HOTP, 2 TOTP
      int64 counter = 7;
    }

An export of many accounts is split over several codes that share a
`batch_id`; `assemble` puts them back together and names missing parts.

Decisions:

* The format has no period field: TOTP is always 30 s. Exporting an account
  with another period, a Steam account or 7/9/10 digits is refused per
  account (`UnsupportedMigrationEntry`), never silently changed.
* "Unspecified" enum values mean the proto default: TOTP, SHA-1, 6 digits.
* `+` in the base64 data is kept: the query is percent-decoded, never
  form-decoded (a form decoder turns `+` into a space and breaks the secret).
  A space is read back as `+`, since base64 has no spaces and that is what a
  form decoder upstream of us would have made of it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.errors import CoreError, InvalidParams
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.core.protobuf_wire import (
    WireError,
    bytes_field,
    iter_fields,
    to_signed64,
    varint_field,
)
from desktop_2fa.core.text import UnsafeText, check_label, shown

SCHEME = "otpauth-migration"
ACCOUNTS_PER_CODE = 10  # what Google Authenticator itself puts in one QR code
GOOGLE_PERIOD = 30  # implied: the payload has no period field
_MAX_URI_LENGTH = 16384  # a QR code holds under 3 KB of bytes
# An export is one QR code per 10 accounts: 1,000 parts is 10,000 accounts.
# Without a bound, one code claiming 10,000,000 parts made `assemble` list
# every missing part (2 GB, an 89 MB error line; issue 9).
MAX_BATCH_SIZE = 1000
_PARTS_NAMED = 5  # missing parts named in a message before "and N more"

_ALGORITHMS = {0: Algorithm.SHA1, 1: Algorithm.SHA1, 2: Algorithm.SHA256, 3: Algorithm.SHA512}
_ALGORITHM_CODES = {Algorithm.SHA1: 1, Algorithm.SHA256: 2, Algorithm.SHA512: 3}
_MD5 = 4
_DIGITS = {0: 6, 1: 6, 2: 8}
_DIGIT_CODES = {6: 1, 8: 2}
_HOTP, _TOTP = 1, 2


class MigrationError(CoreError):
    """Base of the errors of Google Authenticator export handling."""


class InvalidMigration(MigrationError):
    """The URI or its payload is not a readable Google Authenticator export."""


class UnsupportedMigrationEntry(MigrationError):
    """One account cannot be carried across (MD5, an unknown type, a 60 s period...)."""


@dataclass(frozen=True, slots=True)
class MissingPart:
    batch_id: int
    index: int  # 0-based, as on the wire
    size: int

    def __str__(self) -> str:
        return f"part {self.index + 1} of {self.size}"


class MissingMigrationParts(MigrationError):
    """Some QR codes of a multi-code export were not supplied.

    Attributes:
        missing: every missing part, in batch then part order.
    """

    def __init__(self, missing: Sequence[MissingPart]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            "the Google Authenticator export is incomplete: " + _describe_missing(self.missing)
        )


def _describe_missing(missing: Sequence[MissingPart]) -> str:
    by_batch: dict[int, list[MissingPart]] = {}
    for part in missing:
        by_batch.setdefault(part.batch_id, []).append(part)
    sentences = []
    for parts in list(by_batch.values())[:_PARTS_NAMED]:
        numbers = [str(p.index + 1) for p in parts]
        if len(numbers) == 1:
            sentences.append(f"part {numbers[0]} of {parts[0].size} is missing")
            continue
        if len(numbers) > _PARTS_NAMED:
            listed = ", ".join(numbers[:_PARTS_NAMED]) + f" and {len(numbers) - _PARTS_NAMED} more"
        else:
            listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        sentences.append(f"parts {listed} of {parts[0].size} are missing")
    if len(by_batch) > _PARTS_NAMED:
        sentences.append(f"and {len(by_batch) - _PARTS_NAMED} more exports are incomplete")
    return "; ".join(sentences)


@dataclass(frozen=True, slots=True)
class OtpParameters:
    """One account as the payload stores it; enum fields stay raw integers so that
    an unknown value can be reported for that account alone."""

    secret: bytes
    name: str = ""
    issuer: str = ""
    algorithm: int = 0
    digits: int = 0
    type: int = 0
    counter: int = 0

    def __repr__(self) -> str:  # never show the secret
        return (
            f"OtpParameters(issuer={self.issuer!r}, name={self.name!r}, "
            f"algorithm={self.algorithm}, digits={self.digits}, type={self.type}, "
            f"counter={self.counter}, secret=<hidden>)"
        )

    @property
    def label(self) -> str:
        """For messages only: escaped and short (names come from outside)."""
        text = f"{self.issuer}: {self.name}" if self.issuer else self.name or "(unnamed)"
        return shown(text)


@dataclass(frozen=True, slots=True)
class MigrationPayload:
    otp_parameters: tuple[OtpParameters, ...]
    version: int = 1
    batch_size: int = 1
    batch_index: int = 0
    batch_id: int = 0

    @property
    def part(self) -> MissingPart:
        """Which part of its batch this payload is (1-based when printed)."""
        return MissingPart(self.batch_id, self.batch_index, max(self.batch_size, 1))


# --- decoding ---------------------------------------------------------------------------


def _text(value: bytes) -> str:
    # A broken name should not cost the account: replace, do not reject.
    return value.decode("utf-8", errors="replace")


def _decode_parameters(data: bytes) -> OtpParameters:
    secret, name, issuer = b"", "", ""
    algorithm = digits = otp_type = counter = 0
    for field in iter_fields(data):
        match field.number:
            case 1:
                secret = field.as_bytes()
            case 2:
                name = _text(field.as_bytes())
            case 3:
                issuer = _text(field.as_bytes())
            case 4:
                algorithm = to_signed64(field.as_int())
            case 5:
                digits = to_signed64(field.as_int())
            case 6:
                otp_type = to_signed64(field.as_int())
            case 7:
                counter = to_signed64(field.as_int())
            case _:
                pass  # unknown field: a newer app version; skip it
    return OtpParameters(secret, name, issuer, algorithm, digits, otp_type, counter)


def decode_payload(data: bytes) -> MigrationPayload:
    """Decode the protobuf bytes of one QR code.

    Raises:
        InvalidMigration: the bytes are not a MigrationPayload.
    """
    params: list[OtpParameters] = []
    version, size, index, batch_id = 0, 1, 0, 0
    try:
        for field in iter_fields(data):
            match field.number:
                case 1:
                    params.append(_decode_parameters(field.as_bytes()))
                case 2:
                    version = to_signed64(field.as_int())
                case 3:
                    size = to_signed64(field.as_int())
                case 4:
                    index = to_signed64(field.as_int())
                case 5:
                    batch_id = to_signed64(field.as_int())
                case _:
                    pass
    except WireError as e:
        raise InvalidMigration(f"the export data is damaged ({e})") from e
    size = max(size, 1)  # older single-code exports leave batch_size out
    if size > MAX_BATCH_SIZE:
        raise InvalidMigration(
            f"the export says it has {size} parts; a Google Authenticator export "
            f"has at most {MAX_BATCH_SIZE}"
        )
    if not 0 <= index < size:
        raise InvalidMigration(f"the export says it is part {index + 1} of {size}")
    return MigrationPayload(tuple(params), version, size, index, batch_id)


def is_migration_uri(text: str) -> bool:
    return text.strip().lower().startswith(SCHEME + ":")


def _data_parameter(query: str) -> str:
    found: list[str] = []
    for piece in query.split("&"):
        key, sep, value = piece.partition("=")
        if sep and key.lower() == "data":
            found.append(value)
    if not found:
        raise InvalidMigration("the otpauth-migration URI has no data")
    if len(found) > 1:
        raise InvalidMigration("the otpauth-migration URI has more than one data parameter")
    return found[0]


def parse_uri(uri: str) -> MigrationPayload:
    """Decode `otpauth-migration://offline?data=...`.

    Raises:
        InvalidMigration: not such a URI, or its data is damaged.
    """
    text = uri.strip()
    if len(text) > _MAX_URI_LENGTH:
        raise InvalidMigration(f"the otpauth-migration URI is too long ({len(text)} characters)")
    try:
        parts = urlsplit(text)
    except ValueError as e:
        raise InvalidMigration(f"not a valid URI ({e})") from e
    if parts.scheme.lower() != SCHEME:
        raise InvalidMigration("not an otpauth-migration:// URI")
    try:
        raw = unquote(_data_parameter(parts.query), errors="strict")
    except UnicodeDecodeError as e:
        raise InvalidMigration("the export data is not valid base64") from e
    # Percent-decoding only (see module docstring); undo what form decoders and
    # URL-safe encoders do to base64, then restore missing padding.
    cleaned = raw.replace(" ", "+").replace("-", "+").replace("_", "/")
    cleaned = "".join(cleaned.split()).rstrip("=")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        data = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidMigration("the export data is not valid base64") from e
    if not data:
        raise InvalidMigration("the export data is empty")
    return decode_payload(data)


# --- converting ------------------------------------------------------------------------


def _split_name(name: str, issuer: str) -> tuple[str, str]:
    """(issuer, name): Google often stores the whole label "Issuer:account" as name."""
    name = name.strip()
    issuer = issuer.strip()
    if issuer and name.startswith(issuer + ":"):
        return issuer, name[len(issuer) + 1 :].strip()
    if not issuer and ":" in name:
        label_issuer, _, rest = name.partition(":")
        return label_issuer.strip(), rest.strip()
    return issuer, name


def to_account(params: OtpParameters) -> AccountSpec:
    """The account one `OtpParameters` describes.

    Raises:
        UnsupportedMigrationEntry: with one sentence saying why.
    """
    if params.type not in (0, _HOTP, _TOTP):
        raise UnsupportedMigrationEntry(f"unknown OTP type {params.type}")
    if params.algorithm == _MD5:
        raise UnsupportedMigrationEntry(
            "MD5 is not supported (codes use SHA-1, SHA-256 or SHA-512, RFC 6238)"
        )
    algorithm = _ALGORITHMS.get(params.algorithm)
    if algorithm is None:
        raise UnsupportedMigrationEntry(f"unknown algorithm {params.algorithm}")
    digits = _DIGITS.get(params.digits)
    if digits is None:
        raise UnsupportedMigrationEntry(f"unknown digit count {params.digits}")
    if params.counter < 0:
        raise UnsupportedMigrationEntry(f"counter {params.counter} is negative")
    if not params.secret:
        raise UnsupportedMigrationEntry("secret is empty")
    kind = OtpKind.HOTP if params.type == _HOTP else OtpKind.TOTP
    issuer, name = _split_name(params.name, params.issuer)
    if not issuer and not name:
        raise UnsupportedMigrationEntry("the account has no name")
    try:  # a "\r" or U+202E in a name forges what is printed (core/text.py)
        check_label(issuer, "issuer")
        check_label(name, "account name")
    except UnsafeText as e:
        raise UnsupportedMigrationEntry(str(e)) from e
    try:
        otp = OtpParams(
            kind=kind,
            secret=params.secret,
            algorithm=algorithm,
            digits=digits,
            period=GOOGLE_PERIOD,
            counter=params.counter if kind is OtpKind.HOTP else 0,
        )
    except InvalidParams as e:
        raise UnsupportedMigrationEntry(str(e)) from e
    return AccountSpec(issuer=issuer, name=name, params=otp)


def from_account(spec: AccountSpec) -> OtpParameters:
    """The payload form of an account.

    Raises:
        UnsupportedMigrationEntry: Google's format cannot hold this account.
    """
    p = spec.params
    if p.kind is OtpKind.STEAM:
        raise UnsupportedMigrationEntry("Google Authenticator's export has no Steam codes")
    if p.kind is OtpKind.TOTP and p.period != GOOGLE_PERIOD:
        raise UnsupportedMigrationEntry(
            f"Google Authenticator's export has no period field (always 30 s); "
            f"this account uses {p.period} s"
        )
    digit_code = _DIGIT_CODES.get(p.digits)
    if digit_code is None:
        raise UnsupportedMigrationEntry(
            f"Google Authenticator's export holds 6 or 8 digits; this account has {p.digits}"
        )
    return OtpParameters(
        secret=p.secret,
        name=spec.name,
        issuer=spec.issuer,
        algorithm=_ALGORITHM_CODES[p.algorithm],
        digits=digit_code,
        type=_HOTP if p.kind is OtpKind.HOTP else _TOTP,
        counter=p.counter if p.kind is OtpKind.HOTP else 0,
    )


# --- encoding --------------------------------------------------------------------------


def _encode_parameters(p: OtpParameters) -> bytes:
    return b"".join(
        (
            bytes_field(1, p.secret),
            bytes_field(2, p.name.encode("utf-8")),
            bytes_field(3, p.issuer.encode("utf-8")),
            varint_field(4, p.algorithm),
            varint_field(5, p.digits),
            varint_field(6, p.type),
            varint_field(7, p.counter),
        )
    )


def encode_payload(payload: MigrationPayload) -> bytes:
    body = b"".join(bytes_field(1, _encode_parameters(p)) for p in payload.otp_parameters)
    return body + b"".join(
        (
            varint_field(2, payload.version),
            varint_field(3, payload.batch_size),
            varint_field(4, payload.batch_index),
            varint_field(5, payload.batch_id),
        )
    )


def format_uri(payload: MigrationPayload) -> str:
    """`otpauth-migration://offline?data=...` with the base64 percent-encoded."""
    data = base64.b64encode(encode_payload(payload)).decode("ascii")
    encoded = data.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return f"{SCHEME}://offline?data={encoded}"


def batches(
    params: Sequence[OtpParameters], batch_id: int, per_code: int = ACCOUNTS_PER_CODE
) -> tuple[MigrationPayload, ...]:
    """Split accounts into payloads of `per_code`, numbered as one batch."""
    if per_code < 1:
        raise ValueError("per_code must be at least 1")
    chunks = [tuple(params[i : i + per_code]) for i in range(0, len(params), per_code)]
    return tuple(
        MigrationPayload(chunk, version=1, batch_size=len(chunks), batch_index=i, batch_id=batch_id)
        for i, chunk in enumerate(chunks)
    )


def assemble(payloads: Iterable[MigrationPayload]) -> tuple[MigrationPayload, ...]:
    """Order the parts of every batch; the same part given twice counts once.

    Raises:
        MissingMigrationParts: a batch lacks one or more parts (all are named).
        InvalidMigration: parts of one batch disagree on how many parts there are.
    """
    batches_seen: dict[int, dict[int, MigrationPayload]] = {}
    sizes: dict[int, int] = {}
    for payload in payloads:
        part = payload.part
        if sizes.setdefault(part.batch_id, part.size) != part.size:
            raise InvalidMigration(
                "the QR codes of one Google Authenticator export disagree on how many parts it has"
            )
        batches_seen.setdefault(part.batch_id, {}).setdefault(part.index, payload)
    missing = [
        MissingPart(batch_id, index, sizes[batch_id])
        for batch_id, parts in batches_seen.items()
        for index in range(sizes[batch_id])
        if index not in parts
    ]
    if missing:
        raise MissingMigrationParts(missing)
    return tuple(parts[index] for parts in batches_seen.values() for index in sorted(parts))
