"""Hostile or unlucky clients and processes: slow headers, vanished clients, racing starts."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from server_stub.process import spawn
from server_stub.secret_file import secret_beside


@pytest.mark.parametrize("step", ["fdopen", "write", "fsync", "link", "replace"])
def test_a_kill_while_the_secret_file_is_made_leaves_no_half_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    db = tmp_path / "s.db"

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies right here

    with monkeypatch.context() as patch:
        patch.setattr(os, step, killed)
        with contextlib.suppress(KeyboardInterrupt):
            secret_beside(db)
    secret = secret_beside(db)  # the next start works and keeps its secret
    assert len(secret) >= 32
    assert secret_beside(db) == secret
    assert (tmp_path / "s.db.secret").read_text().strip() == secret


def _half_header(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /api/auth/ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def _until_closed(sock: socket.socket) -> bytes:
    sock.settimeout(30)  # a bound on the test, not the server's timeout
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    sock.close()
    return received


def test_a_half_sent_header_is_cut_off_with_408() -> None:
    with spawn("--memory", "--header-timeout", "1") as server:
        assert _until_closed(_half_header(server.port)).startswith(b"HTTP/1.1 408 ")
        # A kept-alive connection gets the same deadline for its next request.
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"GET /api/auth/ok HTTP/1.1\r\nHost: x\r\n\r\nGET /api/auth/ok HTTP/1.1\r\n")
        answer = _until_closed(sock)
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(
            b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n"
        )
        log = server.stop()
    assert "Traceback" not in log


def test_a_body_sent_after_its_answer_does_not_start_the_next_requests_deadline() -> None:
    """Bytes of a request already answered (its body, arriving after a 404 or 429
    that did not wait for it) armed the deadline for the next request's head, so
    a client that then stayed idle for the deadline, as the round trip does for a
    rate limit's Retry-After, had its next request answered 408."""
    with spawn("--memory", "--header-timeout", "1") as server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.settimeout(30)
        sock.sendall(
            b"POST /api/auth/nothing-here HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n"
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 404 ")
        sock.sendall(b"{}")  # the body, after the answer
        time.sleep(1.5)  # idle, longer than a request head may take
        sock.sendall(b"GET /api/auth/ok HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")
        sock.close()
        log = server.stop()
    assert "Traceback" not in log


def test_an_endless_request_head_gets_431() -> None:
    with spawn("--memory") as server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"GET /api/auth/ok HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(100):
                sock.sendall(b"X-Filler: " + b"a" * 1000 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection mid-way, as it should
        assert _until_closed(sock).startswith(b"HTTP/1.1 431 ")
        assert (
            httpx.get(server.base_url + "/api/auth/ok", headers={"x-big": "a" * 8000}).status_code
            == 200
        )


@pytest.mark.slow
def test_1500_half_header_connections_do_not_stop_ok() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # The server starts with the common default of 1024 descriptors...
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        server = spawn("--memory")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sockets: list[socket.socket] = []
    try:
        for _ in range(1500):
            sockets.append(_half_header(server.port))
        time.sleep(0.5)
        response = httpx.get(server.base_url + "/api/auth/ok", timeout=10)
        assert response.json() == {"ok": True}
    finally:
        for sock in sockets:
            sock.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_client_leaving_mid_body_is_logged_at_info_without_a_traceback() -> None:
    server = spawn("--memory")
    try:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(
            b"POST /api/auth/sign-in/email HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            b'{"email":"a@example.test",'
        )
        time.sleep(0.3)
        sock.close()
        time.sleep(0.3)
        assert httpx.get(server.base_url + "/api/auth/ok").status_code == 200
    finally:
        log = server.stop()
    assert "Traceback" not in log and "ERROR" not in log
    lines = [line for line in log.splitlines() if "/sign-in/email" in line]
    assert len(lines) == 1, log
    assert " INFO " in lines[0] and "disconnected" in lines[0] and " 500 " not in lines[0]


def test_servers_starting_together_on_a_new_database_agree_on_its_secret(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path;"
        "from server_stub.secret_file import secret_beside;"
        "print(secret_beside(Path(sys.argv[1])))"
    )
    for round_ in range(3):
        db = tmp_path / f"new-{round_}.db"
        starts = [
            subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE)
            for _ in range(8)
        ]
        secrets_seen = {p.communicate(timeout=60)[0].strip() for p in starts}
        assert all(p.returncode == 0 for p in starts)
        assert len(secrets_seen) == 1
        assert (tmp_path / f"new-{round_}.db.secret").read_bytes().strip() in secrets_seen
        assert stat.S_IMODE((tmp_path / f"new-{round_}.db.secret").stat().st_mode) == 0o600
