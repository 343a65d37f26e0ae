"""Enrollment round trip against the local reference server (issue 4). Prints only."""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from server_stub.process import spawn

RUNS = 5


def run() -> None:
    totals = []
    slowest: dict[str, float] = {}
    env = {**os.environ, "D2FA_SERVER_SECRET": "bench-secret-" + "x" * 40}
    for _ in range(RUNS):
        # Default settings (rate limit on, as a user runs it), a fresh process per
        # trip so the limiter's buckets start empty.
        with spawn("--memory", "--log-level", "warning", env=env) as server, \
                tempfile.TemporaryDirectory() as tmp:  # fmt: skip
            vault = VaultFile(Path(tmp) / "v.json").create(
                "pw", kdf=KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
            )
            report = RoundTrip(lambda u=server.base_url: AuthClient(u), vault).run()
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
