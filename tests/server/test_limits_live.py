"""Limits against real server processes: the client address, password guessing, shared buckets."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from server_stub.process import ServerProcess, spawn

RATE = {"message": "Too many requests. Please try again later."}


def _start(*args: str) -> ServerProcess:
    return spawn(*args, env=dict(os.environ))


def test_spoofed_forwarded_for_from_loopback_does_not_lift_a_full_bucket(tmp_path: Path) -> None:
    with _start("--db", str(tmp_path / "s.db")) as server, httpx.Client(timeout=30) as client:
        url = server.base_url + "/api/auth/two-factor/send-otp"
        for i in range(5):
            client.post(url, json={}, headers={"x-forwarded-for": f"198.51.100.{i}"})
        refused = client.post(url, json={}, headers={"x-forwarded-for": "203.0.113.9"})
        assert refused.status_code == 429 and refused.json() == RATE
        # The session records the socket peer too, not what the client claims.
        signed_up = client.post(
            server.base_url + "/api/auth/sign-up/email",
            json={"name": "X", "email": "x@example.test", "password": "password 123"},
            headers={"x-forwarded-for": "203.0.113.9", "origin": server.base_url},
        )
        assert signed_up.status_code == 200
        session = client.get(
            server.base_url + "/api/auth/get-session",
            headers={"cookie": signed_up.headers["set-cookie"].split(";")[0]},
        )
        assert session.json()["session"]["ipAddress"] == "127.0.0.1"


def test_ten_quick_wrong_passwords_get_429_by_the_fourth(tmp_path: Path) -> None:
    with _start("--db", str(tmp_path / "s.db")) as server, httpx.Client(timeout=30) as client:
        url = server.base_url + "/api/auth/sign-in/email"
        statuses = [
            client.post(
                url, json={"email": "a@example.test", "password": f"guess {i:04d}"}
            ).status_code
            for i in range(10)
        ]
        assert statuses[:3] == [401, 401, 401]
        assert statuses[3] == 429 and set(statuses[3:]) == {429}


def test_two_processes_on_one_sqlite_file_share_the_buckets(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    with _start("--db", db) as first, _start("--db", db) as second, httpx.Client() as client:
        statuses = [
            client.post(
                server.base_url + "/api/auth/two-factor/verify-totp", json={"code": "000000"}
            ).status_code
            for server in (first, second) * 3
        ]
        assert statuses.count(429) == 1 and statuses[-1] == 429


def test_a_proxy_that_adds_its_own_forwarded_for_line_is_believed_over_the_clients(
    tmp_path: Path,
) -> None:
    """Some proxies (HAProxy's `option forwardfor`) add a second header line
    rather than extend the client's: the lines count as one list, in order
    (RFC 9110 section 5.3), so the client's own line decides nothing."""
    with (
        _start("--db", str(tmp_path / "s.db"), "--trusted-proxy", "127.0.0.1") as server,
        httpx.Client(timeout=30) as client,
    ):

        def via_proxy(path: str, claimed: str, **kwargs: object) -> httpx.Response:
            lines = [("x-forwarded-for", claimed), ("x-forwarded-for", "203.0.113.9")]
            headers = [*lines, ("origin", server.base_url)]
            return client.post(server.base_url + "/api/auth" + path, headers=headers, **kwargs)

        for i in range(5):
            via_proxy("/two-factor/send-otp", f"198.51.100.{i}", json={})
        refused = via_proxy("/two-factor/send-otp", "198.51.100.77", json={})
        assert refused.status_code == 429 and refused.json() == RATE
        signed_up = via_proxy(
            "/sign-up/email",
            "198.51.100.78",
            json={"name": "X", "email": "x@example.test", "password": "password 123"},
        )
        session = client.get(
            server.base_url + "/api/auth/get-session",
            headers={"cookie": signed_up.headers["set-cookie"].split(";")[0]},
        )
        assert session.json()["session"]["ipAddress"] == "203.0.113.9"
