"""A small asyncio HTTP/1.1 load generator for the server benchmarks.

Keep-alive connections each send the same raw request back to back and note
every latency (httpx is too slow to saturate the server).
"""

from __future__ import annotations

import asyncio
import time
from typing import cast


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending the same request back to back."""

    def __init__(self, request: bytes, stop_at: float, latencies: list[float]) -> None:
        self.request = request
        self.stop_at = stop_at
        self.latencies = latencies
        self.buffer = b""
        self.sent = 0.0
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = (
                int(head[at + 15 : head.find(b"\r\n", at) if head.find(b"\r\n", at) > 0 else None])
                if at >= 0
                else 0
            )
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            now = time.perf_counter()
            self.latencies.append(now - self.sent)
            if now >= self.stop_at:
                assert self.transport is not None
                self.transport.close()
                return
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _load(
    port: int, requests: list[bytes], clients: int, seconds: float
) -> tuple[float, list[float]]:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + seconds
    connections = [
        (
            await loop.create_connection(
                lambda i=i: _Connection(requests[i % len(requests)], stop_at, latencies),
                "127.0.0.1",
                port,
            )
        )[1]
        for i in range(clients)
    ]
    await asyncio.wait_for(asyncio.gather(*(c.done for c in connections)), seconds + 30)
    return time.perf_counter() - started, latencies


def run_load(
    port: int, request: bytes | list[bytes], clients: int, seconds: float
) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 in ms, after a short warm-up.

    Connection i sends `request`, or `request[i % len(request)]` for a list.
    """
    requests = request if isinstance(request, list) else [request]
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        runner = asyncio.run
    _load_result = runner(_load(port, requests, clients, 0.5))  # warm-up
    del _load_result
    elapsed, latencies = runner(_load(port, requests, clients, seconds))
    latencies.sort()
    rate = len(latencies) / elapsed
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return rate, p50, p99


def raw_request(method: str, path: str, port: int, cookie: str, body: bytes = b"") -> bytes:
    """One HTTP/1.1 request to `/api/auth{path}` with Origin and cookies, as bytes."""
    lines = [
        f"{method} /api/auth{path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Origin: http://127.0.0.1:{port}",
        f"Cookie: {cookie}",
    ]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
