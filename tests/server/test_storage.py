"""The store contract, for the memory, SQLite and PostgreSQL stores alike, plus specifics."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from server_stub.storage import (
    AttemptOutcome,
    ChallengeRecord,
    DuplicateEmail,
    SessionRecord,
    SQLiteStore,
    Store,
    TrustedDeviceRecord,
    UserRecord,
)
from tests.server.conftest import STORES, open_test_store
from tests.server.support import START, race

LATER = START + timedelta(hours=1)


def _user(user_id: str = "u1", email: str = "bob@example.test") -> UserRecord:
    return UserRecord(user_id, "Bob", email, False, None, START, START, False)


def _session(token: str = "t1", user_id: str = "u1") -> SessionRecord:
    return SessionRecord("s-" + token, token, user_id, LATER, START, START, "127.0.0.1", "ua")


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from open_test_store(request.param, request, tmp_path)


def test_users(store: Store) -> None:
    store.create_user(_user(), "hash")
    assert store.get_user("u1") == _user()
    found = store.find_credentials("bob@example.test")
    assert found is not None and found.password_hash == "hash" and found.user == _user()
    assert store.find_credentials("BOB@example.test") is None  # callers lower-case
    assert store.get_password_hash("u1") == "hash"
    with pytest.raises(DuplicateEmail):
        store.create_user(_user("u2"), "h")
    updated = store.set_two_factor_enabled("u1", True, LATER)
    assert updated is not None and updated.two_factor_enabled and updated.updated_at == LATER
    assert store.set_two_factor_enabled("nobody", True, LATER) is None


def test_sessions(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.create_session(_session())
    found = store.get_session("t1")
    assert found is not None and found[0] == _session() and found[1].id == "u1"
    later = LATER + timedelta(days=1)
    extended = store.extend_session("t1", later, LATER)
    assert extended is not None and extended.expires_at == later and extended.updated_at == LATER
    store.delete_session("t1")
    assert store.get_session("t1") is None
    assert store.extend_session("t1", later, LATER) is None


def test_two_factor_rows_and_backup_codes(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.put_two_factor("u1", b"sealed", [b"a", b"b"])
    row = store.get_two_factor("u1")
    assert row is not None and not row.verified and row.last_used_step is None
    store.mark_two_factor_verified("u1")
    assert store.get_two_factor("u1").verified  # type: ignore[union-attr]
    assert store.consume_backup_code("u1", b"a") is True
    assert store.consume_backup_code("u1", b"a") is False
    store.replace_backup_codes("u1", [b"c"])
    assert store.consume_backup_code("u1", b"b") is False
    assert store.consume_backup_code("u1", b"c") is True
    store.delete_two_factor("u1")
    assert store.get_two_factor("u1") is None
    store.put_two_factor("u1", b"sealed", [])
    assert store.consume_backup_code("u1", b"c") is False  # deleted with the row


def test_totp_steps_only_move_forward(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.put_two_factor("u1", b"sealed", [])
    assert store.claim_totp_step("u1", 100)
    assert not store.claim_totp_step("u1", 100)
    assert not store.claim_totp_step("u1", 99)
    assert store.claim_totp_step("u1", 101)
    assert not store.claim_totp_step("nobody", 5)


def test_failures_and_lock(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.put_two_factor("u1", b"sealed", [])
    for expected in range(1, 4):
        assert store.record_two_factor_failure("u1", 3, LATER) == expected
    row = store.get_two_factor("u1")
    assert row is not None and row.failed_attempts == 3 and row.locked_until == LATER
    store.put_two_factor("u1", b"other", [])  # re-enable keeps the lock
    assert store.get_two_factor("u1").locked_until == LATER  # type: ignore[union-attr]
    store.reset_two_factor_failures("u1")
    row = store.get_two_factor("u1")
    assert row is not None and row.failed_attempts == 0 and row.locked_until is None


def test_challenges(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.create_challenge(ChallengeRecord("2fa-x", "u1", START + timedelta(seconds=600), 0))
    assert store.get_challenge("2fa-x", START) is not None
    for _ in range(2):
        assert store.begin_two_factor_attempt("u1", "2fa-x", 2, START) is AttemptOutcome.RESERVED
    assert store.begin_two_factor_attempt("u1", "2fa-x", 2, START) is AttemptOutcome.CAPPED
    expired = START + timedelta(seconds=600)
    assert store.get_challenge("2fa-x", expired) is None
    assert store.begin_two_factor_attempt("u1", "2fa-x", 9, expired) is AttemptOutcome.MISSING
    assert store.consume_challenge("2fa-x", expired) is None  # gone, even if expired
    assert store.consume_challenge("2fa-x", START) is None
    store.create_challenge(ChallengeRecord("2fa-y", "u1", LATER, 0))
    assert store.consume_challenge("2fa-y", START) is not None
    assert store.consume_challenge("2fa-y", START) is None


def test_trusted_devices_and_purge(store: Store) -> None:
    store.create_user(_user(), "hash")
    store.create_trusted_device(TrustedDeviceRecord("trust-device-a", "u1", LATER))
    store.create_trusted_device(TrustedDeviceRecord("trust-device-b", "u1", START))
    assert store.get_trusted_device("trust-device-a") is not None
    store.create_session(_session("old"))
    store.create_challenge(ChallengeRecord("2fa-old", "u1", START, 0))
    store.purge_expired(START + timedelta(minutes=1))
    assert store.get_trusted_device("trust-device-b") is None
    assert store.get_trusted_device("trust-device-a") is not None
    assert store.get_session("old") is not None  # expires LATER
    assert store.delete_trusted_device("trust-device-a") is True
    assert store.delete_trusted_device("trust-device-a") is False
    store.create_trusted_device(TrustedDeviceRecord("trust-device-c", "u1", LATER))
    store.delete_trusted_devices_of("u1")
    assert store.get_trusted_device("trust-device-c") is None


# -- SQLite specifics ------------------------------------------------------------
def test_sqlite_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "keep.db"
    first = SQLiteStore(path)
    first.create_user(_user(), "hash")
    first.set_two_factor_enabled("u1", True, LATER)
    first.put_two_factor("u1", b"sealed", [b"code"])
    first.mark_two_factor_verified("u1")
    first.claim_totp_step("u1", 42)
    first.close()
    second = SQLiteStore(path)
    user = second.get_user("u1")
    row = second.get_two_factor("u1")
    assert user is not None and user.two_factor_enabled
    assert row is not None and row.verified and row.secret_ciphertext == b"sealed"
    assert row.last_used_step == 42
    assert second.consume_backup_code("u1", b"code")
    second.close()


def test_sqlite_file_is_private_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    SQLiteStore(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_single_use_holds_across_twenty_racing_connections(connections: list[Store]) -> None:
    setup = connections[0]
    setup.create_user(_user(), "hash")
    setup.put_two_factor("u1", b"sealed", [b"the-code", b"other"])
    results = race(20, lambda i: connections[i].consume_backup_code("u1", b"the-code"))
    assert results.count(True) == 1
    claims = race(20, lambda i: connections[i].claim_totp_step("u1", 7))
    assert claims.count(True) == 1
    setup.create_challenge(ChallengeRecord("2fa-r", "u1", LATER, 0))
    consumed = race(20, lambda i: connections[i].consume_challenge("2fa-r", START) is not None)
    assert consumed.count(True) == 1


def test_twenty_racing_redemptions_on_one_shared_connection(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "one.db")
    store.create_user(_user(), "hash")
    store.put_two_factor("u1", b"sealed", [b"the-code"])
    assert race(20, lambda i: store.consume_backup_code("u1", b"the-code")).count(True) == 1
    store.close()
