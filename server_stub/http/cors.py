"""CORS for the auth API, for trusted origins only.

A front-end on another origin (a Vite dev server, a tester's own pages) calls
the API with `fetch(..., {credentials: "include"})` and a JSON body, so the
browser first sends a preflight (`OPTIONS` with `Access-Control-Request-Method`)
and then reads the answer only if it names the page's origin and allows
credentials (Fetch standard, "CORS protocol"). better-auth leaves this to the
framework around it; this answers the way the usual `cors({origin: trusted,
credentials: true})` set-up of a better-auth app does:

- a preflight from a trusted origin gets 204 with the origin, credentials
  allowed, GET and POST, the requested headers (when they are plain header
  names) and a 600 s max age;
- any other request from a trusted origin gets the origin and credentials
  allowed added to its answer, and may read `X-Retry-After`/`Retry-After`;
- requests from any other origin, or without one, pass through untouched:
  they get nothing extra (a preflight so gets better-call's empty 404, and the
  browser refuses the request).

The Origin/CSRF rule of PROTOCOL.md §2 still runs on the request itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.http.origin import origin_of

MAX_AGE = 600
#: Header names a preflight may ask for: RFC 9110 tokens, comma separated, bounded.
_HEADER_LIST = re.compile(
    r"[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*"
)
MAX_REQUEST_HEADERS = 1024
EXPOSED = b"X-Retry-After, Retry-After"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class CorsMiddleware:
    """Answers preflights and marks answers for the trusted origins, on the API paths only."""

    def __init__(self, app: ASGIApp, origins: Iterable[str], base_path: str) -> None:
        self.app = app
        self.origins = frozenset(o for o in (origin_of(url) for url in origins) if o is not None)
        self.base_path = base_path

    def _applies(self, scope: Scope) -> bytes | None:
        """The request's Origin if it is trusted and the path is the API's, else None."""
        if scope["type"] != "http":
            return None
        path: str = scope.get("path", "")
        if path != self.base_path and not path.startswith(self.base_path + "/"):
            return None
        origin = _header(scope, b"origin")
        # Compared as sent: browsers serialise an origin exactly as origin_of does.
        if origin is None or origin.decode("latin-1") not in self.origins:
            return None
        return origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = self._applies(scope)
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
        ]
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            await self._preflight(scope, send, allowed)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"vary"]
                vary = [v for k, v in message.get("headers", ()) if k.lower() == b"vary"]
                headers += allowed
                headers.append((b"access-control-expose-headers", EXPOSED))
                headers.append((b"vary", b", ".join([*vary, b"Origin"])))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(
        self, scope: Scope, send: Send, allowed: list[tuple[bytes, bytes]]
    ) -> None:
        headers = [
            *allowed,
            (b"access-control-allow-methods", b"GET, POST"),
            (b"access-control-max-age", str(MAX_AGE).encode()),
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            (b"content-length", b"0"),
        ]
        requested = _header(scope, b"access-control-request-headers")
        if requested is not None and len(requested) <= MAX_REQUEST_HEADERS:
            text = requested.decode("latin-1").strip(" \t")  # OWS: RFC 9110 §5.6.3
            if _HEADER_LIST.fullmatch(text):
                headers.append((b"access-control-allow-headers", text.lower().encode()))
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
