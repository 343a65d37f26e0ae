"""Round trips at scale on Locust (issue 12, point 3): headless, distributed, failures named."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.load import LOCUSTFILE
from server_stub.process import spawn, stop_process
from tests.load.conftest import SECRET, STEPS, read_failures, read_stats

LAST_STEP = f"{STEPS} sign in without a second factor"


def _desktop_2fa(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_2fa", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _assert_round_trips_without_failure(prefix: Path) -> int:
    stats = read_stats(prefix)
    names = sorted(stats)
    assert len(names) == STEPS, names
    assert names[0] == "01 sign up with a fresh e-mail" and names[-1] == LAST_STEP
    assert {row["Type"] for row in stats.values()} == {"roundtrip"}
    assert all(row["Failure Count"] == "0" for row in stats.values()), stats
    assert read_failures(prefix) == []
    completed = int(stats[LAST_STEP]["Request Count"])
    assert completed >= 1
    return completed


@pytest.mark.slow
def test_a_headless_run_completes_round_trips_without_failure(
    unlimited_server: str, tmp_path: Path
) -> None:
    prefix = tmp_path / "run"
    done = _desktop_2fa(
        "load", "--server", unlimited_server, "--users", "10", "--spawn-rate", "5",
        "--run-time", "15s", "--csv", str(prefix),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_round_trips_without_failure(prefix)
    # Locust's own statistics, printed at the end (to stdout or stderr by version)
    printed = done.stdout + done.stderr
    assert "Aggregated" in printed and "03 activate with the first code" in printed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_a_master_and_two_workers_complete_round_trips_without_failure(
    unlimited_server: str, tmp_path: Path
) -> None:
    port = str(_free_port())
    prefix = tmp_path / "distributed"
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    logs = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115 - closed below
    master = subprocess.Popen(
        [*locust, "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
         "--headless", "--users", "10", "--spawn-rate", "5", "--run-time", "15s",
         "--expect-workers", "2", "--expect-workers-max-wait", "60",
         "--host", unlimited_server, "--csv", str(prefix)],
        stdout=logs[0], stderr=subprocess.STDOUT,
    )  # fmt: skip
    workers = [
        subprocess.Popen(
            [*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", port],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs[1:]
    ]
    try:
        status = master.wait(timeout=120)
        for worker in workers:
            worker.wait(timeout=30)  # the master tells them to quit
    finally:
        for process in (master, *workers):
            stop_process(process)
    logs[0].seek(0)
    master_log = logs[0].read().decode("utf-8", "replace")
    for log in logs:
        log.close()
    assert status == 0, master_log[-3000:]
    assert "2 workers connected" in master_log or master_log.count("connected") >= 2
    _assert_round_trips_without_failure(prefix)


@pytest.mark.slow
def test_a_failed_step_is_a_failed_request_with_the_servers_message(tmp_path: Path) -> None:
    # One request per minute on each /two-factor/* path: the second user's
    # "enable" gets the 429 (all users share 127.0.0.1's bucket).
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET, "D2FA_SERVER_LOG_LEVEL": "warning"}
    prefix = tmp_path / "limited"
    with spawn("--memory", "--rate-limit", "60:1", env=env) as server:
        done = _desktop_2fa(
            "load", "--server", server.base_url, "--users", "2", "--spawn-rate", "2",
            "--run-time", "5s", "--csv", str(prefix),
        )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    failures = read_failures(prefix)
    assert failures, read_stats(prefix)
    named = {row["Name"] for row in failures}
    assert named <= set(read_stats(prefix)) and all(n[:2].isdigit() for n in named)
    assert {row["Method"] for row in failures} == {"roundtrip"}
    errors = " ".join(row["Error"] for row in failures)
    assert "Too many requests. Please try again later." in errors


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--server", "ftp://127.0.0.1:9"], "the server URL must be http(s)://"),
        (["--server", "http://127.0.0.1:9", "--run-time", "soon"], "expected a time like 15s"),
        (["--server", "http://127.0.0.1:9", "--users", "0"], "must be at least 1"),
        (["--server", "http://127.0.0.1:9", "--spawn-rate", "0"], "must be more than 0"),
        ([], "--server URL is required"),
    ],
)
def test_usage_errors_exit_2(args: list[str], words: str) -> None:
    done = _desktop_2fa("load", *args, timeout=60)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr


def test_the_locust_file_is_named_for_locust_f() -> None:
    done = _desktop_2fa("load", "--locustfile", timeout=60)
    assert done.returncode == 0
    path = Path(done.stdout.strip())
    assert path == LOCUSTFILE and path.is_file() and path.suffix == ".py"


def test_without_locust_the_load_command_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real: Callable[..., object] = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "locust" else real(name, *a)
    )
    assert main(["load", "--server", "http://127.0.0.1:9", "--run-time", "1s"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "desktop-2fa: error: Locust is not installed; install it with: "
        "pip install 'desktop-2fa[load]'\n"
    )
