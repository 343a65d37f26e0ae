"""`server_stub.runner.start_in_thread`: the in-process server the desktop app uses."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest

from server_stub.runner import RunningServer, ServerStartError, start_in_thread
from server_stub.settings import RateLimit, Settings
from server_stub.storage.sqlite import SQLiteStore
from tests.server.support import PASSWORD, SECRET, Browser


def test_start_and_stop_on_a_free_port() -> None:
    server = start_in_thread()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
        assert server.settings.base_url == server.base_url
        assert server.running
        assert httpx.get(server.base_url + "/api/auth/ok").json() == {"ok": True}
        with httpx.Client() as client:
            browser = Browser(client, api=server.auth_url, origin=server.base_url)
            browser.sign_up()
            assert browser.enable()["method"] == "totp"
    finally:
        server.stop()
    assert not server.running
    port = int(server.base_url.rsplit(":", 1)[1])
    with pytest.raises(httpx.TransportError):
        httpx.get(server.base_url + "/api/auth/ok", timeout=1)
    with socket.socket() as sock:  # the port was released
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


def test_context_manager_with_settings_and_a_sqlite_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    settings = Settings(secret=SECRET, rate_limit=RateLimit(window=60, max=1))
    with start_in_thread(settings, store=store) as server:
        assert isinstance(server, RunningServer)
        url = server.base_url + "/api/auth/two-factor/send-otp"
        assert httpx.post(url, json={}).status_code == 400
        assert httpx.post(url, json={}).status_code == 429
        with httpx.Client() as client:
            Browser(client, api=server.auth_url, origin=server.base_url).sign_up()
    assert not server.running
    assert store.find_credentials("bob@example.test") is not None  # caller's store stays open
    store.close()


def test_explicit_base_url_is_kept() -> None:
    settings = Settings(secret=SECRET, base_url="http://localhost:9")
    with start_in_thread(settings) as server:
        assert server.base_url == "http://localhost:9"
        assert server.settings.base_url == "http://localhost:9"


def test_busy_port_raises() -> None:
    with start_in_thread() as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        with pytest.raises(ServerStartError, match="cannot listen"):
            start_in_thread(port=port)


def test_password_is_checked_with_the_real_hasher() -> None:
    with start_in_thread() as server, httpx.Client() as client:
        browser = Browser(client, api=server.auth_url, origin=server.base_url)
        browser.sign_up()
        response = browser.post("/two-factor/enable", {"password": PASSWORD + "x"})
        assert response.json()["code"] == "INVALID_PASSWORD"


def test_access_log_has_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="server_stub.access")
    with start_in_thread() as server:
        assert server.auth_url == server.base_url + "/api/auth"
        httpx.get(server.auth_url + "/ok")
        httpx.post(
            server.auth_url + "/sign-in/email", json={"email": "a@b.co", "password": "x" * 9}
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "server_stub.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"GET /api/auth/ok 200 \d+\.\dms", lines[0])
    assert re.fullmatch(r"POST /api/auth/sign-in/email 401 \d+\.\dms", lines[1])
