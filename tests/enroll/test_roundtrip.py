"""The enrollment round trip and its report, against the reference server."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.report import Outcome, Report, StepResult
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.vault.store import OpenVault
from server_stub.runner import start_in_thread
from server_stub.settings import RateLimit, Settings

STEPS = 14


def test_round_trip_against_the_reference_server_process(
    reference_server: str, scratch_vault: OpenVault
) -> None:
    live: list[StepResult] = []
    report = RoundTrip(
        lambda: AuthClient(reference_server), scratch_vault, on_step=live.append
    ).run()
    assert report.passed, report.as_table()
    assert [s.outcome for s in report.steps] == [Outcome.PASSED] * STEPS
    assert live == list(report.steps)  # the GUI's live view saw every step as it happened
    by_name = {s.name: s for s in report.steps}
    assert by_name["a wrong code is refused"].status == 401
    assert by_name["a wrong code is refused"].message == "Invalid code"
    assert by_name["the same backup code is refused"].status == 401
    assert by_name["the same backup code is refused"].message == "Invalid backup code"
    # The account and its backup codes are in the vault, the two used ones marked.
    (account,) = scratch_vault.data.accounts
    assert account.enrollment is not None
    assert account.enrollment.server == reference_server + "/api/auth"
    codes = account.backup_codes.codes
    assert len(codes) == 10 and [c.used for c in codes] == [True, True] + [False] * 8
    assert all(c.used_at is not None for c in codes[:2])


def test_report_formats(reference_server: str, scratch_vault: OpenVault) -> None:
    report = RoundTrip(lambda: AuthClient(reference_server), scratch_vault).run()
    table = report.as_table()
    assert table.splitlines()[-1].startswith(f"PASSED: {STEPS} of {STEPS} steps ok in ")
    assert "a wrong code is refused" in table and "401" in table
    data = json.loads(report.as_json())
    assert data["passed"] is True and len(data["steps"]) == STEPS
    assert set(data["steps"][0]) == {"name", "status", "ms", "outcome", "message", "requests"}
    suite = ET.fromstring(report.as_junit())
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures")) == (str(STEPS), "0")
    assert len(suite.findall("testcase")) == STEPS


def test_a_failed_step_skips_the_rest_and_fails_the_report() -> None:
    report = Report(
        "http://x",
        "e@x",
        (
            StepResult("one", 200, 1.0, Outcome.PASSED, ""),
            StepResult("two", 500, 1.0, Outcome.FAILED, "boom"),
            StepResult("three", None, 0.0, Outcome.SKIPPED, "an earlier step failed"),
        ),
        3.0,
    )
    assert not report.passed
    assert report.as_table().splitlines()[-1].startswith("FAILED: 1 of 3 steps ok, 1 skipped")
    suite = ET.fromstring(report.as_junit())
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")
    (failure,) = suite.iter("failure")
    assert failure.get("message") == "boom"


class _Clock:
    """One clock for the server, the codes and the trip's waits."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def server(self) -> datetime:
        return self.now

    def unix(self) -> float:
        return self.now.timestamp()

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _trip_under_rate_limit(vault: OpenVault, limit: RateLimit, max_wait: float) -> Report:
    """A round trip against a rate-limited server whose clock the trip's waits move."""
    clock = _Clock()
    settings = Settings(secret="r" * 40, rate_limit=limit)
    with start_in_thread(settings, clock=clock.server) as server:
        return RoundTrip(
            lambda: AuthClient(server.base_url), vault,
            clock=clock.unix, sleep=clock.sleep, max_wait=max_wait,
        ).run()  # fmt: skip


def test_a_429_is_waited_out_and_shown(scratch_vault: OpenVault) -> None:
    report = _trip_under_rate_limit(scratch_vault, RateLimit(window=30, max=2), max_wait=120)
    assert report.passed, report.as_table()
    waited = [s for s in report.steps if "rate limited, waited" in s.message]
    assert waited, report.as_table()


def test_a_429_beyond_the_wait_limit_fails_the_step(scratch_vault: OpenVault) -> None:
    report = _trip_under_rate_limit(scratch_vault, RateLimit(window=60, max=1), max_wait=5)
    assert not report.passed
    failed = next(s for s in report.steps if s.outcome is Outcome.FAILED)
    assert failed.status == 429 and "rate limiting" in failed.message


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return _run


