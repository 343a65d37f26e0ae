"""Servers for the enrollment tests: the reference server as a real process, and
small misbehaving HTTP servers (down, slow, HTML, bare 500). All on 127.0.0.1."""

from __future__ import annotations

import http.server
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import OpenVault, VaultFile
from server_stub.process import spawn

SECRET = "enroll-tests-secret-0123456789abcdefghijklmnop"


@pytest.fixture
def reference_server() -> Iterator[str]:
    """The bundled reference server as a real process (default settings: rate limit on)."""
    with spawn("--memory", env={**os.environ, "D2FA_SERVER_SECRET": SECRET}) as server:
        yield server.base_url


@pytest.fixture
def scratch_vault(vault_path: Path, fast_kdf: KdfParams) -> OpenVault:
    return VaultFile(vault_path).create("pw", kdf=fast_kdf)


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200
    content_type = "text/html"
    body = b"<html><body>It works!</body></html>"
    extra_headers: ClassVar[dict[str, str]] = {}

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        for name, value in self.extra_headers.items():
            if name != "Date":
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        # A "Date" in extra_headers replaces the one http.server writes itself.
        return self.extra_headers.get("Date") or super().date_time_string(timestamp)


@pytest.fixture
def fake_server() -> Iterator[Callable[..., str]]:
    """Start an HTTP server that answers every request the same way; returns its URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(status: int = 200, content_type: str = "text/html", body: bytes = b"<html/>",
              headers: dict[str, str] | None = None) -> str:  # fmt: skip
        handler = type(
            "H",
            (_Handler,),
            {"status": status, "content_type": content_type, "body": body,
             "extra_headers": headers or {}},
        )  # fmt: skip
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers (a hung server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def closed_port() -> str:
    """A port nothing listens on (a server that is down)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class DrippingServer:
    """Answers `GET .../get-session` at once; every other request byte by byte, forever.

    `part` is what drips: "head" (the status line and headers) or "body"
    (after a head announcing a large body). A byte goes out every 0.1 s, so
    no single read ever waits long: only a deadline for the whole exchange
    ends it. `huge` instead sends that many bytes of body as fast as it can.
    """

    def __init__(self, part: str = "body", huge: int = 0) -> None:
        self.part, self.huge = part, huge
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                while not self.stop.is_set():
                    head = b""
                    while b"\r\n\r\n" not in head:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        head += chunk
                    if head.startswith(b"GET") and b"/get-session" in head.split(b"\r\n")[0]:
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: 4\r\n\r\nnull")  # fmt: skip
                        continue
                    self._answer(conn)
                    return
            except OSError:
                return

    def _answer(self, conn: socket.socket) -> None:
        length = self.huge or 10**7
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % length)  # fmt: skip
        if self.huge:
            conn.sendall(head)
            block = b" " * 65536
            for _ in range(0, self.huge, len(block)):
                conn.sendall(block)
            return
        if self.part == "head":
            head = head.replace(b"\r\n", b"\r\nX-Padding: " + b"a" * 60000 + b"\r\n", 1)
        else:
            conn.sendall(head)
        for byte in head if self.part == "head" else b" " * length:
            if self.stop.wait(0.1):
                return
            conn.sendall(bytes([byte]))

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def dripping_server() -> Iterator[Callable[..., str]]:
    """`start(part="body"|"head", huge=0)` -> the URL of a `DrippingServer`."""
    started: list[DrippingServer] = []

    def start(part: str = "body", huge: int = 0) -> str:
        started.append(DrippingServer(part, huge))
        return started[-1].url

    yield start
    for server in started:
        server.close()
