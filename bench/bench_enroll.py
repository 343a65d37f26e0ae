"""Enrollment round trip against the local reference server (issue 4). Prints only."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile

RUNS = 5


def _server() -> tuple[subprocess.Popen[str], str]:
    # Default settings (rate limit on, as a user runs it), a fresh process per
    # trip so the limiter's buckets start empty.
    proc = subprocess.Popen(
        [sys.executable, "-m", "server_stub", "--port", "0", "--memory",
         "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "D2FA_SERVER_SECRET": "bench-secret-" + "x" * 40},
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return proc, found.group(1)
    raise RuntimeError("reference server did not start")


def run() -> None:
    totals = []
    slowest: dict[str, float] = {}
    for _ in range(RUNS):
        proc, url = _server()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                vault = VaultFile(Path(tmp) / "v.json").create(
                    "pw", kdf=KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
                )
                report = RoundTrip(lambda u=url: AuthClient(u), vault).run()
        finally:
            proc.terminate()
            proc.wait()
        if not report.passed:
            print(report.as_table())
        totals.append(report.total_ms)
        for step in report.steps:
            slowest[step.name] = max(slowest.get(step.name, 0.0), step.ms)
    median = statistics.median(totals)
    print(f"{'enrollment round trip (14 steps), median of ' + str(RUNS):<58} "
          f"{median:8.1f} ms   (target <= 1500 ms)")  # fmt: skip
    top = sorted(slowest.items(), key=lambda kv: -kv[1])[:3]
    print("  slowest steps: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in top))
