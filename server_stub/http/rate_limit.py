"""The request rate limiter (PROTOCOL.md §0 and §6), as ASGI middleware.

Per (client address, exact path) bucket, better-auth's fixed-window rule:
a request more than `window` seconds after the bucket's last *allowed*
request starts a new window; otherwise, once `max` requests were allowed,
the request gets 429 `{"message":"Too many requests. Please try again later."}`
with `X-Retry-After` (and, beyond better-auth, the standard `Retry-After`)
set to the seconds left. Refused requests do not extend the block. Every
request to a limited path counts, whatever it is answered later.

The rule for a path is the table row with the longest matching prefix. The
buckets live in the store, so every process on one database counts together;
the store call runs in a worker thread, never on the event loop. Paths the
server does not serve share one bucket per client and rule (better-auth would
make one per path), so random paths cannot fill the table.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection
from datetime import datetime

from starlette.types import ASGIApp, Receive, Scope, Send

from server_stub.http.client_address import ClientAddress
from server_stub.http.errors import INTERNAL, Problem
from server_stub.settings import RateLimit, rate_table
from server_stub.storage.protocol import Store
from server_stub.storage.records import StorageUnavailable
from server_stub.worker_threads import Threads

TOO_MANY_REQUESTS = Problem(429, None, "Too many requests. Please try again later.")
LOGGER = logging.getLogger("server_stub")


def retry_headers(wait: int) -> dict[str, str]:
    """better-auth's `X-Retry-After`, plus the standard `Retry-After` (RFC 9110 §10.2.3)."""
    return {"x-retry-after": str(wait), "retry-after": str(wait)}


class RateLimiter:
    """Picks the rule and the bucket for a request; the store counts."""

    def __init__(
        self,
        rules: RateLimit | tuple[RateLimit, ...],
        store: Store,
        known_paths: Collection[str],
    ) -> None:
        self.table = rate_table(rules)
        self._store = store
        self._known = frozenset(known_paths)

    def rule_for(self, path: str) -> tuple[str, RateLimit] | None:
        """The (prefix, rule) row that limits `path` (below the base path), if any."""
        for prefix, rule in self.table:
            if path.startswith(prefix):
                return prefix, rule
        return None

    def hit(self, client: str, path: str, now: datetime) -> int | None:
        """Count one request; None if allowed (or unlimited), else the seconds to wait."""
        found = self.rule_for(path)
        if found is None:
            return None
        prefix, rule = found
        shown = path if path in self._known else prefix + "\x00other"
        key = f"{client}\x00{shown}".encode("utf-8", "surrogatepass")
        bucket = hashlib.blake2b(key, digest_size=16).digest()
        return self._store.hit_rate_limit(bucket, rule.window, rule.max, now)


class RateLimitMiddleware:
    """Answers 429 before routing when a limited bucket is full."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        addresses: ClientAddress,
        base_path: str,
        now: Callable[[], datetime],
        threads: Threads,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.addresses = addresses
        self.base_path = base_path + "/"
        self.now = now
        self.threads = threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.base_path):
            await self.app(scope, receive, send)
            return
        sub_path = path[len(self.base_path) - 1 :]
        if self.limiter.rule_for(sub_path) is None:
            await self.app(scope, receive, send)
            return
        address = self.addresses.of(scope)
        try:
            now = self.now()
            wait = await self.threads.run(lambda: self.limiter.hit(address, sub_path, now))
        except StorageUnavailable as e:
            # Refuse rather than let requests through uncounted.
            LOGGER.error("rate limit for %s: the database did not answer: %s", sub_path, e)
            await _answer(send, INTERNAL, {})
            return
        if wait is None:
            await self.app(scope, receive, send)
            return
        await _answer(send, TOO_MANY_REQUESTS, retry_headers(wait))


async def _answer(send: Send, problem: Problem, extra: dict[str, str]) -> None:
    body = problem.body()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
