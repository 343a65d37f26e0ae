"""The worker threads that run the server's store calls and password hashes.

No timing is asserted: events say when a call runs, and every wait has a
generous timeout that only turns a hang into a failure.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from server_stub.worker_threads import AnyioThreads, WorkerThreads, worker_threads

T = TypeVar("T")

#: Only turns a hang (a lost call) into a failure; nothing here should take long.
HANG = 20.0
_names = itertools.count()


class Boom(Exception):
    pass


class Abort(BaseException):
    """Not an `Exception`: a pool that catches only those loses the call."""


def pool(**options: Any) -> WorkerThreads:
    """A pool with a name no other test uses, so its threads can be counted."""
    return WorkerThreads(f"wt-test-{next(_names)}", **options)


def alive(threads: WorkerThreads) -> list[threading.Thread]:
    prefix = threads.name + "-"
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def run(scenario: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(scenario, HANG))


async def in_thread(wait: Callable[[float], bool]) -> None:
    """Wait for a threading.Event without blocking the loop (or a pool under test)."""
    assert await asyncio.to_thread(wait, HANG), "the call never started"


class Gate:
    """Blocking calls that say when they run and wait until the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.started = threading.Semaphore(0)

    def call(self, value: T) -> Callable[[], T]:
        def blocked() -> T:
            with self.lock:
                self.running += 1
                self.peak = max(self.peak, self.running)
            self.started.release()
            try:
                # Longer than HANG: a test's own guard must fail first.
                assert self.open.wait(3 * HANG), "the gate was never opened"
            finally:
                with self.lock:
                    self.running -= 1
            return value

        return blocked

    async def wait_started(self, n: int) -> None:
        for _ in range(n):
            await in_thread(lambda timeout: self.started.acquire(timeout=timeout))


@pytest.fixture
def gate() -> Iterator[Gate]:
    opened = Gate()
    yield opened
    opened.open.set()  # never leave a thread blocked behind a failed test


def returns(value: T) -> Callable[[], T]:
    return lambda: value


def raises(error: BaseException) -> Callable[[], int]:
    def work() -> int:
        raise error

    return work


def test_results_and_exceptions_come_back() -> None:
    threads = pool(max_threads=2)

    async def scenario() -> None:
        assert await threads.run(lambda: 6 * 7) == 42
        with pytest.raises(Boom, match="store said no"):
            await threads.run(raises(Boom("store said no")))
        with pytest.raises(Abort):
            await threads.run(raises(Abort()))
        assert await threads.run(lambda: "still serving") == "still serving"

    run(scenario())
    assert threads.threads <= 2


def test_stop_iteration_from_a_call_is_an_error_not_a_hang() -> None:
    """asyncio refuses StopIteration in a future: delivering it as is lost the call."""
    threads = pool(max_threads=1)

    async def scenario() -> None:
        calls = [threads.run(raises(StopIteration())) for _ in range(20)]
        calls += [threads.run(lambda: 1) for _ in range(20)]
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        assert all(isinstance(o, RuntimeError) for o in outcomes[:20]), outcomes[:20]
        assert outcomes[20:] == [1] * 20

    run(scenario())


def test_a_thousand_concurrent_calls_all_complete() -> None:
    threads = pool(max_threads=4, parallel=2)

    async def scenario() -> list[int]:
        return await asyncio.gather(*(threads.run(returns(i * i)) for i in range(1000)))

    assert run(scenario()) == [i * i for i in range(1000)]
    assert len(alive(threads)) <= 4


def test_a_blocked_call_does_not_stop_the_others(gate: Gate) -> None:
    """One slow store call: another thread takes the queued calls (the rescue)."""
    threads = pool(max_threads=2, parallel=1)

    async def scenario() -> None:
        slow = asyncio.ensure_future(threads.run(gate.call("slow")))
        await gate.wait_started(1)
        assert await asyncio.gather(*(threads.run(returns(i)) for i in range(50))) == list(
            range(50)
        )
        assert not slow.done()
        gate.open.set()
        assert await slow == "slow"

    run(scenario())


def test_max_threads_is_never_exceeded(gate: Gate) -> None:
    threads = pool(max_threads=3, parallel=1, rescue_after=0.001)

    async def scenario() -> None:
        calls = [asyncio.ensure_future(threads.run(gate.call(i))) for i in range(10)]
        await gate.wait_started(3)
        # Room for a rescue that ignores the limit to start more threads.
        for _ in range(50):
            await asyncio.sleep(0.002)
        assert gate.peak == 3
        assert len(alive(threads)) == 3
        gate.open.set()
        assert await asyncio.gather(*calls) == list(range(10))

    run(scenario())
    assert gate.peak == 3


def test_threads_end_when_idle_and_new_work_still_runs() -> None:
    threads = pool(max_threads=2, parallel=2, idle_exit=0.01)

    async def until_no_threads() -> None:
        while threads.threads or alive(threads):
            await asyncio.sleep(0.01)

    async def scenario() -> None:
        assert await asyncio.gather(*(threads.run(returns(i)) for i in range(20))) == list(
            range(20)
        )
        await until_no_threads()
        assert await threads.run(lambda: "after idle") == "after idle"
        await until_no_threads()
        assert await asyncio.gather(*(threads.run(returns(-i)) for i in range(20))) == [
            -i for i in range(20)
        ]

    run(scenario())


