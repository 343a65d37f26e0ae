"""Reading other apps' JSON strictly, and turning their fields into an `AccountSpec`.

JSON from another app is untrusted: every field is type-checked here, and a
bad entry raises `EntryProblem`, which `convert_entries` turns into an
`EntryError` so the other entries still import.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from desktop_2fa.core import uri as otpauth
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.base32 import decode_secret
from desktop_2fa.core.errors import InvalidParams, InvalidUri
from desktop_2fa.core.params import STEAM_DIGITS, Algorithm, OtpKind, OtpParams
from desktop_2fa.core.text import UnsafeText, check_label, shown
from desktop_2fa.importers.base import EntryError, ImportedAccount, ImportResult
from desktop_2fa.importers.errors import CorruptFile, TooManyEntries, TruncatedFile

T = TypeVar("T")
JsonObject = Mapping[str, object]

#: No authenticator holds this many accounts; a file with more entries is refused whole.
MAX_ENTRIES = 10_000
#: JSON values a file from outside may hold. Each value costs a Python object of
#: up to ~65 bytes per separator below, so a 28 MB list of empty lists took 2 GB
#: and 30 s to parse; real exports hold a few dozen values per account (a
#: 40,000-item Bitwarden vault stays under this).
MAX_JSON_VALUES = 1_000_000
#: Longest issuer, account name or group taken (a URI, where names usually come
#: from, holds at most 8 KB), and longest note.
MAX_NAME_CHARS = 1_000
MAX_NOTE_CHARS = 10_000
# Every JSON value but the first is an object or array, or follows ',' or ':'
# (RFC 8259 section 2), so these bytes bound the number of values from above.
_JSON_VALUE_MARKS = ("{", "[", ",", ":")


class EntryProblem(Exception):
    """One entry cannot be imported; the message says why in one phrase."""


class JsonTooLarge(ValueError):
    """JSON text holding more values than `MAX_JSON_VALUES`: refused before parsing."""


def loads(text: str | bytes) -> object:
    """`json.loads` for text from outside, refused before parsing when it could hold
    more than `MAX_JSON_VALUES` values.

    Raises:
        JsonTooLarge: (a ValueError) too many values; ValueError, RecursionError: bad JSON.
    """
    if isinstance(text, bytes):
        marks = sum(text.count(m.encode()) for m in _JSON_VALUE_MARKS)
    else:
        marks = sum(text.count(m) for m in _JSON_VALUE_MARKS)
    if marks >= MAX_JSON_VALUES:
        raise JsonTooLarge(f"more than {MAX_JSON_VALUES:,} JSON values")
    return json.loads(text)


def parse_json(data: bytes) -> object:
    """The JSON document, or raise ValueError (bad UTF-8, bad JSON, or far too many values)."""
    return loads(data.decode("utf-8-sig"))


def sniff_json(data: bytes) -> object | None:
    """The parsed document when `data` is JSON, else None; for `sniff` methods."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"[")):
        return None
    try:
        return parse_json(data)
    except (ValueError, RecursionError):
        return None


def load_json(data: bytes, title: str) -> object:
    """Parse an export; damaged or cut-off files raise a precise error.

    Raises:
        TruncatedFile: the JSON stops before it is complete.
        CorruptFile: not UTF-8 text, or not JSON.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CorruptFile(title, "it is not text") from e
    try:
        return loads(text)
    except JsonTooLarge as e:
        raise CorruptFile(title, f"it holds {e}, far more than any export") from e
    except json.JSONDecodeError as e:
        end = len(text.rstrip())
        if e.pos >= end - 1 or e.msg.startswith("Unterminated string"):
            raise TruncatedFile(title) from e
        raise CorruptFile(title, f"broken JSON at line {e.lineno}, column {e.colno}") from e
    except RecursionError as e:
        raise CorruptFile(title, "the JSON is nested too deeply") from e
    except ValueError as e:  # a number of thousands of digits (int_max_str_digits)
        raise CorruptFile(title, "the JSON holds a number too long to read") from e


def require_object(value: object, title: str, what: str = "the file") -> JsonObject:
    if not isinstance(value, dict):
        raise CorruptFile(title, f"{what} is not a JSON object")
    return value


def require_list(value: object, title: str, what: str) -> list[object]:
    if not isinstance(value, list):
        raise CorruptFile(title, f"{what} is not a list")
    return value


def text(obj: JsonObject, key: str, default: str = "") -> str:
    """A string field; missing or null gives `default`."""
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise EntryProblem(f"'{key}' is not text")
    return value


def whole(obj: JsonObject, key: str, default: int) -> int:
    """An integer field (JSON numbers like 6.0 are accepted, booleans are not)."""
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EntryProblem(f"'{key}' is not a number")
    if isinstance(value, float) and not value.is_integer():
        raise EntryProblem(f"'{key}' is not a whole number")
    return int(value)


def flag(obj: JsonObject, key: str) -> bool:
    value = obj.get(key)
    return value if isinstance(value, bool) else False


def sub_object(obj: JsonObject, key: str) -> JsonObject:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise EntryProblem(f"'{key}' is missing")
    return value


def names_by_id(doc: JsonObject, key: str, id_key: str = "id") -> dict[str, str]:
    """`{id: name}` from a list of `{"<id_key>": ..., "name": ...}` objects under `key`
    (Aegis groups, 2FAS groups, Bitwarden folders); malformed items are skipped."""
    found: dict[str, str] = {}
    raw = doc.get(key)
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            ident, name = item.get(id_key), item.get("name")
            if isinstance(ident, str) and isinstance(name, str):
                found[ident] = name
    return found


def safe_text(value: object) -> str:
    """For labels of broken entries: the value when it is text, else empty."""
    return value.strip() if isinstance(value, str) else ""


def entry_label(number: int, issuer: object = None, name: object = None) -> str:
    """ "entry 3 (GitHub: bob)": which entry failed, by position and name, never secret.

    Escaped and short: the name may be what made the entry fail.
    """
    named = shown(": ".join(t for t in (safe_text(issuer), safe_text(name)) if t))
    return f"entry {number} ({named})" if named else f"entry {number}"


def parse_algorithm(value: str) -> Algorithm:
    normal = value.strip().upper().replace("-", "").replace("_", "").removeprefix("HMAC")
    if normal == "MD5":
        raise EntryProblem("MD5 is not supported (codes use SHA-1, SHA-256 or SHA-512, RFC 6238)")
    try:
        return Algorithm(normal)
    except ValueError:
        raise EntryProblem(f"unknown algorithm {value!r}") from None


def build_spec(
    *,
    issuer: str,
    name: str,
    kind: OtpKind,
    secret: str | bytes,
    algorithm: Algorithm = Algorithm.SHA1,
    digits: int = 6,
    period: int = 30,
    counter: int = 0,
) -> AccountSpec:
    """Validate everything through `OtpParams`; problems become `EntryProblem`."""
    try:
        raw = decode_secret(secret) if isinstance(secret, str) else secret
        params = OtpParams(
            kind=kind,
            secret=raw,
            algorithm=algorithm,
            digits=STEAM_DIGITS if kind is OtpKind.STEAM else digits,
            period=period,
            counter=counter if kind is OtpKind.HOTP else 0,
        )
    except InvalidParams as e:
        raise EntryProblem(str(e)) from e
    issuer, name = issuer.strip(), name.strip()
    if not issuer and not name:
        raise EntryProblem("it has neither an issuer nor a name")
    return AccountSpec(issuer=issuer, name=name, params=params)


def check_texts(entry: ImportedAccount) -> ImportedAccount:
    """`entry` when its names, note and group are safe to show.

    Every importer's accounts pass here (issue 9): a control character or a
    bidi override in any of them is refused for that entry alone, and so is a
    text longer than any account's (the vault, its kept versions and every save
    would carry it).

    Raises:
        EntryProblem: naming the field and the character.
    """
    fields = (
        ("issuer", entry.spec.issuer, MAX_NAME_CHARS),
        ("account name", entry.spec.name, MAX_NAME_CHARS),
        ("note", entry.note, MAX_NOTE_CHARS),
        ("group", entry.group, MAX_NAME_CHARS),
    )
    try:
        for what, value, limit in fields:
            if len(value) > limit:
                raise EntryProblem(
                    f"the {what} is {len(value):,} characters long, more than any account's "
                    f"(at most {limit:,})"
                )
            check_label(value, what)
    except UnsafeText as e:
        raise EntryProblem(str(e)) from e
    return entry


def convert_entries(
    items: Iterable[T],
    convert: Callable[[T], ImportedAccount],
    label: Callable[[int, T], str],
) -> ImportResult:
    """Convert each item; a failing one becomes an `EntryError` with its label.

    Raises:
        TooManyEntries: more than `MAX_ENTRIES` items (none is converted).
    """
    bounded = tuple(itertools.islice(items, MAX_ENTRIES + 1))
    if len(bounded) > MAX_ENTRIES:
        raise TooManyEntries(MAX_ENTRIES)
    entries: list[ImportedAccount] = []
    errors: list[EntryError] = []
    for number, item in enumerate(bounded, start=1):
        try:
            entries.append(check_texts(convert(item)))
        except EntryProblem as e:
            errors.append(EntryError(label(number, item), str(e)))
    return ImportResult(tuple(entries), tuple(errors))


def item_label(number: int, item: object, issuer_key: str, name_key: str) -> str:
    """`entry_label` for a JSON object that may not even be an object."""
    if isinstance(item, dict):
        return entry_label(number, item.get(issuer_key), item.get(name_key))
    return entry_label(number)


def as_object(item: object) -> JsonObject:
    if not isinstance(item, dict):
        raise EntryProblem("it is not a JSON object")
    return item


def spec_from_uri(value: str, site: str = "", username: str = "") -> AccountSpec:
    """An otpauth:// URI read by the one URI parser (`core.uri`); problems become `EntryProblem`.

    Password managers (Bitwarden, Proton Pass) keep URIs such as
    "otpauth://totp/?secret=..." whose item names the account: `site` and
    `username` then stand in for the label's issuer and name.
    """
    try:
        spec = otpauth.parse(value.strip())
    except InvalidUri as e:
        if e.part != "label" or not (site.strip() or username.strip()):
            raise EntryProblem(str(e)) from e
        parts = urlsplit(value.strip())
        label = ":".join(quote(t.strip(), safe="") for t in (site, username) if t.strip())
        try:
            spec = otpauth.parse(
                urlunsplit((parts.scheme, parts.netloc, "/" + label, parts.query, ""))
            )
        except InvalidUri as e2:
            raise EntryProblem(str(e2)) from e2
    issuer, name = spec.issuer or site.strip(), spec.name or username.strip()
    return AccountSpec(issuer=issuer, name=name, params=spec.params)


STEAM_URI_PREFIX = "steam://"


def steam_uri_spec(
    value: str, issuer: str, name: str, *, base64_secret: bool = False
) -> AccountSpec:
    """`steam://SECRET`, a Steam Guard secret with no label: base32 in Bitwarden's (its
    totp service), base64 in Proton's (`base64_secret`; proton-authenticator/src/steam/
    mod.rs writes `steam://` and the secret in standard base64)."""
    text = value.strip()[len(STEAM_URI_PREFIX) :]
    secret = entry_base64(text, "the Steam secret") if base64_secret else text
    return build_spec(issuer=issuer, name=name, kind=OtpKind.STEAM, secret=secret)


def entry_base64(value: str, what: str = "secret") -> bytes:
    """Standard or URL-safe base64 inside an entry (Steam's shared_secret...)."""
    import base64
    import binascii

    cleaned = value.strip()
    try:
        return base64.b64decode(
            cleaned + "=" * (-len(cleaned) % 4),
            altchars=b"-_" if ("-" in cleaned or "_" in cleaned) else None,
            validate=True,
        )
    except (binascii.Error, ValueError):
        raise EntryProblem(f"{what} is not valid base64") from None


def file_base64(value: object, title: str, what: str) -> bytes:
    """Base64 that the whole file depends on (salt, nonce, ciphertext): `CorruptFile` if bad."""
    import base64
    import binascii

    if not isinstance(value, str) or not value:
        raise CorruptFile(title, f"{what} is missing")
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CorruptFile(title, f"{what} is not valid base64") from None


def file_number(obj: JsonObject, key: str, title: str, what: str) -> int:
    """A whole number the file depends on (a KDF parameter): `CorruptFile` if missing."""
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CorruptFile(title, f"{what} is missing or not a whole number")
    return value


def require_version(doc: JsonObject, title: str, expected: int) -> None:
    """The export's `version` is the one we read, or the file is refused naming both."""
    from desktop_2fa.importers.errors import UnsupportedFile

    version = doc.get("version")
    if version != expected or isinstance(version, bool):
        raise UnsupportedFile(
            f"this {title} export has version {str(version)[:12]!r}; desktop-2fa reads "
            f"version {expected}"
        )
