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
