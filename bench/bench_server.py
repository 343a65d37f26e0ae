"""Reference server throughput against a real uvicorn process.

Starts `python -m server_stub` (SQLite in a temp folder, no rate limit) on a
free 127.0.0.1 port, signs a user up with active 2FA, then drives it with
8 concurrent keep-alive HTTP/1.1 connections from a small asyncio client
(httpx is too slow to saturate the server) for a few seconds per endpoint:

- verify-totp in session mode (wrong codes: the full verification path),
- get-session,
- sign-in latency against the time of one scrypt hash.

Targets: verify-totp >= 2000 req/s, get-session >= 3200 req/s, sign-in no
slower than the password hash plus a small constant.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import http.client
import json
import os
import statistics
import struct
import tempfile
import time
from pathlib import Path
from typing import cast

from server_stub.process import spawn

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
SECONDS = 3.0
PASSWORD = "bench password 1"


def _totp(secret: str, offset: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class _Session:
    """A tiny blocking client that keeps cookies (set-up and sign-in timing)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, path: str, body: dict[str, object]) -> tuple[int, object]:
        headers = {"content-type": "application/json", "origin": self.origin}
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request("POST", "/api/auth" + path, json.dumps(body), headers)
        response = self.conn.getresponse()
        data = json.loads(response.read() or b"null")
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, data

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


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


async def _load(port: int, request: bytes, seconds: float) -> tuple[float, list[float]]:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + seconds
    connections = [
        (
            await loop.create_connection(
                lambda: _Connection(request, stop_at, latencies), "127.0.0.1", port
            )
        )[1]
        for _ in range(CLIENTS)
    ]
    await asyncio.wait_for(asyncio.gather(*(c.done for c in connections)), seconds + 30)
    return time.perf_counter() - started, latencies


def _run_load(port: int, request: bytes, seconds: float = SECONDS) -> tuple[float, float, float]:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        runner = asyncio.run
    _load_result = runner(_load(port, request, 0.5))  # warm-up
    del _load_result
    elapsed, latencies = runner(_load(port, request, seconds))
    latencies.sort()
    rate = len(latencies) / elapsed
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return rate, p50, p99


def _raw(method: str, path: str, port: int, cookie: str, body: bytes = b"") -> bytes:
    lines = [
        f"{method} /api/auth{path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Origin: http://127.0.0.1:{port}",
        f"Cookie: {cookie}",
    ]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _sign_in_vs_hash(port: int, rounds: int = 11) -> tuple[list[float], list[float]]:
    """Sign-in and scrypt hash times, measured alternately so they share the noise."""
    from server_stub.services.passwords import PasswordHasher

    hasher = PasswordHasher()
    signer = _Session(port)
    sign_ins, hashes = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        hasher.hash(PASSWORD)
        hashes.append(time.perf_counter() - started)
        signer.cookies.clear()
        started = time.perf_counter()
        status, _ = signer.post(
            "/sign-in/email", {"email": "bench@example.test", "password": PASSWORD}
        )
        sign_ins.append(time.perf_counter() - started)
        assert status == 200
    return sign_ins, hashes


def run() -> None:
    """Print the figures (nothing is asserted)."""
    with tempfile.TemporaryDirectory() as folder:
        # Default logging stays on: one line per request, as a user runs it.
        server = spawn("--db", str(Path(folder) / "bench.db"), "--no-rate-limit")
        port, startup = server.port, server.started_in
        try:
            print(
                f"server start (spawn to first answer): {startup * 1000:.0f} ms  (target < 1000 ms)"
            )
            user = _Session(port)
            user.post(
                "/sign-up/email",
                {"name": "Bench", "email": "bench@example.test", "password": PASSWORD},
            )
            status, enabled = user.post("/two-factor/enable", {"password": PASSWORD})
            assert status == 200 and isinstance(enabled, dict)
            secret = str(enabled["totpURI"]).split("secret=")[1].split("&")[0]
            status, _ = user.post("/two-factor/verify-totp", {"code": _totp(secret)})
            assert status == 200, "activation failed"
            cookie = user.cookie_header()

            body = b'{"code":"000000"}'
            rate, p50, p99 = _run_load(
                port, _raw("POST", "/two-factor/verify-totp", port, cookie, body)
            )
            print(
                f"verify-totp: {rate:7.0f} req/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms"
                f"  ({CLIENTS} clients, target >= 2000 req/s)"
            )
            rate, p50, p99 = _run_load(port, _raw("GET", "/get-session", port, cookie))
            print(
                f"get-session: {rate:7.0f} req/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms"
                f"  ({CLIENTS} clients, target >= 3200 req/s)"
            )

            sign_ins, hashes = _sign_in_vs_hash(port)
            sign_in, one_hash = statistics.median(sign_ins) * 1000, statistics.median(hashes) * 1000
            print(
                f"sign-in: p50 {sign_in:.1f} ms (best {min(sign_ins) * 1000:.1f}) vs one scrypt"
                f" hash p50 {one_hash:.1f} ms (best {min(hashes) * 1000:.1f})"
                f"  (target: sign-in costs one hash, nothing more)"
            )
        finally:
            server.stop()
        if os.environ.get("BENCH_SERVER_VERBOSE"):
            print(f"(server on port {port} stopped)")
