"""HTTP/1.1 connections that cannot be held open by a slow or endless request head.

uvicorn (0.54) waits for a request's headers for as long as the client likes,
and keeps every header byte it is sent; one client with a few thousand
half-sent requests ("slowloris") would hold that many sockets forever. This
protocol gives each request head `header_timeout` seconds, from the moment
the connection opens or the head's first byte arrives, and at most
`MAX_HEADER_BYTES`. Like Node's HTTP server (which better-auth runs on) it
answers `408 Request Timeout` or `431 Request Header Fields Too Large` and
closes the connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Node's default `maxHeaderSize`.
MAX_HEADER_BYTES = 16 * 1024
#: How long a refused connection still swallows input before it is closed.
LINGER_SECONDS = 2.0
_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n"
_TOO_LARGE = b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n"


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size cap on request heads."""

    header_timeout = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._refused = False

    @classmethod
    def with_timeout(cls, seconds: float) -> type[GuardedHttpProtocol]:
        """A subclass whose request heads get `seconds` to arrive."""
        return type("GuardedHttpProtocol", (cls,), {"header_timeout": seconds})

    # -- the deadline --------------------------------------------------------
    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        self._refuse(_TIMEOUT)

    def _refuse(self, answer: bytes) -> None:
        """Answer, then a lingering close: half-close and drop what still comes for
        a moment, so the client reads the answer instead of a TCP reset."""
        self._refused = True
        self._disarm()
        if self.transport.is_closing():
            return
        self.transport.write(answer)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    # -- uvicorn's protocol ------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)  # a new request's first byte arms the deadline
        if self._deadline is None and self._between_requests() and not self.transport.is_closing():
            # Bytes that began no request: the body of one already answered
            # (a 404 or 429 need not read it). uvicorn stopped its keep-alive
            # timer on their arrival; the connection is idle again, so it
            # gets that timer back rather than a request head's deadline,
            # whose 408 would answer the client's next request.
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def on_message_begin(self) -> None:
        self._head_bytes = 0
        if self._deadline is None:
            self._arm()  # the first byte of a request, on a kept-alive connection too
        super().on_message_begin()

    def _count(self, size: int) -> bool:
        self._head_bytes += size
        if self._head_bytes > MAX_HEADER_BYTES and not self._refused:
            self._refuse(_TOO_LARGE)
        return not self._refused

    def on_url(self, url: bytes) -> None:
        if self._count(len(url)):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._count(len(name) + len(value)):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        if not self._refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()
