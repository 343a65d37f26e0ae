"""Reference server throughput against real uvicorn processes, for three set-ups.

1 worker on SQLite, 2 workers on SQLite, 2 workers on PostgreSQL (a scratch
server in a temporary folder, fsync on). Each runs `python -m server_stub`
(rate limit off, default logging) on a free 127.0.0.1 port, signs a user up
with active 2FA, then drives it with 8 and 64 keep-alive connections
(`bench/http_load.py`) for a few seconds per endpoint:

- verify-totp in session mode (wrong codes: the full verification path),
- get-session,
- sign-in: its latency beside one scrypt hash, and sign-ins per second with
  8 connections beside scrypt hashes per second on as many threads as cores.

Targets (1 worker on SQLite, 8 connections): verify-totp >= 2000 req/s,
get-session >= 3200 req/s; sign-in no slower than the password hash plus a
small constant. The machine is shared and small: figures are noisy.
"""

from __future__ import annotations

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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.http_load import raw_request, run_load
from server_stub.process import spawn
from server_stub.scratch_postgres import ScratchPostgres
from server_stub.services.passwords import PasswordHasher

CONNECTIONS = (8, 64)
SECONDS = 3.0
PASSWORD = "bench password 1"
SECRET = "bench-server-secret-" + "x" * 40
TARGETS = {"verify-totp": 2000, "get-session": 3200}


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


def _sign_in_vs_hash(port: int, rounds: int = 11) -> tuple[list[float], list[float]]:
    """Sign-in and scrypt hash times, measured alternately so they share the noise."""
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


def _hashes_per_second(seconds: float = 3.0) -> float:
    """scrypt hashes per second on as many threads as cores (hashlib releases the GIL)."""
    hasher = PasswordHasher()
    threads = os.cpu_count() or 1
    stop_at = time.perf_counter() + seconds

    def spin(_: int) -> int:
        done = 0
        while time.perf_counter() < stop_at:
            hasher.hash(PASSWORD)
            done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(spin, range(threads)))
    return total / (time.perf_counter() - started)


def _enrolled_cookie(port: int) -> str:
    user = _Session(port)
    user.post(
        "/sign-up/email", {"name": "Bench", "email": "bench@example.test", "password": PASSWORD}
    )
    status, enabled = user.post("/two-factor/enable", {"password": PASSWORD})
    assert status == 200 and isinstance(enabled, dict)
    secret = str(enabled["totpURI"]).split("secret=")[1].split("&")[0]
    status, _ = user.post("/two-factor/verify-totp", {"code": _totp(secret)})
    assert status == 200, "activation failed"
    return user.cookie_header()


def _measure(label: str, args: list[str]) -> None:
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET}
    with spawn(*args, "--no-rate-limit", env=env) as server:
        port = server.port
        cookie = _enrolled_cookie(port)
        requests = {
            "verify-totp": raw_request(
                "POST", "/two-factor/verify-totp", port, cookie, b'{"code":"000000"}'
            ),
            "get-session": raw_request("GET", "/get-session", port, cookie),
        }
        for name, request in requests.items():
            for clients in CONNECTIONS:
                rate, _, p99 = run_load(port, request, clients, SECONDS)
                target = (
                    f"  (target >= {TARGETS[name]})" if "1 worker" in label and clients == 8 else ""
                )
                print(f"{label:<24} {name:<12} {clients:>2} conns {rate:7.0f} req/s"
                      f"  p99 {p99:6.2f} ms{target}")  # fmt: skip
        # One account per connection: more than 5 password checks at once for
        # one e-mail are refused by design (they are counted before checking).
        sign_ins = []
        for n in range(8):
            body = {"email": f"signer-{n}@example.test", "password": PASSWORD}
            _Session(port).post("/sign-up/email", {"name": "S", **body})
            sign_ins.append(
                raw_request("POST", "/sign-in/email", port, "", json.dumps(body).encode())
            )
        rate, _, p99 = run_load(port, sign_ins, 8, SECONDS)
        print(f"{label:<24} {'sign-in':<12}  8 conns {rate:7.1f} req/s  p99 {p99:6.0f} ms")


@contextmanager
def _postgres() -> Iterator[str]:
    with ScratchPostgres(durable=True) as cluster:
        yield cluster.create_database("bench")


def run() -> None:
    """Print the figures (nothing is asserted)."""
    with tempfile.TemporaryDirectory() as folder:
        server = spawn("--db", str(Path(folder) / "start.db"), "--no-rate-limit")
        try:
            print(
                f"server start (spawn to first answer): {server.started_in * 1000:.0f} ms"
                "  (target < 1000 ms)"
            )
            sign_ins, hashes = _sign_in_vs_hash_on(server.port)
        finally:
            server.stop()
        sign_in, one_hash = statistics.median(sign_ins) * 1000, statistics.median(hashes) * 1000
        print(
            f"sign-in: p50 {sign_in:.1f} ms (best {min(sign_ins) * 1000:.1f}) vs one scrypt"
            f" hash p50 {one_hash:.1f} ms (best {min(hashes) * 1000:.1f})"
            f"  (target: sign-in costs one hash, nothing more)"
        )
        print(f"scrypt on {os.cpu_count()} threads: {_hashes_per_second():.1f} hashes/s"
              "  (the ceiling for sign-ins per second)")  # fmt: skip
        _measure("1 worker, SQLite", ["--db", str(Path(folder) / "one.db")])
        _measure("2 workers, SQLite", ["--db", str(Path(folder) / "two.db"), "--workers", "2"])
    with _postgres() as url:
        _measure("2 workers, PostgreSQL", ["--db", url, "--workers", "2"])


def _sign_in_vs_hash_on(port: int) -> tuple[list[float], list[float]]:
    _Session(port).post(
        "/sign-up/email", {"name": "Bench", "email": "bench@example.test", "password": PASSWORD}
    )
    return _sign_in_vs_hash(port)
