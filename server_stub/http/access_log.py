"""One log line per request: method, path, status, milliseconds.

Only the path is logged (never the query string, headers, cookies or body),
so no secret, code, password or cookie can reach the log.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = logging.getLogger("server_stub.access")
MAX_PATH = 200


def loggable_path(path: str) -> str:
    """The path as one safe line: control characters escaped, length capped."""
    if not path.isprintable():
        path = path.encode("unicode_escape").decode("ascii")
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "..."


class AccessLogMiddleware:
    """Logs `METHOD /path STATUS 1.2ms` at INFO once the request is handled.

    A request that ends without any response (the client went away before
    its body was complete) is logged as `METHOD /path client disconnected`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not LOGGER.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except BaseException:
            status = status or 500
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            method, path = scope["method"], loggable_path(scope["path"])
            if status is None:
                LOGGER.info("%s %s client disconnected %.1fms", method, path, elapsed)
            else:
                LOGGER.info("%s %s %d %.1fms", method, path, status, elapsed)
