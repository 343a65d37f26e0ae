"""Settings of the reference server: one frozen value, built once by the caller.

Defaults mirror the better-auth configuration that PROTOCOL.md was captured
from (appName and issuer "Desktop2FA Reference", 7-day sessions, 600 s
challenge cookie, 30-day trusted device) plus what section 0 adds (the seed
guide's rate limit of 5 requests per 60 s on `/two-factor/*`, the account
lock of 10 failures for 900 s) and what better-auth does in production
(3 requests per 10 s on sign-in and sign-up, 100 per 10 s elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from server_stub.storage.records import SignInThrottle

DEFAULT_NAME = "Desktop2FA Reference"

#: better-auth warns below 32 characters; we refuse.
MIN_SECRET_LENGTH = 32


class Clock(Protocol):
    """Returns the current time as an aware UTC datetime.

    Only the request handling calls it; services take `now` as an argument.
    """

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A fixed window per (client address, exact path), as better-auth counts it.

    Attributes:
        window: seconds a bucket lives after its last allowed request.
        max: requests allowed inside one window; the next gets 429.
        path_prefixes: paths under the auth base path the rule applies to;
            where several rules match a path, the longest prefix wins.
    """

    window: int = 60
    max: int = 5
    path_prefixes: tuple[str, ...] = ("/two-factor/",)

    def __post_init__(self) -> None:
        if self.window < 1 or self.max < 1:
            raise ValueError("rate limit window and max must be at least 1")
        if not self.path_prefixes or not all(p.startswith("/") for p in self.path_prefixes):
            raise ValueError("rate limit paths must start with '/'")


#: The rule table a server starts with: better-auth's production rules
#: (`getDefaultSpecialRules` and the global 100 per 10 s), with the seed
#: guide's 5 per 60 s for the two-factor plugin's paths.
DEFAULT_RATE_LIMITS: tuple[RateLimit, ...] = (
    RateLimit(window=10, max=100, path_prefixes=("/",)),
    RateLimit(window=10, max=3, path_prefixes=("/sign-in", "/sign-up")),
    RateLimit(window=60, max=5, path_prefixes=("/two-factor/",)),
)


RateRules = RateLimit | tuple[RateLimit, ...] | None


def rate_table(rules: RateRules) -> tuple[tuple[str, RateLimit], ...]:
    """(prefix, rule) rows, longest prefix first; a later rule for a prefix wins."""
    if rules is None:
        return ()
    by_prefix: dict[str, RateLimit] = {}
    for rule in (rules,) if isinstance(rules, RateLimit) else rules:
        for prefix in rule.path_prefixes:
            by_prefix[prefix] = rule
    return tuple(sorted(by_prefix.items(), key=lambda row: (-len(row[0]), row[0])))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app needs besides its store and clock.

    Attributes:
        secret: signs cookies and derives the at-rest keys (>= 32 characters).
        base_url: scheme://host:port the server is reached at; its origin is
            always trusted, and an https URL switches cookies to `__Secure-`.
            None means "not known yet" (the runner fills it in after binding).
        app_name: better-auth `appName`; used by get-totp-uri (a quirk).
        issuer: the plugin `issuer`; used by enable when the body has none.
        rate_limit: one rule or a table of them (`DEFAULT_RATE_LIMITS`); None
            disables the limiter.
        sign_in_throttle: pauses for an e-mail after wrong passwords (per client
            address, and from all of them); None: off.
        header_timeout: seconds a client gets to send a request's headers.
        body_timeout: seconds a client gets to send a request's body.
        trusted_origins: extra origins allowed by the Origin check (§2).
        trusted_proxies: peer addresses whose `X-Forwarded-For` is believed.
        web: serve the guide's pages at `/` (server_stub/web).
    """

    secret: str = field(repr=False)
    base_url: str | None = None
    app_name: str = DEFAULT_NAME
    issuer: str | None = DEFAULT_NAME
    rate_limit: RateRules = DEFAULT_RATE_LIMITS
    sign_in_throttle: SignInThrottle | None = field(default_factory=SignInThrottle)
    trusted_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    web: bool = True
    base_path: str = "/api/auth"
    session_max_age: int = 7 * 24 * 3600
    session_update_age: int = 24 * 3600
    dont_remember_session_age: int = 24 * 3600
    challenge_max_age: int = 600
    challenge_max_attempts: int = 5
    trust_device_max_age: int = 30 * 24 * 3600
    lockout_max_failures: int = 10
    lockout_seconds: int = 900
    min_password_length: int = 8
    max_password_length: int = 128
    max_body_bytes: int = 64 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the server secret must have at least {MIN_SECRET_LENGTH} characters")
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"base URL must be http(s)://host[:port], not {self.base_url!r}")
        if not self.base_path.startswith("/") or self.base_path.endswith("/"):
            raise ValueError("base_path must start with '/' and not end with one")
        if not (0 < self.header_timeout <= 3600 and 0 < self.body_timeout <= 3600):
            raise ValueError("timeouts must be more than 0 and at most 3600 seconds")

    @property
    def secure_cookies(self) -> bool:
        """True when cookies get the `__Secure-` prefix and `Secure` (§3)."""
        return self.base_url is not None and self.base_url.startswith("https://")
