"""The base URL rule and the audit against a real better-auth 1.7.25 (issue 12).

better-auth 1.7.25 accepts a TOTP code again within its window (PROTOCOL.md
section 5) and, outside NODE_ENV=production, limits no request rate: the
audit must say so, with the evidence, and exit 1.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.interop.better_auth import better_auth_server

pytestmark = [pytest.mark.interop, pytest.mark.slow]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_2fa", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_roundtrip_with_the_api_auth_base_url_against_real_better_auth() -> None:
    with better_auth_server() as url:
        done = _cli("roundtrip", "--server", url + "/api/auth", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["passed"] is True and report["server"] == url + "/api/auth"
    assert report["steps"][0]["requests"][0] == f"POST {url}/api/auth/sign-up/email"


def test_the_audit_reports_better_auths_totp_replay_and_exits_1() -> None:
    with better_auth_server() as url:
        done = _cli("audit", "--server", url, "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["server"] == url + "/api/auth"
    checks = {c["id"]: c for c in report["checks"]}
    verdicts = {i: c["verdict"] for i, c in checks.items()}
    # better-auth 1.7.25 accepts a used code again: in the session, on a new
    # sign-in, and twice at once.
    for replay in ("totp-replay-session", "totp-replay-new-challenge", "totp-replay-concurrent"):
        assert verdicts[replay] == "fail", checks[replay]
    # The evidence: the same code sent twice, answered 200 both times.
    evidence = checks["totp-replay-session"]["evidence"]
    sent = [json.loads(ex["request_body"])["code"] for ex in evidence if ex["request_body"]]
    assert len(sent) >= 2 and sent[-1] == sent[-2]
    assert [ex["status"] for ex in evidence[-2:]] == [200, 200]
    assert evidence[-1]["url"] == f"{url}/api/auth/two-factor/verify-totp"
    # No rate limiter outside NODE_ENV=production (PROTOCOL.md section 6).
    assert verdicts["rate-limit-two-factor"] == "fail"
    assert verdicts["rate-limit-sign-in"] == "fail"
    # What better-auth does get right, the audit passes.
    for good in (
        "totp-secret-entropy", "backup-code-entropy", "totp-uri-needs-password", "origin-check",
        "clock-window", "session-rotated-on-enable", "backup-code-single-use",
        "challenge-cookie-single-use", "challenge-cookie-expires", "cookie-attributes",
        "disable-needs-password", "sign-in-enumeration", "challenge-attempt-cap",
        "account-lockout",
    ):  # fmt: skip
        assert verdicts[good] == "pass", checks[good]
    assert "totp-replay-session" in done.stderr  # live progress went to stderr
