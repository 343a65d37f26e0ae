from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import edits
from desktop_2fa.vault.errors import (
    AccountNotFound,
    AmbiguousAccount,
    BackupCodeNotFound,
    DuplicateAccount,
    NoAccountNamed,
)
from desktop_2fa.vault.model import BackupSource, VaultData

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _spec(label: str, secret: str = "JBSWY3DPEHPK3PXP") -> uri.AccountSpec:
    return uri.parse(f"otpauth://totp/{label}?secret={secret}")


def _vault() -> VaultData:
    data, _ = edits.add_account(VaultData(), _spec("GitHub:alice", "AAAAAAAAAAAAAAAA"), NOW)
    data, _ = edits.add_account(data, _spec("GitHub Enterprise:alice", "BBBBBBBBBBBBBBBB"), NOW)
    data, _ = edits.add_account(data, _spec("Bank:bob", "CCCCCCCCCCCCCCCC"), NOW)
    return data


def test_duplicate_secret_is_refused_whatever_the_label() -> None:
    data = _vault()
    with pytest.raises(DuplicateAccount, match=r"GitHub \(alice\) is already in the vault"):
        edits.add_account(data, _spec("Renamed:x", "AAAAAAAAAAAAAAAA"), NOW)


def test_select_prefers_an_exact_match() -> None:
    data = _vault()
    assert edits.select_one(data, "github").issuer == "GitHub"
    assert edits.select_one(data, "enterprise").issuer == "GitHub Enterprise"
    with pytest.raises(AmbiguousAccount, match="matches 2 accounts"):
        edits.select_one(data, "alice")
    with pytest.raises(AccountNotFound):
        edits.select_one(data, "nothing")
    for blank in ("", "  "):  # would match everything; must never pick one
        with pytest.raises(NoAccountNamed):
            edits.select_one(data, blank)
    account = data.accounts[2]
    assert edits.select_one(data, account.id[:6]) == account


def test_remove_and_counter() -> None:
    data = _vault()
    removed = edits.remove_account(data, data.accounts[0].id)
    assert len(removed.accounts) == 2
    with pytest.raises(AccountNotFound):
        edits.remove_account(removed, data.accounts[0].id)
    hotp_data, account = edits.add_account(
        data, uri.parse("otpauth://hotp/H:x?secret=DDDDDDDDDDDDDDDD&counter=7"), NOW
    )
    later = NOW + timedelta(minutes=1)
    advanced = edits.get_account(edits.advance_counter(hotp_data, account.id, later), account.id)
    assert advanced.params.counter == 8 and advanced.updated_at == later


def test_backup_codes_add_use_unuse() -> None:
    data = _vault()
    bank = data.accounts[2].id
    data, added = edits.add_backup_codes(
        data, bank, ["x9sUh-oaxoP", "pB1w5-yC0d2", "x9sUh-oaxoP"], NOW
    )
    assert added == 2
    data, added = edits.add_backup_codes(data, bank, ["pB1w5-yC0d2", "new11-new22"], NOW)
    assert added == 1
    data, code = edits.set_backup_code_used(data, bank, "pb1w5 yc0d2", NOW)  # retyped from paper
    assert code.code == "pB1w5-yC0d2" and code.used and code.used_at == NOW
    backup = edits.get_account(data, bank).backup_codes
    assert backup.unused == 2 and backup.source is BackupSource.MANUAL
    data, code = edits.set_backup_code_used(data, bank, "pB1w5-yC0d2", NOW, used=False)
    assert not code.used and code.used_at is None
    with pytest.raises(BackupCodeNotFound):
        edits.set_backup_code_used(data, bank, "zzzzz-zzzzz", NOW)
    data, _ = edits.add_backup_codes(
        data, bank, ["fresh-codes"], NOW, source=BackupSource.ENROLLMENT, replace=True
    )
    backup = edits.get_account(data, bank).backup_codes
    assert [c.code for c in backup.codes] == ["fresh-codes"]
    assert backup.source is BackupSource.ENROLLMENT
