"""Run the reference server as a separate process.

For tests, benchmarks and testers' own scripts that want a real `uvicorn`
process rather than the in-process runner::

    with spawn("--memory") as server:
        httpx.get(server.base_url + "/api/auth/ok")

The server picks a free port on 127.0.0.1 (`--port 0`) unless the arguments
say otherwise; its address is read from the line it prints when listening.
Output goes to temporary files, never to pipes, so a chatty server can never
block on a full pipe.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from types import TracebackType
from typing import IO

_LISTENING = re.compile(r"listening on (https?://\S+)")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Terminate a child process, killing it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class ServerProcess:
    """A running `python -m server_stub` child process."""

    process: subprocess.Popen[bytes]
    base_url: str
    started_in: float  # seconds from spawn to listening
    _stdout: IO[bytes]
    _stderr: IO[bytes]
    _log: str = ""

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def log(self) -> str:
        """What the server logged so far (stderr), while it runs."""
        if self._stderr.closed:
            return self._log
        # pread leaves the offset alone: the server shares it and appends there.
        fd = self._stderr.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")

    def stop(self, timeout: float = 15.0) -> str:
        """Stop the server (again is fine); returns what it logged (stderr)."""
        stop_process(self.process, timeout)
        if not self._stderr.closed:
            self._stderr.seek(0)
            self._log = self._stderr.read().decode("utf-8", "replace")
            self._stdout.close()
            self._stderr.close()
        return self._log

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def spawn(*args: str, env: dict[str, str] | None = None, timeout: float = 20.0) -> ServerProcess:
    """Start `python -m server_stub --host 127.0.0.1 --port 0 ARGS...` and wait until it listens.

    Raises:
        RuntimeError: the server exited or did not listen within `timeout`
            (the message carries its log).
    """
    stdout = tempfile.TemporaryFile()  # noqa: SIM115 - closed by ServerProcess.stop
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "server_stub", "--host", "127.0.0.1", "--port", "0", *args],
        stdout=stdout,
        stderr=stderr,
        env=env,
    )
    deadline = started + timeout
    while True:
        stdout.seek(0)
        found = _LISTENING.search(stdout.read().decode("utf-8", "replace"))
        if found:
            elapsed = time.perf_counter() - started
            return ServerProcess(process, found.group(1), elapsed, stdout, stderr)
        if process.poll() is not None or time.perf_counter() > deadline:
            stop_process(process)
            stderr.seek(0)
            log = stderr.read().decode("utf-8", "replace")
            stdout.close()
            stderr.close()
            raise RuntimeError(f"the reference server did not start:\n{log[-2000:]}")
        time.sleep(0.005)
