"""Against a real `python -m server_stub` (uvicorn) on 127.0.0.1, stopped by each test."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from threading import Barrier

import httpx
import pytest

from server_stub.process import ServerProcess, spawn
from tests.server.support import PASSWORD, Browser, secret_of, totp

ROOT = Path(__file__).resolve().parents[2]


def start_server(*args: str, env: dict[str, str] | None = None) -> ServerProcess:
    return spawn(*args, env={**os.environ, **(env or {})})


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    """Collects started servers and stops whatever a failing test left running."""
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def browser_for() -> Iterator[Callable[[str], Browser]]:
    """Browsers over real sockets, closed after the test."""
    clients: list[httpx.Client] = []

    def make(base: str) -> Browser:
        clients.append(httpx.Client(timeout=30))
        return Browser(clients[-1], api=base + "/api/auth", origin=base)

    yield make
    for client in clients:
        client.close()


def now() -> datetime:
    return datetime.now(UTC)


def test_full_flow_over_http_with_one_clean_log_line_per_request(
    tmp_path: Path, servers: list[ServerProcess], browser_for: Callable[[str], Browser]
) -> None:
    server = start_server("--db", str(tmp_path / "s.db"))
    servers.append(server)
    assert server.started_in < 5.0  # "under a second" is measured by the benchmark
    browser = browser_for(server.base_url)
    browser.sign_up()
    enabled = browser.enable()
    secret = secret_of(enabled["totpURI"])
    activation = totp(secret, now())
    assert browser.post("/two-factor/verify-totp", {"code": activation}).status_code == 200
    browser.post("/sign-out")
    assert browser.sign_in().json()["twoFactorRedirect"] is True
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, now(), 1)})
    assert response.status_code == 200, response.text
    browser.post("/sign-out")
    browser.sign_in()
    code = enabled["backupCodes"][0]
    assert browser.post("/two-factor/verify-backup-code", {"code": code}).status_code == 200
    assert browser.post("/two-factor/disable", {"password": PASSWORD}).status_code == 200
    log = server.stop()
    lines = [line for line in log.splitlines() if " /api/auth/" in line and "/ok " not in line]
    assert len(lines) == 10  # one per request
    assert any(
        line.endswith("ms") and "POST /api/auth/two-factor/verify-totp 200" in line
        for line in lines
    )
    cookie_values = [v.split(".")[0] for v in browser.jar.values()]
    for secret_text in (PASSWORD, secret, activation, code, *cookie_values):
        assert secret_text not in log


def test_restart_keeps_users_and_two_factor_state(
    tmp_path: Path, servers: list[ServerProcess], browser_for: Callable[[str], Browser]
) -> None:
    db = tmp_path / "keep.db"
    first = start_server("--db", str(db), "--no-rate-limit")
    servers.append(first)
    browser = browser_for(first.base_url)
    browser.sign_up()
    enabled = browser.enable()
    secret = secret_of(enabled["totpURI"])
    assert browser.post("/two-factor/verify-totp", {"code": totp(secret, now())}).status_code == 200
    first.stop()
    key_file = tmp_path / "keep.db.secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()

    second = start_server("--db", str(db), "--no-rate-limit")
    servers.append(second)
    browser = browser_for(second.base_url)
    assert browser.sign_in().json() == {"twoFactorRedirect": True, "twoFactorMethods": ["totp"]}
    response = browser.post("/two-factor/verify-totp", {"code": totp(secret, now(), 1)})
    assert response.status_code == 200 and response.json()["user"]["twoFactorEnabled"] is True
    code = enabled["backupCodes"][1]
    assert browser.post("/two-factor/verify-backup-code", {"code": code}).status_code == 200
    assert key_file.read_text() == key


def test_twenty_concurrent_redemptions_of_one_backup_code(
    tmp_path: Path, servers: list[ServerProcess], browser_for: Callable[[str], Browser]
) -> None:
    server = start_server("--db", str(tmp_path / "race.db"), "--no-rate-limit")
    servers.append(server)
    browser = browser_for(server.base_url)
    browser.sign_up()
    enabled = browser.enable()
    code = enabled["backupCodes"][0]
    cookies = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
    barrier = Barrier(20)

    def redeem(_: int) -> int:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            response = client.post(
                server.base_url + "/api/auth/two-factor/verify-backup-code",
                json={"code": code},
                headers={"cookie": cookies, "origin": server.base_url},
            )
            return response.status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(redeem, range(20)))
    assert statuses.count(200) == 1
    assert statuses.count(401) == 19


def test_rate_limit_over_a_real_socket(tmp_path: Path, servers: list[ServerProcess]) -> None:
    server = start_server("--memory", "--rate-limit", "60:5")
    servers.append(server)
    with httpx.Client() as client:
        url = server.base_url + "/api/auth/two-factor/send-otp"
        statuses = [client.post(url, json={}).status_code for _ in range(6)]
        assert statuses == [400] * 5 + [429]
        response = client.post(url, json={})
        assert response.headers["x-retry-after"] == response.headers["retry-after"] == "60"


def test_configuration_from_environment(
    servers: list[ServerProcess], browser_for: Callable[[str], Browser]
) -> None:
    server = start_server(
        env={
            "D2FA_SERVER_MEMORY": "1",
            "D2FA_SERVER_RATE_LIMIT": "off",
            "D2FA_SERVER_APP_NAME": "Env App",
            "D2FA_SERVER_TRUSTED_ORIGINS": "http://localhost:5173",
        }
    )
    servers.append(server)
    browser = browser_for(server.base_url)
    browser.sign_up()
    uri = browser.post("/two-factor/get-totp-uri", {"password": PASSWORD})
    assert uri.json()["code"] == "TOTP_NOT_ENABLED"
    browser.enable()
    assert (
        "otpauth://totp/Env%20App:"
        in browser.post("/two-factor/get-totp-uri", {"password": PASSWORD}).json()["totpURI"]
    )
    browser.origin = "http://localhost:5173"
    assert browser.post("/sign-out").status_code == 200
    for _ in range(7):  # no limiter
        assert browser.post("/two-factor/send-otp").status_code == 400


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["--port", "abc"], {}, "not a port number"),
        (["--port", "70000"], {}, "port must be 0..65535"),
        (["--rate-limit", "5"], {}, "expected PATH=WINDOW:MAX"),
        (["--rate-limit", "0:5"], {}, "expected PATH=WINDOW:MAX"),
        (["--rate-limit", "sign-in=10:3"], {}, "expected PATH=WINDOW:MAX"),
        (["--rate-limit", "/sign-in=10:x"], {}, "expected PATH=WINDOW:MAX"),
        (["--memory"], {"D2FA_SERVER_RATE_LIMIT": "/ok=1:1,/x=y"}, "D2FA_SERVER_RATE_LIMIT"),
        (["--workers", "0"], {}, "expected 1 to 64 workers"),
        (["--memory", "--workers", "2"], {}, "--workers needs --db"),
        (["--memory"], {"D2FA_SERVER_WORKERS": "many"}, "D2FA_SERVER_WORKERS"),
        (["--memory", "--header-timeout", "0"], {}, "expected seconds"),
        (["--memory", "--header-timeout", "nan"], {}, "expected seconds"),
        (["--db", "postgresql://u@127.0.0.1:1/x"], {}, "needs --secret or D2FA_SERVER_SECRET"),
        (["--memory", "--secret", "short"], {}, "at least 32 characters"),
        (["--memory", "--db", "x.db"], {}, "not allowed with argument"),
        (["--memory", "--trusted-origin", "x"], {"D2FA_SERVER_PORT": "nope"}, "D2FA_SERVER_PORT"),
        (["--memory"], {"D2FA_SERVER_RATE_LIMIT": "lots"}, "D2FA_SERVER_RATE_LIMIT"),
        (["--memory", "--base-url", "ftp://x"], {}, "base URL"),
        (["--memory", "--base-path", "/"], {}, "expected a path such as /api/auth"),
        (["--memory", "--base-path", "//"], {}, "expected a path such as /api/auth"),
        # Paths are matched decoded: these could never be reached, or not as printed.
        (["--memory", "--base-path", "/%61uth"], {}, "expected a path such as /api/auth"),
        (["--memory", "--base-path", "/my auth"], {}, "expected a path such as /api/auth"),
        (["--memory", "--base-path", "/api/../auth"], {}, "expected a path such as /api/auth"),
        (["--memory", "--no-such-option"], {}, "unrecognized arguments"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    args: list[str], env: dict[str, str], fragment: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server_stub", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("desktop-2fa-server: error: ")
    assert fragment in lines[0]


def test_port_in_use_is_a_clear_error(servers: list[ServerProcess]) -> None:
    server = start_server("--memory")
    servers.append(server)
    port = server.base_url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "server_stub", "--memory", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1:" in result.stderr


def test_help_documents_the_environment_variables() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server_stub", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    for name in (
        "PORT",
        "HOST",
        "DB",
        "MEMORY",
        "SECRET",
        "APP_NAME",
        "ISSUER",
        "RATE_LIMIT",
        "TRUSTED_ORIGINS",
        "WORKERS",
        "HEADER_TIMEOUT",
    ):
        assert f"D2FA_SERVER_{name}" in result.stdout
    # The rate-limit table, one row per path prefix.
    for row in ("/               100 per 10 s", "/sign-in          3 per 10 s",
                "/sign-up          3 per 10 s", "/two-factor/      5 per 60 s"):  # fmt: skip
        assert row in result.stdout


def test_rate_limit_rows_are_set_and_dropped_from_the_command_line(
    servers: list[ServerProcess],
) -> None:
    server = start_server("--memory", "--rate-limit", "/sign-in=60:5", "--rate-limit", "/=off")
    servers.append(server)
    with httpx.Client() as client:
        url = server.base_url + "/api/auth/sign-in/email"
        body = {"email": "x@example.test", "password": "password 1"}
        statuses = [client.post(url, json=body).status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]  # the account pause starts at the fifth
        assert {client.get(server.base_url + "/api/auth/ok").status_code for _ in range(120)} == {
            200
        }
