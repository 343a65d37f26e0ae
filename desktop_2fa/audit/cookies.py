"""Set-Cookie headers read for their attributes (RFC 6265 section 5.2)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class SetCookie:
    """One Set-Cookie header.

    Attributes:
        attributes: lower-case attribute name -> value ("" for flags like HttpOnly).
    """

    name: str
    value: str
    attributes: dict[str, str]

    @property
    def clears(self) -> bool:
        """An empty value or Max-Age <= 0: the server deletes the cookie."""
        age = self.max_age
        return not self.value or (age is not None and age <= 0)

    @property
    def max_age(self) -> int | None:
        try:
            return int(self.attributes["max-age"])
        except (KeyError, ValueError):
            return None

    def lifetime(self, date_header: str | None) -> float | None:
        """Seconds the browser keeps it: Max-Age, else Expires minus the reply's Date.

        None: a session cookie (kept until the browser closes).
        """
        if self.max_age is not None:
            return float(self.max_age)
        expires = self.attributes.get("expires")
        if not expires or not date_header:
            return None
        try:
            return (
                parsedate_to_datetime(expires) - parsedate_to_datetime(date_header)
            ).total_seconds()
        except (TypeError, ValueError):
            return None

    @property
    def same_site(self) -> str:
        return self.attributes.get("samesite", "").lower()


def parse_set_cookie(header: str) -> SetCookie:
    """Name, value and attributes of a Set-Cookie header value."""
    first, *rest = header.split(";")
    name, _, value = first.partition("=")
    attributes: dict[str, str] = {}
    for item in rest:
        key, _, val = item.strip().partition("=")
        if key:
            attributes[key.lower()] = val.strip()
    return SetCookie(name.strip(), value.strip(), attributes)
