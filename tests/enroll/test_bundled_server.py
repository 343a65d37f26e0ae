"""The bundled server `desktop-2fa roundtrip` starts in a process of its own (issue 13).

It listens from the moment `start` returns (the CLI binds the socket), so
the trip's first request may come before the server has finished starting;
it is stopped with the trip, and it does not outlive a CLI that is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from desktop_2fa.cli import bundled_server


def _ok(base_url: str) -> object:
    with urllib.request.urlopen(base_url + "/api/auth/ok", timeout=30) as answer:
        return json.loads(answer.read())


def _ended(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # a zombie has ended; its parent just has not reaped it


def test_it_answers_at_once_and_is_gone_after_stop() -> None:
    server = bundled_server.start()
    try:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert _ok(server.base_url) == {"ok": True}  # asked before it had even started
    finally:
        server.stop()
    assert server.process is not None and server.process.poll() is not None
    with pytest.raises(urllib.error.URLError):
        _ok(server.base_url)
    server.stop()  # again is fine


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_it_does_not_outlive_a_killed_cli(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from desktop_2fa.cli import bundled_server\n"
        "server = bundled_server.start()\n"
        "print(server.process.pid, server.base_url, flush=True)\n"
        "time.sleep(120)\n"
    )
    cli = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert cli.stdout is not None
        pid_text, base_url = cli.stdout.readline().split()
        assert _ok(base_url) == {"ok": True}
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
        deadline = time.monotonic() + 30
        while not _ended(int(pid_text)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ended(int(pid_text))
    finally:
        cli.kill()
        cli.wait()


@pytest.mark.parametrize(
    "argv",
    [
        ["roundtrip", "--max-wait", "soon"],  # a usage error: no trip at all
        ["roundtrip", "--help"],
        ["roundtrip", "--serv", "http://127.0.0.1:9", "--timeout", "0.2", "--quiet"],  # --server
    ],
)
def test_a_server_started_before_parsing_is_stopped_when_no_trip_uses_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """`roundtrip` starts the bundled server before its arguments are parsed."""
    from desktop_2fa.cli.main import main

    started: list[bundled_server.BundledServer] = []
    start = bundled_server.start

    def recording() -> bundled_server.BundledServer:
        started.append(start())
        return started[-1]

    monkeypatch.setattr(bundled_server, "start", recording)
    with contextlib.suppress(SystemExit):
        main(argv)
    capsys.readouterr()
    (server,) = started
    assert server.process is not None and server.process.poll() is not None
    assert bundled_server.take_early() is None
