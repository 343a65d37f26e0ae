"""Parse and format otpauth:// URIs (Google's Key URI Format, plus Steam).

Decisions, documented in README "otpauth:// URIs":

* The label is `issuer:account` with `:` or `%3A` as separator. The label is a
  URI path, so `+` in it is a literal plus (RFC 3986); `%20` is a space. Query
  values are form-encoded, so there `+` is a space (better-auth writes
  `issuer=Desktop2FA+Reference`).
* When the label's issuer and the `issuer=` parameter disagree, the parameter
  wins: Google's Key URI Format calls the parameter the recommended, stronger
  signal and the label prefix a legacy fallback. The label prefix is still
  dropped from the account name.
* Names holding control characters or bidirectional overrides are refused
  (`core/text.py`): they could forge what the terminal or the list shows.
* `format(parse(uri))` is stable: the output always uses `%20`, always writes
  algorithm, digits and period (or counter) and writes parameters in a fixed
  order, so formatting a parsed canonical URI gives back the same string.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlsplit

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.base32 import decode_secret, encode_secret
from desktop_2fa.core.errors import InvalidParams, InvalidSecret, InvalidUri
from desktop_2fa.core.params import STEAM_DIGITS, Algorithm, OtpKind, OtpParams
from desktop_2fa.core.text import UnsafeText, check_label, shown

_KNOWN = ("secret", "issuer", "algorithm", "digits", "period", "counter", "encoder")
_MAX_URI_LENGTH = 8192  # a QR code holds at most ~4 KB; anything longer is not a real URI
_MAX_DIGITS = 20  # the largest number a URI may carry is a counter below 2^64


def _int_param(query: dict[str, str], key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise InvalidUri(key, f"{key} must be a whole number, got '{shown(raw, 20)}'")
    if len(text) > _MAX_DIGITS:  # int() refuses over 4,300 digits (a ValueError)
        raise InvalidUri(key, f"{key} is far too large ({len(text)} digits)")
    return int(text)


def _query(text: str) -> dict[str, str]:
    """Query parameters, names lower-cased; a known one given twice is refused."""
    query: dict[str, str] = {}
    for raw_key, value in parse_qsl(text, keep_blank_values=True):
        key = raw_key.lower()
        if key in _KNOWN and key in query:
            raise InvalidUri(key, f"{key} is given more than once")
        query[key] = value
    return query


def _algorithm(query: dict[str, str]) -> Algorithm:
    text = query.get("algorithm", "SHA1").upper().replace("-", "")
    try:
        return Algorithm(text)
    except ValueError:
        raise InvalidUri(
            "algorithm",
            f"algorithm must be SHA1, SHA256 or SHA512, got '{shown(query['algorithm'], 20)}'",
        ) from None


def _split_label(label: str, issuer_param: str | None) -> tuple[str, str]:
    """Split a decoded label into (issuer, account name)."""
    if issuer_param and label.startswith(issuer_param + ":"):
        return issuer_param, label[len(issuer_param) + 1 :].strip()
    label_issuer, sep, name = label.partition(":")
    if not sep:
        return issuer_param or "", label.strip()
    # Parameter wins over the label prefix (see module docstring).
    return (issuer_param or label_issuer.strip()), name.strip()


def parse(uri: str) -> AccountSpec:
    """Turn an otpauth:// URI into an `AccountSpec`.

    Raises:
        InvalidUri: with `part` naming the bad piece and a one-sentence message.
    """
    if len(uri) > _MAX_URI_LENGTH:
        raise InvalidUri("uri", f"URI is too long ({len(uri)} characters)")
    try:
        parts = urlsplit(uri.strip())
    except ValueError as e:
        raise InvalidUri("uri", f"not a valid URI: {e}") from e
    if parts.scheme.lower() != "otpauth":
        scheme = shown(parts.scheme or uri, 20)
        raise InvalidUri("scheme", f"not an otpauth:// URI (scheme is '{scheme}')")
    kind_text = parts.netloc.lower()
    try:
        kind = OtpKind(kind_text)
    except ValueError:
        raise InvalidUri(
            "type", f"type must be totp, hotp or steam, got '{shown(parts.netloc, 20)}'"
        ) from None

    query = _query(parts.query)

    if query.get("encoder", "").lower() == "steam":
        kind = OtpKind.STEAM

    label = unquote(parts.path.lstrip("/"))
    issuer_param = query.get("issuer")
    issuer_param = issuer_param.strip() if issuer_param is not None else None
    issuer, name = _split_label(label, issuer_param)
    if not name and not issuer:
        raise InvalidUri("label", "label (the account name) is missing")
    try:  # a "\r" or U+202E in a name forges what is printed (core/text.py)
        check_label(issuer, "issuer")
        check_label(name, "account name")
    except UnsafeText as e:
        raise InvalidUri("label", str(e)) from e

    if "secret" not in query:
        raise InvalidUri("secret", "secret is missing")
    try:
        secret = decode_secret(query["secret"])
    except InvalidSecret as e:
        raise InvalidUri("secret", str(e)) from e

    algorithm = _algorithm(query)
    # Steam ignores the digits parameter; its codes are always 5 characters.
    digits = STEAM_DIGITS if kind is OtpKind.STEAM else _int_param(query, "digits", 6)
    period = _int_param(query, "period", 30)
    counter = 0
    if kind is OtpKind.HOTP:
        if query.get("counter", "") == "":
            raise InvalidUri("counter", "counter is required for hotp")
        counter = _int_param(query, "counter", 0)

    try:
        params = OtpParams(
            kind=kind,
            secret=secret,
            algorithm=algorithm,
            digits=digits,
            period=period,
            counter=counter,
        )
    except InvalidParams as e:
        raise InvalidUri(e.field, str(e)) from e
    return AccountSpec(issuer=issuer, name=name, params=params)


def _pct(text: str) -> str:
    # Spaces as %20 everywhere, ':' and '@' encoded too (encodeURIComponent-like).
    return quote(text, safe="")


def format(spec: AccountSpec) -> str:
    """The canonical otpauth:// URI for an account."""
    p = spec.params
    if spec.issuer:
        label = f"{_pct(spec.issuer)}:{_pct(spec.name)}"
    else:
        # A leading ':' keeps a name that itself holds ':' from being read back
        # as "issuer:name" (an empty label issuer means "no issuer").
        label = f":{_pct(spec.name)}" if ":" in spec.name else _pct(spec.name)
    query = [f"secret={encode_secret(p.secret)}"]
    if spec.issuer:
        query.append(f"issuer={_pct(spec.issuer)}")
    query.append(f"algorithm={p.algorithm.value}")
    if p.kind is not OtpKind.STEAM:
        query.append(f"digits={p.digits}")
    if p.kind is OtpKind.HOTP:
        query.append(f"counter={p.counter}")
    else:
        query.append(f"period={p.period}")
    return f"otpauth://{p.kind.value}/{label}?{'&'.join(query)}"
