"""The limits every store keeps: request buckets, password pauses, the two-factor lock.

Each is one atomic step, so processes sharing a database count together:
the racing tests use twenty connections, as twenty processes would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from server_stub.storage import AttemptOutcome, ChallengeRecord, Store, UserRecord, memory
from server_stub.storage.records import SignInThrottle
from tests.server.support import START, race

POLICY = SignInThrottle(free=3, first_pause=10, longest_pause=40, forget_after=3600)


def test_bucket_is_a_fixed_window_from_the_last_allowed_hit(store: Store) -> None:
    hits = [
        store.hit_rate_limit(b"bucket-a", 60, 3, START + timedelta(seconds=s)) for s in (0, 10, 20)
    ]
    assert hits == [None, None, None]
    assert store.hit_rate_limit(b"bucket-a", 60, 3, START + timedelta(seconds=30)) == 50
    # A refusal neither counts nor moves the window.
    assert store.hit_rate_limit(b"bucket-a", 60, 3, START + timedelta(seconds=79.5)) == 1
    assert store.hit_rate_limit(b"bucket-a", 60, 3, START + timedelta(seconds=80)) is None
    assert store.hit_rate_limit(b"bucket-b", 60, 3, START + timedelta(seconds=80)) is None


def test_buckets_and_failures_are_purged_once_expired(store: Store) -> None:
    store.hit_rate_limit(b"bucket", 60, 1, START)
    store.reserve_sign_in(b"account", POLICY, START)
    store.purge_expired(START + timedelta(seconds=59))
    assert store.hit_rate_limit(b"bucket", 60, 1, START + timedelta(seconds=59)) == 1
    store.purge_expired(START + timedelta(hours=2))
    # Purged rows start from nothing: a fresh bucket, and one failure only.
    assert store.hit_rate_limit(b"bucket", 60, 1, START + timedelta(hours=2)) is None
    for _ in range(2):
        assert store.reserve_sign_in(b"account", POLICY, START + timedelta(hours=2)) is None


def test_sign_in_pause_grows_and_a_success_clears_it(store: Store) -> None:
    for _ in range(3):
        assert store.reserve_sign_in(b"acct", POLICY, START) is None
    # The third failure started a 10 s pause; attempts inside it are refused.
    assert store.reserve_sign_in(b"acct", POLICY, START) == START + timedelta(seconds=10)
    later = START + timedelta(seconds=10)
    assert store.reserve_sign_in(b"acct", POLICY, later) is None
    assert store.reserve_sign_in(b"acct", POLICY, later) == later + timedelta(seconds=20)
    store.clear_sign_in_failures(b"acct")
    assert store.reserve_sign_in(b"acct", POLICY, later) is None
    assert store.reserve_sign_in(b"other", POLICY, START) is None


def test_two_factor_attempt_checks_the_lock_first_and_lifts_an_expired_one(store: Store) -> None:
    store.create_user(
        UserRecord("u1", "B", "b@example.test", False, None, START, START, False), "h"
    )
    store.put_two_factor("u1", b"sealed", [])
    store.create_challenge(ChallengeRecord("2fa-c", "u1", START + timedelta(hours=1), 0))
    lock_end = START + timedelta(seconds=900)
    for _ in range(2):
        store.record_two_factor_failure("u1", 2, lock_end)
    assert store.begin_two_factor_attempt("u1", "2fa-c", 5, START) is AttemptOutcome.LOCKED
    challenge = store.get_challenge("2fa-c", START)
    assert challenge is not None and challenge.attempts == 0  # a locked try is not counted
    assert store.begin_two_factor_attempt("u1", "2fa-c", 5, lock_end) is AttemptOutcome.RESERVED
    row = store.get_two_factor("u1")
    assert row is not None and row.failed_attempts == 0 and row.locked_until is None


def test_twenty_racing_hits_allow_exactly_the_maximum(connections: list[Store]) -> None:
    allowed = race(20, lambda i: connections[i].hit_rate_limit(b"b", 60, 5, START) is None)
    assert allowed.count(True) == 5


def test_twenty_racing_password_attempts_get_exactly_the_free_ones(
    connections: list[Store],
) -> None:
    let_through = race(20, lambda i: connections[i].reserve_sign_in(b"a", POLICY, START) is None)
    assert let_through.count(True) == POLICY.free


def test_twenty_racing_code_attempts_respect_the_cap(connections: list[Store]) -> None:
    setup = connections[0]
    setup.create_user(
        UserRecord("u1", "B", "b@example.test", False, None, START, START, False), "h"
    )
    setup.put_two_factor("u1", b"sealed", [])
    setup.create_challenge(ChallengeRecord("2fa-r", "u1", START + timedelta(hours=1), 0))
    outcomes = race(20, lambda i: connections[i].begin_two_factor_attempt("u1", "2fa-r", 5, START))
    assert outcomes.count(AttemptOutcome.RESERVED) == 5
    assert outcomes.count(AttemptOutcome.CAPPED) == 15


def test_the_memory_store_keeps_a_bounded_number_of_buckets_and_failures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random client addresses or random e-mails cannot grow memory without end.

    The oldest rows go first, and an e-mail that is pausing stays paused
    while calmer rows make room.
    """
    monkeypatch.setattr(memory, "MAX_BUCKETS", 100)
    monkeypatch.setattr(memory, "MAX_FAILURES", 100)
    store = memory.MemoryStore()
    pausing = SignInThrottle(free=1, first_pause=3600, longest_pause=3600)
    assert store.reserve_sign_in(b"target", pausing, START) is None  # now pausing for an hour
    for n in range(1000):
        at = START + timedelta(milliseconds=n)
        store.hit_rate_limit(b"bucket-%d" % n, 60, 1, at)
        store.reserve_sign_in(b"e-mail-%d" % n, POLICY, at)
    assert len(store._buckets) <= 100 and len(store._failures) <= 100
    assert store.hit_rate_limit(b"bucket-999", 60, 1, START + timedelta(seconds=1)) is not None
    assert store.reserve_sign_in(b"target", pausing, START + timedelta(seconds=1)) is not None
