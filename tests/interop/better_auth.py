"""A real better-auth server (node) for interop tests.

better-auth is installed from the npm registry into the git-ignored
`tests/interop/.node/` on first use (never a lock file). Tests are skipped,
loudly, only where `node` or `npm` is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from server_stub.process import stop_process

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
BETTER_AUTH = "better-auth@1.7.25"  # the version PROTOCOL.md was captured from


def require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"INTEROP NOT RUN: {' and '.join(missing)} not found; install Node.js to run "
            "the better-auth interop tests"
        )


def install_better_auth() -> Path:
    """`npm install` better-auth into tests/interop/.node once; returns that folder."""
    require_node()
    package = NODE_DIR / "node_modules" / "better-auth" / "package.json"
    wanted = BETTER_AUTH.split("@")[1]
    if not package.exists() or f'"version": "{wanted}"' not in package.read_text():
        NODE_DIR.mkdir(exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
             "--prefix", str(NODE_DIR), BETTER_AUTH],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"npm install {BETTER_AUTH} failed:\n{done.stderr[-2000:]}")
    return NODE_DIR


@contextmanager
def better_auth_server() -> Iterator[str]:
    """Start `better_auth_server.mjs` on a free 127.0.0.1 port; yields its base URL."""
    folder = install_better_auth()
    # ESM resolves packages from the script's folder, so the script runs from there.
    script = folder / "better_auth_server.mjs"
    shutil.copyfile(HERE / "better_auth_server.mjs", script)
    proc = subprocess.Popen(
        ["node", str(script), "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        found = re.match(r"listening (http://127\.0\.0\.1:\d+)", line)
        if not found:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"better-auth server did not start: {line}{err[-2000:]}")
        yield found.group(1)
    finally:
        stop_process(proc)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
