"""`desktop-2fa audit` as a tester runs it: real processes, exit 0/1/2, report files."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_2fa.audit.registry import ids
from desktop_2fa.cli.audit_command import LiveProgress
from desktop_2fa.enroll.client import AuthClient
from server_stub.process import ServerProcess, spawn
from tests.audit.conftest import SECRET, run_audit
from tests.audit.weakened import HostileCookieName
from tests.server.support import MovableClock

QUICK = ("totp-secret-entropy", "backup-code-entropy", "totp-replay-session")


def _audit(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_2fa", "audit", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def reference() -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        started.append(spawn("--memory", *args, env={**os.environ, "D2FA_SERVER_SECRET": SECRET}))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.mark.slow
def test_passing_checks_exit_0_with_json_junit_and_html(
    reference: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = reference()
    junit, page = tmp_path / "audit.xml", tmp_path / "audit.html"
    done = _audit("--server", server.base_url + "/api/auth", "--only", *QUICK, "--json",
                  "--junit", str(junit), "--html", str(page))  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["passed"] is True and report["server"] == server.base_url + "/api/auth"
    assert [c["id"] for c in report["checks"]] == list(QUICK)
    assert {c["verdict"] for c in report["checks"]} == {"pass"}
    replay = report["checks"][2]
    assert replay["sources"] == ["RFC 6238 section 5.2", "OWASP ASVS 5.0 V6.5.1"]
    assert replay["severity"] == "high" and replay["evidence"]
    assert all(ex["url"].startswith(server.base_url + "/api/auth/") for ex in replay["evidence"])
    # live progress on stderr, one line per check
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert lines == [
        f"[ {i}/3] PASS {c['id']}: {c['summary']}" for i, c in enumerate(report["checks"], 1)
    ]
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("3", "0")
    html = page.read_text(encoding="utf-8")
    assert "<h1>Two-factor audit of" in html and "totp-replay-session" in html
    for written in (junit, page):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.slow
def test_a_failed_check_exits_1_and_explains_itself(
    reference: Callable[..., ServerProcess],
) -> None:
    server = reference("--no-rate-limit")
    done = _audit("--server", server.base_url, "--only", "rate-limit-two-factor", "--quiet")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "FAILED: 1 of 1 checks failed (rate-limit-two-factor)" in out
    assert "30 quick requests to two-factor/verify-totp were all answered without a 429" in out
    assert f"POST {server.base_url}/api/auth/two-factor/verify-totp -> 401" in out


def test_usage_errors_exit_2() -> None:
    for args, words in (
        (["--server", "http://127.0.0.1:9", "--only", "nope"], "no such check: nope"),
        (["--server", "ftp://127.0.0.1:9"], "the server URL must be http(s)://"),
        (["--server", "http://127.0.0.1:9", "--max-wait", "-1"], "must be at least 0"),
        (["--only", "origin-check"], "--server URL is required"),
        (["--server", "http://127.0.0.1:9", "--server-password-file", "x"], "goes with --email"),
    ):
        done = _audit(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_list_names_every_check() -> None:
    done = _audit("--list")
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert listed == list(ids())


def test_an_unreachable_server_is_one_line_exit_1() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = _audit("--server", f"http://127.0.0.1:{port}", "--quiet")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "connection refused" in done.stderr


def test_the_wrong_base_path_is_one_line_exit_1(reference: Callable[..., ServerProcess]) -> None:
    server = reference("--base-path", "/auth")
    done = _audit("--server", server.base_url, "--quiet")
    assert done.returncode == 1
    assert f"GET {server.base_url}/api/auth/get-session answered 404" in done.stderr
    assert done.stderr.count("\n") == 1
    assert _audit("--server", server.base_url + "/auth", "--only", "totp-secret-entropy",
                  "--quiet").returncode == 0  # fmt: skip


@pytest.mark.slow
def test_max_wait_bounds_waiting_for_a_rate_limit(reference: Callable[..., ServerProcess]) -> None:
    server = reference("--rate-limit", "600:2")
    done = _audit("--server", server.base_url, "--only", "clock-window", "totp-replay-session",
                  "--max-wait", "3", timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert (
        "not finished: the rate limit on two-factor/verify-totp asks for 600 s more, "
        "but only 3 s of --max-wait are left"
    ) in done.stdout
    assert "raise --max-wait to finish it" in done.stdout


def test_waits_show_their_progress(serve: Callable[..., str], clock: MovableClock) -> None:
    url = serve()
    err = io.StringIO()
    report = run_audit(url, clock, "clock-window", "totp-replay", on_progress=LiveProgress(err),
                       max_wait=600)  # fmt: skip
    assert report.passed
    waits = [line for line in err.getvalue().splitlines() if " waiting " in line]
    assert waits, err.getvalue()
    assert any("for the rate limit on two-factor/verify-totp" in w for w in waits)
    assert all("rate-limit waits so far" in w and "of 600 s)" in w for w in waits)
    # not a line per second: the start of each wait, then every 10 s
    assert len(waits) < 30


@pytest.mark.slow
def test_an_existing_account_is_audited_and_left_as_it_was(
    reference: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = reference()
    AuthClient(server.base_url).sign_up("tester@example.test", "tester's password", "T")
    secret = tmp_path / "pw"
    secret.write_text("tester's password\n")
    done = _audit("--server", server.base_url, "--email", "tester@example.test",
                  "--server-password-file", str(secret), "--only", *QUICK, "--quiet")  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "account: tester@example.test" in done.stdout
    # two-factor sign-in is off again afterwards
    again = AuthClient(server.base_url).sign_in("tester@example.test", "tester's password")
    assert not again.two_factor_redirect
    # and an account that already has it on cannot be audited
    client = AuthClient(server.base_url)
    client.sign_up("on@example.test", "another password", "On")
    from desktop_2fa.core import uri
    from desktop_2fa.core.otp import generate

    params = uri.parse(client.enable("another password").totp_uri).params
    import time

    client.activate(generate(params, time.time()).value)
    done = _audit("--server", server.base_url, "--email", "on@example.test", "--only",
                  "totp-secret-entropy", "--quiet",
                  env={"DESKTOP_2FA_SERVER_PASSWORD": "another password"})  # fmt: skip
    assert done.returncode == 1
    assert "on@example.test already has two-factor sign-in on" in done.stdout


def test_a_server_that_is_not_better_auth_is_one_line_exit_1(tmp_path: Path) -> None:
    import http.server
    import threading

    class Html(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>It works!</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = _audit("--server", f"http://127.0.0.1:{server.server_address[1]}", "--quiet")
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1
    assert "answered 200 without JSON" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("json_report", [False, True])
def test_names_a_server_sends_reach_the_terminal_escaped(
    serve: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
    json_report: bool,
) -> None:
    """The report's table was escaped, but the live progress line and --json printed a
    check's summary as it came: a cookie name can hold a bidi override or a C1 control."""
    from desktop_2fa.cli.main import main

    url = serve(wrap=HostileCookieName)
    args = ["audit", "--server", url, "--only", "challenge-cookie-expires"]
    main(args + (["--json"] if json_report else []))
    out, err = capsys.readouterr()
    assert "evil" in out and "evil" in err
    for stream in (out, err):
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", stream)
