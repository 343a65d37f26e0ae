"""An HTTP answer as the checks read it, and what a check concludes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_2fa.audit.evidence import RECORD, printable
from desktop_2fa.audit.model import RecordedExchange, Verdict
from desktop_2fa.enroll.client import AuthClient

#: A JSON body, or a function that builds it when it is sent: a TOTP code in a
#: body goes stale while a rate limit is waited out, so it is rebuilt each time.
Body = dict[str, Any] | Callable[[], dict[str, Any]] | None


@dataclass(frozen=True, slots=True)
class Finding:
    verdict: Verdict
    summary: str


def passed(summary: str) -> Finding:
    return Finding(Verdict.PASS, summary)


def failed(summary: str) -> Finding:
    return Finding(Verdict.FAIL, summary)


def skipped(summary: str) -> Finding:
    return Finding(Verdict.SKIP, summary)


class Answer:
    """An HTTP answer, read the way better-auth writes them (PROTOCOL.md section 1)."""

    def __init__(
        self, response: httpx.Response, ms: float = 0.0, sent: dict[str, Any] | None = None
    ) -> None:
        self.response = response
        self.ms = ms
        #: The JSON body that was sent (after any rebuilding, see `AuditContext.call`).
        self.sent = sent or {}
        self.status = response.status_code
        try:
            self.body: Any = response.json() if response.content else None
        except ValueError:
            self.body = None

    @property
    def record(self) -> RecordedExchange | None:
        """This exchange as it went into the evidence."""
        found = self.response.extensions.get(RECORD)
        return found if isinstance(found, RecordedExchange) else None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def field(self, key: str) -> Any:
        return self.body.get(key) if isinstance(self.body, dict) else None

    @property
    def code(self) -> str:
        value = self.field("code")
        return value if isinstance(value, str) else ""

    @property
    def retry_after(self) -> float | None:
        # better-auth sends only X-Retry-After (PROTOCOL.md section 6).
        for name in ("x-retry-after", "retry-after"):
            try:
                return max(0.0, float(self.response.headers[name]))
            except (KeyError, ValueError):
                continue
        return None

    @property
    def is_rate_limiter(self) -> bool:
        """A request limiter's 429: a retry time and no code of a lock.

        better-auth's limiter answers `{"message"}` with X-Retry-After; its
        account lock answers `ACCOUNT_TEMPORARILY_LOCKED` without one
        (PROTOCOL.md section 6). Only the first is worth waiting out.
        """
        return (
            self.status == 429
            and self.retry_after is not None
            and self.code in ("", "TOO_MANY_REQUESTS", "RATE_LIMITED", "RATE_LIMIT_EXCEEDED")
        )

    @property
    def set_cookies(self) -> list[str]:
        return self.response.headers.get_list("set-cookie")

    def describe(self) -> str:
        """`401 INVALID_CODE "Invalid code"` (bounded, printable)."""
        message = self.field("message")
        parts = [str(self.status)]
        if self.code:
            parts.append(printable(self.code, 60))
        if isinstance(message, str):
            parts.append(f'"{printable(message, 120)}"')
        elif not self.body and self.response.content:
            parts.append(f"({len(self.response.content)} bytes, not JSON)")
        return " ".join(parts)


def cookie_header(client: AuthClient) -> str:
    """Every cookie the client holds, as one Cookie header value."""
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