def test_cli_roundtrip_without_server_uses_the_bundled_one(run: Run, tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    started = time.perf_counter()
    status, out, err = run("roundtrip", "--junit", str(junit))
    assert status == 0, out + err
    assert "Started the bundled reference server at http://127.0.0.1:" in err
    assert out.splitlines()[-1].startswith(f"PASSED: {STEPS} of {STEPS}")
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert time.perf_counter() - started < 30  # generous; `make bench` reports the real figure


def test_cli_roundtrip_json(run: Run, reference_server: str) -> None:
    status, out, _ = run("roundtrip", "--server", reference_server, "--json")
    assert status == 0
    assert json.loads(out)["passed"] is True


@pytest.mark.parametrize("kind", ["down", "slow", "html", "500"])
def test_cli_roundtrip_against_a_broken_server_is_one_failed_step(
    run: Run,
    kind: str,
    closed_port: str,
    silent_server: str,
    fake_server: Callable[..., str],
) -> None:
    url = {
        "down": closed_port,
        "slow": silent_server,
        "html": fake_server(200, "text/html", b"<html>hello</html>"),
        "500": fake_server(500, "text/plain", b"Internal Server Error"),
    }[kind]
    status, out, err = run("roundtrip", "--server", url, "--timeout", "0.5", "--json")
    assert status == 1
    assert "Traceback" not in out + err
    steps = json.loads(out)["steps"]
    assert steps[0]["outcome"] == "fail"
    assert steps[0]["message"] and "\n" not in steps[0]["message"]
    assert {s["outcome"] for s in steps[1:]} == {"skip"}
    expected = {
        "down": "connection refused",
        "slow": "did not answer within 0.5 s",
        "html": "with text/html, not JSON",
        "500": "HTTP 500",
    }[kind]
    assert expected in steps[0]["message"]


def test_cli_roundtrip_with_a_bad_junit_path_still_prints_the_report(
    run: Run, closed_port: str, tmp_path: Path
) -> None:
    status, out, err = run("roundtrip", "--server", closed_port, "--junit", str(tmp_path))
    assert status == 1
    assert out.splitlines()[-1].startswith(f"FAILED: 0 of {STEPS} steps ok, {STEPS - 1} skipped")
    assert err.splitlines()[-1].startswith("desktop-2fa: error: cannot use ")


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--timeout", "-1"], 2), (["--timeout", "nan"], 2), (["--max-wait", "inf"], 2)],
)
def test_cli_roundtrip_bad_numbers_are_usage_errors(args: list[str], code: int) -> None:
    with pytest.raises(SystemExit) as info:
        main(["roundtrip", "--server", "http://127.0.0.1:9", *args])
    assert info.value.code == code


def test_cli_bad_server_url_is_one_line(run: Run) -> None:
    status, _, err = run("roundtrip", "--server", "http://[::1", "--json")
    assert status == 1 and "Traceback" not in err


def _waits(report: dict[str, object]) -> list[str]:
    steps = report["steps"]
    assert isinstance(steps, list)
    return [s["name"] for s in steps if "rate limited" in s["message"]]


def test_the_round_trip_against_the_bundled_server_waits_for_no_rate_limit(run: Run) -> None:
    """One round trip signs in four times within seconds: better-auth's production
    rule (3 per 10 s) made every trip against the bundled server wait 10 s."""
    status, out, err = run("roundtrip", "--json")
    assert status == 0, err
    assert _waits(json.loads(out)) == []


def test_the_wizards_bundled_server_takes_two_round_trips_and_still_limits_them(
    run: Run,
) -> None:
    import httpx

    from desktop_2fa.app import start_reference_server

    server = start_reference_server()
    try:
        for _ in range(2):
            status, out, err = run("roundtrip", "--server", server.base_url, "--json")
            assert status == 0, err
            assert _waits(json.loads(out)) == []
        # The audit's 30 quick requests still meet the limits.
        for path, body in [
            ("sign-in/email", {"email": "nobody@example.test", "password": "wrong password"}),
            ("two-factor/verify-totp", {"code": "000000"}),
        ]:
            answers = [
                httpx.post(
                    f"{server.base_url}/api/auth/{path}",
                    json=body,
                    headers={"Origin": server.base_url},
                ).status_code
                for _ in range(30)
            ]
            assert 429 in answers, path
    finally:
        server.stop()
