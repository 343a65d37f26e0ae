"""`--workers N`: N forked server processes on one listening socket.

The parent binds the socket, forks the workers and then only supervises:
a worker that dies (a crash, `kill -9`, the OOM killer) is replaced, and
SIGTERM, SIGINT or SIGHUP stop them all (SIGTERM to each, SIGKILL after a
grace period). Each worker opens its own store after the fork, so no
connection or thread crosses a fork. Workers that keep dying right after
they start (say, the database is unreachable) are not restarted forever:
after `GIVE_UP_AFTER` such deaths in a row, with no other worker up for
longer, the parent stops with status 1; while another worker serves, the
slot is tried again every 10 s.
Every event is one log line naming the worker's slot and pid.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

LOGGER = logging.getLogger("server_stub.workers")

#: A worker that dies sooner than this after its start counts as failing to start.
QUICK_DEATH = 5.0
GIVE_UP_AFTER = 5
#: Seconds the workers get to finish their requests when asked to stop.
GRACE = 20.0
_STOP = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
_WATCHED = _STOP | {signal.SIGCHLD}


class WorkerCannotStart(Exception):
    """A worker cannot serve for a reason its message says in one sentence
    (the database is unreachable): logged as one line, without a traceback."""


@dataclass
class _Worker:
    slot: int
    started: float


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


class Supervisor:
    """Keeps `count` workers running `serve` until told to stop."""

    def __init__(self, count: int, serve: Callable[[], None]) -> None:
        self.count = count
        self.serve = serve
        self.workers: dict[int, _Worker] = {}
        self._restarts: list[tuple[float, int]] = []  # (due, slot)
        self._quick_deaths = 0
        self._stopping_since: float | None = None
        self._status = 0

    def _fork(self, slot: int, parent_mask: set[int | signal.Signals]) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, parent_mask)
                self.serve()
            except WorkerCannotStart as e:
                LOGGER.error("worker %d cannot start: %s", slot, e)
                code = 3
            except BaseException:
                LOGGER.exception("worker %d failed", slot)
                code = 3
            finally:
                logging.shutdown()
                os._exit(code)
        self.workers[pid] = _Worker(slot, time.monotonic())
        LOGGER.info("worker %d started (pid %d)", slot, pid)

    def _stop(self, why: str) -> None:
        if self._stopping_since is not None:
            return
        LOGGER.info("stopping the workers (%s)", why)
        self._stopping_since = time.monotonic()
        self._restarts.clear()
        for pid in self.workers:
            self._signal(pid, signal.SIGTERM)

    @staticmethod
    def _signal(pid: int, number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone; reaped below
            os.kill(pid, number)

    def _reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is None or self._stopping_since is not None:
                continue
            now = time.monotonic()
            lived = now - worker.started
            self._quick_deaths = self._quick_deaths + 1 if lived < QUICK_DEATH else 0
            # Another worker that has been up a while shows the server can run:
            # keep it serving and keep trying this slot.
            serving = any(now - w.started >= QUICK_DEATH for w in self.workers.values())
            if self._quick_deaths >= GIVE_UP_AFTER and not serving:
                LOGGER.error(
                    "worker %d (pid %d) %s; workers keep dying at start, giving up",
                    worker.slot,
                    pid,
                    _describe(status),
                )
                self._status = 1
                self._stop("workers fail to start")
                continue
            delay = min(2.0**self._quick_deaths - 1, 10.0)
            LOGGER.warning(
                "worker %d (pid %d) %s; starting another%s",
                worker.slot,
                pid,
                _describe(status),
                f" in {delay:.0f} s" if delay else "",
            )
            self._restarts.append((time.monotonic() + delay, worker.slot))

    def run(self) -> int:
        """Fork the workers and supervise them; returns the exit status."""
        parent_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
        try:
            for slot in range(1, self.count + 1):
                self._fork(slot, parent_mask)
            while self.workers or self._restarts:
                received = signal.sigtimedwait(_WATCHED, 0.5)
                if received is not None and received.si_signo in _STOP:
                    self._stop(signal.Signals(received.si_signo).name)
                self._reap()
                now = time.monotonic()
                for due, slot in [r for r in self._restarts if r[0] <= now]:
                    self._restarts.remove((due, slot))
                    self._fork(slot, parent_mask)
                if self._stopping_since is not None and now - self._stopping_since > GRACE:
                    for pid in self.workers:
                        self._signal(pid, signal.SIGKILL)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, parent_mask)
        return self._status
