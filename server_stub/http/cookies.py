"""better-auth's cookies (PROTOCOL.md §3): names, signing, attributes, clearing.

A signed value is `<value>.<base64(HMAC-SHA256(secret, value))>`, then
percent-encoded like JavaScript's `encodeURIComponent`. Attributes are always
`Path=/; HttpOnly; SameSite=Lax`, plus `Secure` (and the `__Secure-` name
prefix) when the base URL is https.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, unquote

SESSION_TOKEN = "session_token"  # noqa: S105 (a cookie name)
SESSION_DATA = "session_data"
DONT_REMEMBER = "dont_remember"
TWO_FACTOR = "two_factor"
TRUST_DEVICE = "trust_device"

_PREFIX = "better-auth."
_SECURE_PREFIX = "__Secure-"
#: encodeURIComponent leaves these (and alphanumerics) alone.
_URI_COMPONENT_SAFE = "-_.!~*'()"
_SIGNATURE_LENGTH = 44  # base64 of 32 bytes, with one '=' of padding


def parse_cookie_header(header: str) -> dict[str, str]:
    """better-call's parser: first occurrence wins, values percent-decoded if they can be."""
    cookies: dict[str, str] = {}
    index = 0
    length = len(header)
    while index < length:
        eq = header.find("=", index)
        if eq == -1:
            break
        end = header.find(";", index)
        if end == -1:
            end = length
        elif end < eq:
            index = header.rfind(";", 0, eq) + 1
            continue
        key = header[index:eq].strip()
        if key not in cookies:
            value = header[eq + 1 : end].strip()
            if value.startswith('"'):
                value = value[1:-1]
            if "%" in value:
                value = unquote(value, errors="strict") if _decodable(value) else value
            cookies[key] = value
        index = end + 1
    return cookies


def _decodable(value: str) -> bool:
    try:
        unquote(value, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class CookieNames:
    """The five cookie names for one server (prefixed on https)."""

    session_token: str
    session_data: str
    dont_remember: str
    two_factor: str
    trust_device: str

    @classmethod
    def for_server(cls, secure: bool) -> CookieNames:
        """Names as better-auth derives them from the base URL's scheme."""
        prefix = (_SECURE_PREFIX if secure else "") + _PREFIX
        return cls(
            session_token=prefix + SESSION_TOKEN,
            session_data=prefix + SESSION_DATA,
            dont_remember=prefix + DONT_REMEMBER,
            two_factor=prefix + TWO_FACTOR,
            trust_device=prefix + TRUST_DEVICE,
        )


class CookieSigner:
    """Signs and checks cookie values with the server secret (key kept hot)."""

    def __init__(self, secret: str, secure: bool) -> None:
        self._mac = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)
        self._attributes = "; Path=/; HttpOnly" + ("; Secure" if secure else "") + "; SameSite=Lax"

    def _signature(self, value: str) -> str:
        mac = self._mac.copy()
        mac.update(value.encode("utf-8", "surrogatepass"))
        return base64.b64encode(mac.digest()).decode("ascii")

    def sign(self, value: str) -> str:
        """The encoded cookie value for `value`."""
        return quote(f"{value}.{self._signature(value)}", safe=_URI_COMPONENT_SAFE)

    def unsign(self, raw: str | None) -> str | None:
        """The value inside a (decoded) signed cookie, or None if absent or forged."""
        if not raw:
            return None
        dot = raw.rfind(".")
        if dot < 1:
            return None
        value, signature = raw[:dot], raw[dot + 1 :]
        if len(signature) != _SIGNATURE_LENGTH or not signature.endswith("="):
            return None
        if not hmac.compare_digest(
            signature.encode("ascii", "replace"), self._signature(value).encode()
        ):
            return None
        return value

    def header(self, name: str, encoded_value: str, max_age: int | None) -> str:
        """A `Set-Cookie` value with better-call's attribute order."""
        age = "" if max_age is None else f"; Max-Age={max_age}"
        return f"{name}={encoded_value}{age}{self._attributes}"

    def set_signed(self, name: str, value: str, max_age: int | None) -> str:
        """`Set-Cookie` for a signed value."""
        return self.header(name, self.sign(value), max_age)

    def clearing(self, name: str) -> str:
        """`name=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`."""
        return self.header(name, "", 0)


class OutgoingCookies:
    """The `Set-Cookie` headers of one response, in order.

    Setting or clearing a name first drops what was queued for it, like
    better-auth's `expireCookie` does, so each name appears at most once.
    """

    __slots__ = ("_headers",)

    def __init__(self) -> None:
        self._headers: list[tuple[str, str]] = []

    def add(self, name: str, header: str) -> None:
        """Queue `header` for cookie `name`, replacing an earlier one."""
        self._headers = [(n, h) for n, h in self._headers if n != name]
        self._headers.append((name, header))

    def headers(self) -> list[str]:
        """The queued `Set-Cookie` values."""
        return [header for _, header in self._headers]

    def __bool__(self) -> bool:
        return bool(self._headers)
