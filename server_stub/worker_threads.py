"""Worker threads for the blocking calls of request handlers (store, scrypt).

Why not `anyio.to_thread` or a plain `ThreadPoolExecutor`: each hands every
call to whichever thread is free and wakes the event loop once per result, so
under load every request costs several thread wake-ups and as many hand-overs
of the GIL between the loop and a crowd of threads, each a context switch.
One SQLite process answered a third to almost half fewer requests that way
(README, "Throughput").

Here calls wait in one queue and a thread, once awake, keeps taking the next
call until the queue is empty; results are handed back in batches, one loop
wake-up for all that finished since the loop last looked. Only `parallel`
threads are woken for queued calls (the store says how many it can use:
`Store.parallel_calls`). A call never waits behind a slow one for long: while
calls are queued and no running call has finished for `rescue_after`
seconds, one more thread (up to `max_threads`) is woken to take them, so one
slow query stalls only its own request.

A caller that is cancelled stops waiting, but its call still runs (as with
`anyio.to_thread`, whose callers wait for it); its result is dropped.

When the store can use every thread it may have (a connection pool), the
queue saves nothing and `anyio.to_thread` stays (`worker_threads` chooses).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")

#: How long queued calls wait behind running ones before another thread helps.
RESCUE_AFTER = 0.002
#: A thread without work for this long ends (a new one starts when needed).
IDLE_EXIT = 10.0


class Threads(Protocol):
    """Where request handlers run their blocking calls."""

    async def run(self, work: Callable[[], T]) -> T:
        """The result of `work()`, called in a worker thread (its exception, raised here)."""
        ...


def worker_threads(name: str, *, max_threads: int, parallel: int) -> Threads:
    """`WorkerThreads` when fewer than `max_threads` calls can usefully run at once.

    Otherwise anyio's threads, each waiting on a queue of its own, did better:
    with PostgreSQL (two workers, verify-totp, 8 connections) `WorkerThreads`
    answered 6 to 17 % fewer requests.
    """
    if parallel >= max_threads:
        return AnyioThreads(max_threads)
    return WorkerThreads(name, max_threads=max_threads, parallel=parallel)


class AnyioThreads:
    """`anyio.to_thread` with at most `max_threads` calls at once."""

    def __init__(self, max_threads: int) -> None:
        self._limiter = anyio.CapacityLimiter(max_threads)

    async def run(self, work: Callable[[], T]) -> T:
        """The result of `work()`, called in a worker thread (its exception, raised here)."""
        return await anyio.to_thread.run_sync(work, limiter=self._limiter)


class _Call:
    """One queued call and the loop waiting for it."""

    __slots__ = ("future", "loop", "work")

    def __init__(self, work: Callable[[], Any], loop: asyncio.AbstractEventLoop) -> None:
        self.work = work
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()


Outcome = tuple[_Call, bool, Any]


class WorkerThreads:
    """Runs blocking callables off the event loop (`await threads.run(work)`)."""

    def __init__(
        self,
        name: str,
        *,
        max_threads: int,
        parallel: int = 1,
        rescue_after: float = RESCUE_AFTER,
        idle_exit: float = IDLE_EXIT,
    ) -> None:
        if not 1 <= parallel <= max_threads:
            raise ValueError("need 1 <= parallel <= max_threads")
        self.name = name
        self.max_threads = max_threads
        self.parallel = parallel
        self.rescue_after = rescue_after
        self.idle_exit = idle_exit
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: deque[_Call] = deque()
        self._threads = 0  # alive
        self._sleeping = 0  # waiting for `_wake` and not yet called
        self._awake = 0  # running a call or about to take the next one
        self._tokens = 0  # wake-ups given and not yet taken by a sleeper
        self._finished = 0  # calls finished so far: progress, for the rescue check
        self._busy: dict[int, float] = {}  # thread id: when its current call started
        # Loops with a rescue timer pending: one each, since a loop can stop or close
        # (a test client's loop ends after its request) before its timer fires.
        self._rescuing: set[asyncio.AbstractEventLoop] = set()
        self._numbers = itertools.count(1)
        # Finished calls per event loop; an entry exists while its delivery is scheduled.
        self._done: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}

    @property
    def threads(self) -> int:
        """Threads alive now (they end after `idle_exit` seconds without work)."""
        return self._threads

    async def run(self, work: Callable[[], T]) -> T:
        """The result of `work()`, called in a worker thread (its exception, raised here)."""
        loop = asyncio.get_running_loop()
        call = _Call(work, loop)
        with self._lock:
            self._queue.append(call)
            woken = False
            if self._awake < self.parallel:
                try:
                    self._wake_one()
                    woken = True
                except BaseException:
                    if not self._threads:  # no thread will ever take it: fail it here
                        self._queue.remove(call)
                        raise
            if not woken and loop not in self._rescuing:
                self._rescuing = {other for other in self._rescuing if not other.is_closed()}
                self._rescuing.add(loop)
                loop.call_later(self.rescue_after, self._rescue, loop, self._finished)
        result: T = await call.future
        return result

    def _wake_one(self) -> None:
        """Wake a sleeping thread or start one, unless all are awake (the lock is held).

        Raises RuntimeError (from `Thread.start`) when no thread can be started;
        the counts are then unchanged.
        """
        if self._sleeping:
            self._sleeping -= 1
            self._awake += 1
            self._tokens += 1
            self._wake.notify()
        elif self._threads < self.max_threads:
            name = f"{self.name}-{next(self._numbers)}"
            threading.Thread(target=self._serve, name=name, daemon=True).start()
            # Counted once started; it cannot look before: it needs the lock first.
            self._threads += 1
            self._awake += 1

    def _rescue(self, loop: asyncio.AbstractEventLoop, finished_then: int) -> None:
        """On `loop`: calls still queued and none finished since: wake one more thread."""
        with self._lock:
            if not self._queue:
                self._rescuing.discard(loop)
                return
            if self._finished == finished_then:
                with contextlib.suppress(RuntimeError):  # none to spare: try next time
                    self._wake_one()
            finished = self._finished
        loop.call_later(self.rescue_after, self._rescue, loop, finished)

    def _sleep(self) -> bool:
        """Wait for a call (the lock is held); False: idle too long, the thread ends."""
        self._awake -= 1
        self._sleeping += 1
        while True:
            notified = self._wake.wait(self.idle_exit)
            if self._tokens:  # a waker counted us awake again (whichever sleeper it meant)
                self._tokens -= 1
                return True
            if not notified:
                self._sleeping -= 1
                self._threads -= 1
                return False

    def _excess(self) -> bool:
        """More threads awake than `parallel`, not counting those stuck in a slow call.

        A rescue wakes a thread for a stall, and also when a busy process only
        kept the running calls waiting for the GIL; once not needed it goes back
        to sleep, or under load all `max_threads` would stay awake and fight
        over the GIL. Queued calls stay watched by the rescue (the lock is held).
        """
        if self._awake <= self.parallel:
            return False
        since = time.monotonic() - self.rescue_after
        stuck = sum(1 for started in self._busy.values() if started < since)
        return self._awake - stuck > self.parallel

    def _serve(self) -> None:
        lock, queue, busy = self._lock, self._queue, self._busy
        me = threading.get_ident()
        while True:
            with lock:
                while not queue or self._excess():
                    if not self._sleep():
                        return
                call = queue.popleft()
                busy[me] = time.monotonic()
            try:
                outcome: Outcome = (call, True, call.work())
            except StopIteration as e:
                # A future refuses it (it would end the awaiting coroutine): as asyncio
                # does for a coroutine (PEP 479), it becomes a RuntimeError.
                error = RuntimeError(f"{call.work!r} raised StopIteration")
                error.__cause__ = e
                outcome = (call, False, error)
            except BaseException as e:  # handed to the awaiting task, raised there
                outcome = (call, False, e)
            del call
            loop = outcome[0].loop
            with lock:
                del busy[me]
                self._finished += 1
                pending = self._done.get(loop)
                if pending is not None:  # a delivery is on its way: ride along
                    pending.append(outcome)
                    continue
                self._done[loop] = [outcome]
            try:
                loop.call_soon_threadsafe(self._deliver, loop)
            except RuntimeError:  # that loop is closed: nobody waits any more
                with lock:
                    self._done.pop(loop, None)

    def _deliver(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop: settle every call that finished since the last delivery."""
        with self._lock:
            done = self._done.pop(loop, [])
        for call, ok, value in done:
            if call.future.done():  # the awaiting task was cancelled
                continue
            if ok:
                call.future.set_result(value)
            else:
                call.future.set_exception(value)
