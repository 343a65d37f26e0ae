"""Run the real `desktop-2fa` in a fresh process and measure what it cost.

The CLI runs as the only child of a small wrapper, so the wrapper's
RUSAGE_CHILDREN high-water mark is exactly that process's peak memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "desktop_2fa", *sys.argv[1:]])
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\n@@peak_kib={peak_kib}\\n")
sys.exit(done.returncode)
"""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str
    peak_mib: float


def run_measured(
    *args: str, env: dict[str, str], stdin: str = "", timeout: float = 120
) -> Finished:
    """`desktop-2fa ARGS` with `env` on top of ours; its exit status, output and peak RSS.

    The timeout only keeps a hang from stalling the suite; it asserts no speed.
    """
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        input=stdin,
        timeout=timeout,
    )
    err, _, peak = done.stderr.rpartition("\n@@peak_kib=")
    return Finished(done.returncode, done.stdout, err, int(peak.strip() or 0) / 1024)
