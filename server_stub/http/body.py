"""Request bodies: size cap, content type, JSON/form parsing and zod-like checks.

better-auth parses the body first (400 "Invalid JSON in request body"),
runs the Origin rule, then validates with zod (400 VALIDATION_ERROR,
`[body.<field>] <zod text>`, issues in schema order joined by "; ").
Nothing malformed may end in a 500: every failure here is an `HttpError`.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl

import anyio

from server_stub.http.errors import (
    BAD_JSON,
    BODY_TIMEOUT,
    TOO_LARGE,
    HttpError,
    Problem,
    validation_error,
)
from server_stub.services.accounts import is_email

# Wording and order as better-auth 1.7.25 answers (checked by tests/interop).
_ALLOWED = ("application/x-www-form-urlencoded", "application/json")
_ALLOWED_TEXT = ", ".join(_ALLOWED)


class Missing(enum.Enum):
    """No body at all (JavaScript's `undefined`)."""

    BODY = "undefined"


MISSING: Final = Missing.BODY


async def read_limited(
    chunks: AsyncIterator[bytes], content_length: str | None, limit: int, timeout: float
) -> bytes:
    """The whole body; 413 as soon as it is known to exceed `limit` bytes, 408
    when it takes longer than `timeout` seconds (a client trickling bytes)."""
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            declared = 0
        if declared > limit:
            raise HttpError(TOO_LARGE)
    parts: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise HttpError(TOO_LARGE)
                parts.append(chunk)
    except TimeoutError:
        raise HttpError(BODY_TIMEOUT) from None
    return b"".join(parts)


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_body(raw: bytes, content_type: str | None) -> object:
    """JSON (any value) or a form (dict of strings); `MISSING` for an empty body."""
    if not raw:
        return MISSING
    main = (content_type or "").split(";", 1)[0].strip().lower()
    if main == "application/json":
        text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
        try:
            # Numbers as JavaScript sees them (doubles); NaN/Infinity refused.
            return json.loads(text, parse_int=float, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as e:
            raise HttpError(BAD_JSON) from e
    if main == "application/x-www-form-urlencoded":
        text = raw.decode("utf-8", "replace")
        return dict(parse_qsl(text, keep_blank_values=True))
    if not main:
        message = f"Content-Type is required. Allowed types: {_ALLOWED_TEXT}"
    else:
        shown = (content_type or "")[:200]
        message = f'Content-Type "{shown}" is not allowed. Allowed types: {_ALLOWED_TEXT}'
    raise HttpError(Problem(415, "UNSUPPORTED_MEDIA_TYPE", message))


def zod_type(value: object) -> str:
    """The `received ...` word zod 4 uses for a parsed JSON value."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return "NaN" if math.isnan(value) else "number"
    if isinstance(value, int):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Kind(enum.Enum):
    """The zod types the endpoints use."""

    STRING = "string"
    NONEMPTY_STRING = "nonempty"
    EMAIL = "email"
    BOOLEAN = "boolean"
    TOTP_METHOD = "method"


@dataclass(frozen=True, slots=True)
class Field:
    """One body field."""

    name: str
    kind: Kind
    required: bool = False


@dataclass(frozen=True, slots=True)
class Schema:
    """An object schema.

    Attributes:
        record: sign-up's schema is `z.object(...).and(z.record(...))`, so a
            non-object body yields a second issue ("expected record").
        optional_body: accept a missing body as `{}` (sign-out).
    """

    fields: tuple[Field, ...]
    record: bool = False
    optional_body: bool = False


def _issue(field: Field, value: object) -> str | None:
    path = f"[body.{field.name}]"
    if value is MISSING:
        if not field.required:
            return None
        if field.kind is Kind.TOTP_METHOD:
            return None  # `.default("totp")`
    if field.kind is Kind.TOTP_METHOD:
        if value in ("otp", "totp"):
            return None
        return f'{path} Invalid option: expected one of "otp"|"totp"'
    expected = "boolean" if field.kind is Kind.BOOLEAN else "string"
    if zod_type(value) != expected:
        return f"{path} Invalid input: expected {expected}, received {zod_type(value)}"
    if field.kind is Kind.NONEMPTY_STRING and value == "":
        return f"{path} Too small: expected string to have >=1 characters"
    if field.kind is Kind.EMAIL:
        assert isinstance(value, str)
        if not is_email(value):
            return f"{path} Invalid email address"
    return None


@dataclass(frozen=True, slots=True)
class Fields:
    """A validated body: typed access to its fields."""

    values: dict[str, object]

    def text(self, name: str) -> str:
        """A required string field."""
        value = self.values[name]
        assert isinstance(value, str)
        return value

    def optional_text(self, name: str) -> str | None:
        """An optional string field."""
        value = self.values.get(name, MISSING)
        return value if isinstance(value, str) else None

    def flag(self, name: str) -> bool | None:
        """An optional boolean field (None when absent)."""
        value = self.values.get(name, MISSING)
        return value if isinstance(value, bool) else None


def validate(schema: Schema, body: object) -> Fields:
    """Check `body` against `schema` or raise 400 VALIDATION_ERROR."""
    if body is MISSING and schema.optional_body:
        body = {}
    if not isinstance(body, dict):
        kind = zod_type(body)
        message = f"[body] Invalid input: expected object, received {kind}"
        if schema.record:
            message += f"; [body] Invalid input: expected record, received {kind}"
        raise validation_error(message)
    issues = [
        issue
        for field in schema.fields
        if (issue := _issue(field, body.get(field.name, MISSING))) is not None
    ]
    if issues:
        raise validation_error("; ".join(issues))
    return Fields(body)
