"""The payload one account a line, and a vault unlocked lazily for `code QUERY` (issue 13).

A lazy unlock builds only the accounts a search may return; whatever the
names hold (accents, case folding that leaves ASCII, quotes, backslashes,
colons) its answer is the one the whole contents give.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.vault import account_lines, contents, search
from desktop_2fa.vault.account_lines import LazyContents
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import (
    Account,
    BackupCode,
    BackupCodeSet,
    BackupSource,
    Enrollment,
    VaultData,
)
from desktop_2fa.vault.store import VaultFile

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
# Characters where bytes and casefold disagree: "K" (Kelvin sign) and "ſ" fold
# to ASCII, "ß" folds to "ss", "İ" to two characters; quotes and backslashes
# are escaped in JSON; ":" joins "issuer:name".
TRICKY = 'aAbBkKsS0 9:-_"\\/éÉßſKİ日\u0301'


def _account(i: int, issuer: str, name: str, group: str = "") -> Account:
    params = OtpParams(OtpKind.TOTP, os.urandom(10) + i.to_bytes(4, "big"))
    return Account(
        id=f"{i:04x}" + os.urandom(14).hex(),
        issuer=issuer,
        name=name,
        params=params,
        created_at=NOW,
        updated_at=NOW,
        group=group,
    )


def _data(labels: list[tuple[str, str, str]]) -> VaultData:
    return VaultData(accounts=tuple(_account(i, *label) for i, label in enumerate(labels)))


def _payload(data: VaultData) -> bytes:
    body = contents.to_dict(data)
    body["vault_id"], body["generation"] = "0" * 32, 1
    return account_lines.dumps(body)


def test_the_payload_is_one_account_a_line_and_plain_json() -> None:
    data = _data([("GitHub", "alice", ""), ("Bank", 'say "hi"\\', "Work"), ("Café", "", "")])
    plaintext = _payload(data)
    lines = plaintext.split(b"\n")
    assert lines[0] == b'{"accounts":['
    assert lines[-1].startswith(b'],"settings":')
    assert len(lines) == len(data.accounts) + 2
    assert contents.from_dict(json.loads(plaintext)) == data
    assert LazyContents(plaintext).data() == data
    assert LazyContents(account_lines.dumps({"accounts": []})).data() == VaultData()


def test_members_left_at_their_defaults_are_not_written() -> None:
    """Each account line held an empty note, group and backup-code set, and every
    unused code a "used_at": null: a fifth of a plain account's bytes, which a
    10,000-account vault reads, hashes, decodes and searches on every `code`."""
    plain = _account(0, "GitHub", "alice")
    rich = dataclasses.replace(
        _account(1, "Bank", "bob", "Work"),
        note="a note",
        favourite=True,
        backup_codes=BackupCodeSet(
            (BackupCode("1111-2222"), BackupCode("3333", True, NOW), BackupCode("4444", True)),
            source=BackupSource.IMPORT,
            updated_at=NOW,
        ),
    )
    data = VaultData(accounts=(plain, rich))
    plaintext = _payload(data)
    plain_line, rich_line = (json.loads(line.rstrip(b",")) for line in plaintext.split(b"\n")[1:3])
    for member in ("note", "group", "favourite", "backup_codes"):
        assert member not in plain_line
        assert member in rich_line
    assert rich_line["backup_codes"]["codes"] == [
        {"code": "1111-2222", "used": False},
        {"code": "3333", "used": True, "used_at": NOW.isoformat()},
        {"code": "4444", "used": True},
    ]
    assert LazyContents(plaintext).data() == data
    assert LazyContents(plaintext).find("bank") == [rich]


def test_lines_that_spell_out_the_defaults_open_the_same() -> None:
    """What this version wrote before: every member, defaults included."""
    data = _data([("GitHub", "alice", ""), ("Bank", "bob", "Work")])
    body = contents.to_dict(data)
    for account in body["accounts"]:
        account.setdefault("note", "")
        account.setdefault("group", "")
        account.setdefault("favourite", False)
        account["backup_codes"] = {"source": "manual", "updated_at": None, "codes": []}
    body["accounts"][1]["backup_codes"]["codes"] = [{"code": "1", "used": False, "used_at": None}]
    body["vault_id"], body["generation"] = "0" * 32, 1
    spelled_out = account_lines.dumps(body)
    assert b'"note":""' in spelled_out
    assert LazyContents(spelled_out).data().accounts[0] == data.accounts[0]
    assert LazyContents(spelled_out).data().accounts[1].backup_codes.codes == (BackupCode("1"),)
    assert LazyContents(spelled_out).find("github") == [data.accounts[0]]


label = st.text(TRICKY, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(st.tuples(label, label, label), min_size=1, max_size=8),
    picks=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 12), st.integers(0, 12))),
    extra=st.lists(st.text(TRICKY, max_size=5), max_size=3),
)
def test_a_lazy_search_finds_what_the_whole_contents_give(
    labels: list[tuple[str, str, str]],
    picks: list[tuple[int, int, int]],
    extra: list[str],
) -> None:
    data = _data(labels)
    # Queries cut from what users see ("issuer:name" too), ids, and anything.
    queries = list(extra)
    for index, start, length in picks:
        a = data.accounts[index % len(data.accounts)]
        for text in (a.issuer, a.name, f"{a.issuer}:{a.name}", a.group, a.id):
            queries.append(text[start : start + length])
            queries.append(text[start : start + length].upper())
    plaintext = _payload(data)
    for query in queries:
        assert LazyContents(plaintext).find(query) == search.find(data, query), query


def test_a_lazy_unlock_builds_only_the_accounts_it_finds(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data([(f"Issuer {i:03d}", f"user{i}@example.test", "") for i in range(200)])
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    built: list[str] = []
    read_account = contents._account_from_dict

    def counting(d: dict[str, object]) -> Account:
        built.append(str(d["issuer"]))
        return read_account(d)

    monkeypatch.setattr(contents, "_account_from_dict", counting)
    vault = VaultFile(vault_path).unlock("pw", lazy=True)
    (found,) = vault.find("Issuer 042")
    assert found == data.accounts[42]
    assert built == ["Issuer 042"]
    assert vault.data == data  # everything, once something needs everything
    assert len(built) == 1 + 200
    assert VaultFile(vault_path).unlock("pw").data == data  # the usual unlock: all at once


def test_a_payload_saved_before_the_line_layout_opens_the_same(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    from desktop_2fa.vault import payload

    data = _data([("GitHub", "alice", ""), ("GitHub Enterprise", "alice", ""), ("Bank", "b", "")])
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    body = contents.to_dict(data)
    body["vault_id"] = vault.vault_id
    # Each written newer than the last save (an older one would be a rollback).
    for generation, separators in ((5, None), (50, (",", ":"))):
        body["generation"] = generation
        old = json.dumps(body, separators=separators)
        vault_path.write_bytes(
            payload.reseal(bytes(vault._master), vault.kdf, vault._slots, old.encode())
        )
        lazy = VaultFile(vault_path).unlock("pw", lazy=True)
        assert lazy.generation == generation
        assert lazy.find("github") == list(data.accounts[:2])
        assert lazy.data == data
        lazy.apply(dataclasses.replace)  # any save writes it one account a line
        assert VaultFile(vault_path).unlock("pw").data == data


@pytest.mark.parametrize(
    "layout",
    [
        # two accounts on one line, an account over two lines, a blank line
        lambda lines: [lines[0] + lines[1], *lines[2:]],
        lambda lines: [lines[0].replace(b',"issuer"', b',\n"issuer"'), *lines[1:]],
        lambda lines: [lines[0], b"", *lines[1:]],
    ],
)
def test_lines_that_are_not_one_account_each_give_the_same_answer(
    layout: object,
) -> None:
    data = _data([("GitHub", "alice", ""), ("GitHub", "bob", ""), ("Bank", "b", "")])
    plaintext = _payload(data)
    head, *accounts, tail = plaintext.split(b"\n")
    changed = b"\n".join([head, *layout(accounts), tail])  # type: ignore[operator]
    assert json.loads(changed) == json.loads(plaintext)  # the same JSON value
    for query in ("github", "GitHub:bob", "bank", "nothing"):
        assert LazyContents(changed).find(query) == search.find(data, query), query


@pytest.mark.parametrize(
    "tail",
    [
        b'],"accounts":[],"settings":{}}',  # the last "accounts" is the one JSON keeps
        b'],"settings":{},"accounts":[]}',
        b'],"settings":{"a":1,"a":2},"accounts":[]}',
    ],
)
def test_a_second_accounts_member_gives_the_answer_the_whole_payload_gives(tail: bytes) -> None:
    """The lazy search took the lines for the accounts whenever the members after
    them held an empty "accounts"; JSON keeps the last member of a name, so the
    whole payload had no account at all, and `code` still printed them."""
    data = _data([("GitHub", "alice", ""), ("Bank", "b", "")])
    head, *accounts, _ = _payload(data).split(b"\n")
    changed = b"\n".join([head, *accounts, tail])
    whole = contents.from_dict(json.loads(changed))
    for query in ("github", "bank", ""):
        assert LazyContents(changed).find(query) == search.find(whole, query), query


def test_an_hotp_code_saves_every_other_account_unchanged(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_2fa.cli.main import main

    accounts = [_account(i, f"Issuer {i}", "x", "g") for i in range(50)]
    hotp = dataclasses.replace(
        _account(99, "Counter", "bob"), params=OtpParams(OtpKind.HOTP, b"k" * 20, counter=7)
    )
    rich = dataclasses.replace(
        accounts[3],
        note="a note",
        favourite=True,
        backup_codes=BackupCodeSet((BackupCode("1111-2222"), BackupCode("x", True, NOW))),
        enrollment=Enrollment("https://example.test", "a@example.test", NOW),
    )
    data = VaultData(accounts=(*accounts[:3], rich, *accounts[4:], hotp))
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    assert main(["code", "Counter"]) == 0
    after = VaultFile(vault_path).unlock("pw").data
    assert after.accounts[:-1] == data.accounts[:-1]
    assert after.accounts[-1].params.counter == 8
    assert after.settings == data.settings


def test_code_searches_once_and_builds_only_the_candidates(
    vault_path: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`code GitHub` next to "GitHub Enterprise": the exact name picks one, from one search."""
    from desktop_2fa.cli.main import main

    labels = [("GitHub", "alice", ""), ("GitHub Enterprise", "alice", "")]
    data = _data(labels + [(f"Other {i}", "x", "") for i in range(20)])
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    checked: list[str] = []
    matches = search.matches

    def counting(account: Account, query: str) -> bool:
        checked.append(account.issuer)
        return matches(account, query)

    monkeypatch.setattr(search, "matches", counting)
    assert main(["code", "GitHub"]) == 0
    assert checked == ["GitHub", "GitHub Enterprise"]
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith("  GitHub (alice)")
