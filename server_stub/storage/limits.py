"""The arithmetic of the limits the stores keep, in one place for every store.

A store reads a row, asks these functions for the next row and the verdict,
and writes the row back inside one atomic step (a lock, a transaction with
the row locked, or one statement). Times are integer milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server_stub.storage.records import SignInThrottle


@dataclass(frozen=True, slots=True)
class Bucket:
    """A request bucket: allowed hits in the current window and the last allowed one."""

    hits: int
    last_at: int


def bucket_step(
    bucket: Bucket | None, now: int, window_ms: int, max_hits: int
) -> tuple[Bucket, int | None]:
    """better-auth's fixed window: the next bucket, and seconds to wait if refused.

    A request more than `window` after the last *allowed* one starts a new
    window; a refused request changes nothing, so refusals never extend a block.
    """
    if bucket is None or now - bucket.last_at >= window_ms:
        return Bucket(1, now), None
    if bucket.hits >= max_hits:
        return bucket, wait_seconds(bucket.last_at + window_ms, now)
    return Bucket(bucket.hits + 1, now), None


def wait_seconds(until: int, now: int) -> int:
    """Whole seconds from `now` to `until`, rounded up, at least 1."""
    return max(1, math.ceil((until - now) / 1000))


@dataclass(frozen=True, slots=True)
class Failures:
    """Consecutive password failures at one account."""

    failures: int
    forget_at: int
    blocked_until: int | None


def throttle_step(
    row: Failures | None, now: int, policy: SignInThrottle
) -> tuple[Failures, int | None]:
    """Count one password attempt before it is checked.

    Returns the next row and, when the account is pausing, the end of the
    pause (the attempt is then refused and not counted). Counting first means
    that racing attempts cannot slip past the limit together; a success
    deletes the row.
    """
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        return row, row.blocked_until
    fresh = row is None or now >= row.forget_at
    failures = 1 if fresh or row is None else row.failures + 1
    pause = policy.pause_ms(failures)
    blocked = None if pause is None else now + pause
    forget = max(now + policy.forget_after * 1000, blocked or 0)
    return Failures(failures, forget, blocked), None
