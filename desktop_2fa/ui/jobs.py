"""Run slow work (key derivation, decoding, network) off the UI thread.

    job = start(lambda: vault_file.unlock(password), parent=self)
    job.succeeded.connect(self._opened)      # delivered on the UI thread
    job.failed.connect(self._show_error)     # the exception object

A `Job` is a QObject living on the UI thread; the work runs as a QRunnable in
the global QThreadPool and reports back through a queued signal, so the slots
connected to `succeeded`/`failed` always run on the UI thread. When the job's
parent is destroyed first (a dialog closed mid-scan), the result is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

# Relays waiting for their queued signal; kept alive here so Python never
# collects a QObject from the worker thread.
_pending: set[_Relay] = set()
_lock = threading.Lock()


class _Relay(QObject):
    """Carries a result from the worker thread to the UI thread (queued)."""

    done = Signal(bool, object)


class Job(QObject):
    """Work handed to the thread pool.

    Signals:
        succeeded(object): the function's return value.
        failed(object): the exception it raised (never re-raised on the UI thread).
        finished(): after either, on the UI thread.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = True
        self.cancelled = False
        self._relay: _Relay | None = None

    def cancel(self) -> None:
        """Drop the result when it arrives (the work itself is not interrupted)."""
        self.cancelled = True

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self.running = False
        with _lock:  # on the UI thread, where the relay lives
            _pending.discard(self._relay)  # type: ignore[arg-type]
        self._relay = None
        if not self.cancelled:
            (self.succeeded if ok else self.failed).emit(value)
        self.finished.emit()


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as e:  # handed to the UI thread, turned into words there
            self._relay.done.emit(False, e)
        else:
            self._relay.done.emit(True, result)
        self._fn = _nothing  # drop references to the work (and any secrets it holds)


def _nothing() -> None:
    return None


def start(
    fn: Callable[[], Any], parent: QObject | None = None, pool: QThreadPool | None = None
) -> Job:
    """Run `fn()` in `pool` (the global one by default); returns the `Job` reporting back."""
    job = Job(parent)
    relay = _Relay()
    with _lock:
        _pending.add(relay)
    job._relay = relay
    relay.done.connect(job._deliver)
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay))
    return job


def wait_for_all(msecs: int = 30_000) -> bool:
    """Wait for running work (at shutdown, so no thread outlives the application)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
