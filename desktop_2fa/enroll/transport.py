"""An httpx transport that bounds each exchange in time and size, whatever the server does.

httpx's timeouts are per network operation: a server that sends one byte
every few seconds (the status line, a header, or a body announced as large)
keeps each read short and the exchange alive for days, and a reply body is
read whole into memory however large it is. A tester points this client at
servers they do not trust (DESIGN.md, house style: bound time, memory and
output length), so every exchange here has a deadline, `timeout` seconds
after it starts (connecting, sending, the head and the body together), and
a reply body over `max_bytes` is refused while it is being read.

The deadline reaches the sockets through httpcore's network-backend
interface: every connect, read and write gets at most the time left. It is
kept per thread (greenlet under Locust's gevent), since one transport may
serve several threads (the audit's simultaneous requests).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

#: The largest reply body read (better-auth's answers are a few KiB).
MAX_REPLY_BYTES = 1024 * 1024


class ReplyTooLarge(httpx.ReadError):
    """A reply body beyond the transport's `max_bytes`."""


class _Deadline(threading.local):
    """When the exchange running in this thread must be over (monotonic clock)."""

    at: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """`timeout` cut to the time left; raises `error` when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("the exchange ran past its deadline")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, wait), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return _Stream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_unix_socket(path, wait, socket_options)
        return _Stream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class BoundedTransport(httpx.HTTPTransport):
    """`httpx.HTTPTransport` with a deadline per exchange and a cap on the reply body.

    Args:
        verify: verify TLS certificates.
        timeout: seconds one exchange may take from start to end.
        max_bytes: the largest reply body read; a larger one raises `ReplyTooLarge`.
    """

    def __init__(
        self, *, verify: bool = True, timeout: float, max_bytes: int = MAX_REPLY_BYTES
    ) -> None:
        # The parent's pool is replaced by one on the bounded network backend
        # (httpx passes no backend through); its TLS context is made once, here.
        super().__init__(verify=False)
        self._deadline = _Deadline()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            network_backend=_Backend(self._deadline),
        )
        self.timeout = timeout
        self.max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._deadline.at = time.monotonic() + self.timeout
        try:
            raw = super().handle_request(request)
            content = self._read_bounded(raw)
        finally:
            self._deadline.at = None
        # The body is decoded already (the cap counts what gzip would inflate).
        # Raw bytes: a header that is not ASCII (a hostile cookie name) passes
        # through as the server sent it, where str headers fail to encode.
        headers = [(k, v) for k, v in raw.headers.raw
                   if k.lower() not in (b"content-encoding", b"content-length")]  # fmt: skip
        return httpx.Response(
            raw.status_code,
            headers=headers,
            content=content,
            request=request,
            extensions=dict(raw.extensions),
        )

    def _read_bounded(self, raw: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise ReplyTooLarge(f"the reply is larger than {self.max_bytes // 1024} KiB")
                chunks.append(chunk)
        finally:
            raw.close()
        return b"".join(chunks)