def test_threads_ending_while_calls_arrive_lose_none() -> None:
    """Threads end after 1 ms idle while bursts of calls keep coming: no lost wake-up."""
    threads = pool(max_threads=4, parallel=2, idle_exit=0.001, rescue_after=0.001)
    rng = random.Random(7)

    async def scenario() -> None:
        for burst in range(200):
            size = rng.randint(1, 12)
            got = await asyncio.gather(*(threads.run(returns(i)) for i in range(size)))
            assert got == list(range(size)), burst
            await asyncio.sleep(rng.choice((0, 0, 0.0005, 0.001, 0.002)))

    run(scenario())
    assert threads.threads <= 4


def test_a_cancelled_caller_does_not_break_later_calls(gate: Gate) -> None:
    threads = pool(max_threads=2, parallel=1)

    async def scenario() -> None:
        running = asyncio.ensure_future(threads.run(gate.call("running")))
        queued = asyncio.ensure_future(threads.run(lambda: "queued"))
        await gate.wait_started(1)
        running.cancel()
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        with pytest.raises(asyncio.CancelledError):
            await queued
        gate.open.set()
        assert await asyncio.gather(*(threads.run(returns(i)) for i in range(100))) == list(
            range(100)
        )

    run(scenario())


def test_calls_from_several_event_loops_come_back_to_their_own() -> None:
    threads = pool(max_threads=3, parallel=2)
    results: dict[int, list[tuple[int, int]]] = {}

    def one_loop(n: int) -> None:
        async def scenario() -> list[tuple[int, int]]:
            return await asyncio.gather(*(threads.run(returns((n, i))) for i in range(300)))

        results[n] = run(scenario())

    loops = [threading.Thread(target=one_loop, args=(n,)) for n in range(4)]
    for thread in loops:
        thread.start()
    for thread in loops:
        thread.join(HANG)
    assert results == {n: [(n, i) for i in range(300)] for n in range(4)}


class FrozenLoop(asyncio.SelectorEventLoop):
    """A loop whose clock stands still: no timer it holds ever fires."""

    def time(self) -> float:
        return 0.0


def test_a_loop_closed_before_its_rescue_fired_leaves_the_rescue_to_others(gate: Gate) -> None:
    """A test client's loop can end while calls wait behind a slow one; the next loop's
    calls must still be rescued, not wait for that slow call."""
    threads = pool(max_threads=2, parallel=1)
    first = FrozenLoop()
    try:
        calls = [
            first.create_task(threads.run(gate.call("slow"))),
            first.create_task(threads.run(lambda: "queued on the first loop")),
        ]
        first.run_until_complete(gate.wait_started(1))
        for call in calls:
            call.cancel()
        first.run_until_complete(asyncio.gather(*calls, return_exceptions=True))
        first.run_until_complete(first.shutdown_default_executor())
    finally:
        first.close()

    async def later() -> str:
        return await threads.run(lambda: "second loop")

    assert run(later()) == "second loop"
    gate.open.set()


def test_a_thread_that_cannot_start_fails_its_call_and_no_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads = pool(max_threads=1)
    start = threading.Thread.start

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    async def scenario() -> None:
        monkeypatch.setattr(threading.Thread, "start", refuse)
        with pytest.raises(RuntimeError, match="can't start new thread"):
            await threads.run(lambda: "refused")
        monkeypatch.setattr(threading.Thread, "start", start)
        assert await threads.run(lambda: "next") == "next"

    run(scenario())


def test_threads_woken_for_a_stall_go_back_to_sleep_after_it(gate: Gate) -> None:
    """A rescue adds a thread for a stall; once it is over, the store's `parallel` suffices.

    Threads that stayed awake as long as calls were queued piled up under load
    (each GIL-bound pause looked like a stall) until all 16 fought over the GIL.
    """
    threads = pool(max_threads=4, parallel=1, rescue_after=0.05)
    lock = threading.Lock()
    running = peak = 0

    def quick() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        threading.Event().wait(0.001)  # long enough for awake threads to overlap
        with lock:
            running -= 1

    async def scenario() -> None:
        stalled = [asyncio.ensure_future(threads.run(gate.call(i))) for i in range(3)]
        await gate.wait_started(3)
        backlog = [asyncio.ensure_future(threads.run(quick)) for _ in range(300)]
        await asyncio.sleep(0)  # all queued behind the stall
        gate.open.set()
        await asyncio.gather(*stalled, *backlog)

    run(scenario())
    assert peak <= 2


def test_a_store_that_can_use_every_thread_keeps_anyio_threads() -> None:
    """A connection pool: every call gets a thread at once, the queue saves nothing."""
    pooled = worker_threads("wt-test-pooled", max_threads=4, parallel=4)
    assert isinstance(pooled, AnyioThreads)
    assert isinstance(worker_threads("wt-test-one", max_threads=4, parallel=2), WorkerThreads)

    async def scenario() -> None:
        assert await pooled.run(lambda: 6 * 7) == 42
        with pytest.raises(Boom, match="pool said no"):
            await pooled.run(raises(Boom("pool said no")))

    run(scenario())
