"""A whole import: several files, duplicates, and what reaches the vault."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_2fa.importers.base import ImportedAccount
from desktop_2fa.importers.session import SourceFile, add_imported, import_files
from desktop_2fa.vault.model import VaultData
from tests.data.canonical import CANONICAL, FIXTURE_PASSWORD
from tests.importers.support import FIXTURES, canonical_vault_data, spec

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _password(file: str, title: str) -> str:
    return FIXTURE_PASSWORD


def test_accounts_already_in_the_vault_are_skipped_and_counted() -> None:
    data = canonical_vault_data(CANONICAL[:3])
    entries = [ImportedAccount(spec(a)) for a in CANONICAL]
    new, outcome = add_imported(data, entries, NOW)
    assert len(outcome.added) == len(CANONICAL) - 3
    assert [d.spec for d in outcome.duplicates] == [spec(a) for a in CANONICAL[:3]]
    assert len(new.accounts) == len(CANONICAL)


def test_the_same_secret_twice_in_one_import_counts_as_a_duplicate() -> None:
    entries = [ImportedAccount(spec(CANONICAL[0]))] * 2
    _, outcome = add_imported(VaultData(), entries, NOW)
    assert (len(outcome.added), len(outcome.duplicates)) == (1, 1)


def test_notes_groups_and_favourites_reach_the_vault() -> None:
    result = import_files(
        [SourceFile("a.json", (FIXTURES / "aegis_plain.json").read_bytes())], password=_password
    )
    data, _ = add_imported(VaultData(), result.entries, NOW)
    first = data.accounts[0]
    assert (first.note, first.group, first.favourite) == ("the first one", "Personal", True)
    assert all(a.created_at == NOW for a in data.accounts)


def test_several_files_merge_and_errors_name_their_file() -> None:
    files = [
        SourceFile(name, (FIXTURES / name).read_bytes())
        for name in ("aegis_encrypted.json", "freeotp_plus.json", "otpauth_list.txt")
    ]
    result = import_files(files, password=_password)
    assert len(result.entries) == 27
    assert [e.label for e in result.errors] == [
        "aegis_encrypted.json, entry 10 (Yandex: ivan)",
        "freeotp_plus.json, entry 10 (Old Bank: olga)",
    ]
    _, outcome = add_imported(VaultData(), result.entries, NOW)
    assert (len(outcome.added), len(outcome.duplicates)) == (9, 18)


def test_bad_lines_of_a_text_file_are_reported_without_their_content() -> None:
    text = b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\nhello SECRETSECRET\n\notpauth://totp/x\n"
    result = import_files([SourceFile("l.txt", text)], password=_password)
    assert [e.spec.issuer for e in result.entries] == ["A"]
    assert [e.label for e in result.errors] == ["line 2", "line 4"]
    assert all("SECRETSECRET" not in str(e) for e in result.errors)


def test_a_bitwarden_uri_without_a_label_takes_the_item_name() -> None:
    import json

    item = {"type": 1, "name": "Forum", "login": {"username": "dan",
            "totp": "otpauth://totp/?secret=JBSWY3DPEHPK3PXP&digits=8"}}  # fmt: skip
    data = json.dumps({"encrypted": False, "items": [item]}).encode()
    (entry,) = import_files([SourceFile("b.json", data)], password=_password).entries
    assert (entry.spec.issuer, entry.spec.name, entry.spec.params.digits) == ("Forum", "dan", 8)
