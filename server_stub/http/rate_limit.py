"""The request rate limiter (PROTOCOL.md §0 and §6), as ASGI middleware.

Per (client address, exact path) bucket, better-auth's fixed-window rule:
a request more than `window` seconds after the bucket's last *allowed*
request starts a new window; otherwise, once `max` requests were allowed,
the request gets 429 `{"message":"Too many requests. Please try again later."}`
with `X-Retry-After` (and, beyond better-auth, the standard `Retry-After`)
set to the seconds left. Refused requests do not extend the block. Every
request to a limited path counts, whatever it is answered later.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from server_stub.http.client_address import ClientAddress
from server_stub.http.errors import Problem
from server_stub.settings import RateLimit

TOO_MANY_REQUESTS = Problem(429, None, "Too many requests. Please try again later.")
#: better-auth's memory store keeps at most this many buckets.
MAX_BUCKETS = 100_000


class RateLimiter:
    """Buckets in memory; `now` is seconds on any monotonic-enough clock."""

    def __init__(self, rule: RateLimit) -> None:
        self.rule = rule
        self._buckets: dict[tuple[str, str], tuple[int, float]] = {}
        self._calls = 0

    def applies_to(self, path: str) -> bool:
        """True if `path` (below the auth base path) is limited."""
        return path.startswith(self.rule.path_prefixes)

    def consume(self, client: str, path: str, now: float) -> int | None:
        """Count one request; None if allowed, else the seconds to wait."""
        self._calls += 1
        if self._calls % 1024 == 0 or len(self._buckets) >= MAX_BUCKETS:
            self._prune(now)
        key = (client, path)
        window = self.rule.window
        bucket = self._buckets.get(key)
        if bucket is None or now - bucket[1] >= window:
            self._buckets[key] = (1, now)
            return None
        count, last = bucket
        if count >= self.rule.max:
            return max(1, math.ceil(last + window - now))
        self._buckets[key] = (count + 1, now)
        return None

    def _prune(self, now: float) -> None:
        window = self.rule.window
        for key in [k for k, (_, last) in self._buckets.items() if now - last >= window]:
            del self._buckets[key]
        overflow = len(self._buckets) - MAX_BUCKETS + 1
        for key in list(self._buckets)[: max(0, overflow)]:
            del self._buckets[key]


class RateLimitMiddleware:
    """Answers 429 before routing when a limited bucket is full."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        addresses: ClientAddress,
        base_path: str,
        seconds: Callable[[], float],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.addresses = addresses
        self.base_path = base_path + "/"
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.base_path):
            await self.app(scope, receive, send)
            return
        sub_path = path[len(self.base_path) - 1 :]
        if not self.limiter.applies_to(sub_path):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        forwarded = None
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":
                forwarded = value.decode("latin-1")
                break
        address = self.addresses.resolve(client[0] if client else None, forwarded)
        wait = self.limiter.consume(address, sub_path, self.seconds())
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = TOO_MANY_REQUESTS.body()
        retry = str(wait).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-retry-after", retry),
                    (b"retry-after", retry),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
