"""Values the protocol returns (PROTOCOL.md sections 1, 4 and 5)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    name: str
    email_verified: bool
    two_factor_enabled: bool


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in session as the server describes it (get-session)."""

    token: str
    user: User
    expires_at: str


@dataclass(frozen=True, slots=True)
class SignInResult:
    """What sign-in gave: a session, or the `twoFactorRedirect` challenge.

    Attributes:
        two_factor_redirect: the server wants a second factor (a `two_factor`
            challenge cookie is now in the client's jar).
        methods: `twoFactorMethods` from the server, e.g. ("totp",).
        token: the session token when no second factor was needed.
    """

    two_factor_redirect: bool
    methods: tuple[str, ...] = ()
    token: str | None = None
    user: User | None = None


@dataclass(frozen=True, slots=True)
class EnableResult:
    totp_uri: str
    backup_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """A successful verify-totp / verify-backup-code.

    `token` may be stale right after activation (better-auth echoes the old,
    deleted token there, PROTOCOL.md section 5); the cookie is what counts.
    """

    token: str | None
    user: User | None


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange, for round-trip reports and logs (never bodies: secrets).

    Attributes:
        path: the endpoint below the auth base URL ("sign-in/email").
        url: the full URL it went to.
    """

    method: str
    path: str
    status: int | None
    ms: float
    url: str = ""
