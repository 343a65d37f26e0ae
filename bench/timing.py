"""Timing shared by the sections: fresh processes, interleaved rounds, paired ratios.

The machine is shared, so two measurements taken a second apart can land on
different loads. Every round therefore runs each contender once, in an order
that rotates from round to round, and a ratio is the median of the per-round
ratios against the floor measured in that same round. Nothing here asserts:
the targets are printed next to the figures.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence


def process_ms(argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
    """Wall time of one fresh process, start to exit; it must succeed.

    Output goes to temporary files (a pipe could fill up and stall it);
    stderr is shown only when the process fails.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, check=False, stdout=subprocess.DEVNULL, stderr=err)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(argv)} failed:\n{err.read().decode(errors='replace')}")
    return elapsed


def rounds(contenders: Mapping[str, Callable[[], float]], count: int) -> dict[str, list[float]]:
    """`count` rounds; each contender returns the milliseconds of its one run."""
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(count):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(contenders[name]())
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(times: Mapping[str, Sequence[float]], name: str, floor: str) -> float:
    """The median over rounds of `name`'s time divided by `floor`'s in the same round."""
    return statistics.median(a / b for a, b in zip(times[name], times[floor], strict=True))


def line(what: str, value: float, unit: str, target: str) -> None:
    print(f"{what:<58} {value:8.2f} {unit:<4} (target {target})", flush=True)
