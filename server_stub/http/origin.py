"""The Origin / CSRF rule of PROTOCOL.md §2, as better-auth 1.7.25 applies it.

- Every non-GET request that carries any `Cookie` header must name a trusted
  origin in `Origin` (or, failing that, `Referer`).
- Sign-in and sign-up additionally check requests without cookies when they
  carry Fetch Metadata or an Origin/Referer, and refuse a cross-site
  top-level navigation outright.
- `callbackURL` in a body must be a safe relative path or on a trusted origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from server_stub.http.errors import HttpError, Problem

_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

MISSING_ORIGIN = Problem(403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin")
INVALID_ORIGIN = Problem(403, "INVALID_ORIGIN", "Invalid origin")
INVALID_CALLBACK_URL = Problem(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
CROSS_SITE_NAVIGATION = Problem(
    403,
    "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
)


def origin_of(url: str) -> str | None:
    """`new URL(url).origin` for http(s) URLs: scheme://host[:port], default port dropped."""
    if _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _safe_relative(url: str) -> bool:
    """better-auth's `isSafeRelativeURL`: `/path`, never `//host` or backslashes."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or _CONTROL.search(url):
        return False
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return re.search(r"%2[fF]|%5[cC]", path) is None


class OriginPolicy:
    """Which origins may send credentialed requests."""

    def __init__(self, base_url: str, extra: Iterable[str]) -> None:
        trusted = {origin_of(base_url)}
        trusted.update(origin_of(url) for url in extra)
        trusted.discard(None)
        self.trusted: frozenset[str] = frozenset(o for o in trusted if o is not None)

    def _validate(self, origin: str | None, referer: str | None) -> None:
        claimed = origin or referer or ""
        if not claimed or claimed == "null":
            raise HttpError(MISSING_ORIGIN)
        if origin_of(claimed) not in self.trusted:
            raise HttpError(INVALID_ORIGIN)

    def check_request(self, has_cookie: bool, origin: str | None, referer: str | None) -> None:
        """The router-wide rule: only requests with cookies are checked."""
        if has_cookie:
            self._validate(origin, referer)

    def check_sign_in_form(
        self,
        has_cookie: bool,
        origin: str | None,
        referer: str | None,
        *,
        fetch_site: str | None,
        fetch_mode: str | None,
        fetch_dest: str | None,
    ) -> None:
        """`formCsrfMiddleware` of sign-in and sign-up."""
        if has_cookie:
            self._validate(origin, referer)
            return
        if any(value and value.strip() for value in (fetch_site, fetch_mode, fetch_dest)):
            if fetch_site == "cross-site" and fetch_mode == "navigate":
                raise HttpError(CROSS_SITE_NAVIGATION)
            self._validate(origin, referer)
            return
        if origin or referer:
            self._validate(origin, referer)

    def check_callback_url(self, url: str) -> None:
        """A `callbackURL` must stay on this server or a trusted origin."""
        if url.startswith("/"):
            if _safe_relative(url):
                return
            raise HttpError(INVALID_CALLBACK_URL)
        if origin_of(url) not in self.trusted:
            raise HttpError(INVALID_CALLBACK_URL)
