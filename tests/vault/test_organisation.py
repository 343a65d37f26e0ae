"""Icons, usage counts, custom order, view settings and the pending-enrollment marker."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import contents, edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.errors import AccountNotFound
from desktop_2fa.vault.model import (
    MAX_ICON_BYTES,
    AccountIcon,
    Density,
    DigitGrouping,
    Enrollment,
    IconKind,
    Settings,
    SortMode,
    Theme,
    VaultData,
)
from desktop_2fa.vault.store import VaultFile

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'
)


def _three() -> VaultData:
    data = VaultData()
    for issuer, secret in (("A", "JBSWY3DPEHPK3PXP"), ("B", "GEZDGNBVGY3TQOJQ"), ("C", "MFRGGZDF")):
        data, _ = edits.add_account(
            data, uri.parse(f"otpauth://totp/{issuer}:x?secret={secret}&issuer={issuer}"), NOW
        )
    return data


def _ids(data: VaultData) -> list[str]:
    return [a.issuer for a in data.accounts]


def test_everything_new_survives_a_save(tmp_path: Path, fast_kdf: KdfParams) -> None:
    data = _three()
    a, b, c = data.accounts
    data = edits.set_icon(data, a.id, AccountIcon(IconKind.IMAGE, SVG, "image/svg+xml"), NOW)
    data = edits.set_icon(data, b.id, AccountIcon(IconKind.LETTER), NOW)
    data = edits.record_use(data, c.id, LATER)
    data = edits.record_use(data, c.id, LATER)
    data = edits.move_account(data, c.id, a.id)
    settings = Settings(
        sort=SortMode.CUSTOM,
        density=Density.SMALL,
        digit_grouping=DigitGrouping.PAIRS,
        tap_to_reveal=True,
        theme=Theme.DARK,
        wizard_server="https://auth.example.test",
    )
    data = edits.replace_settings(data, settings)
    path = tmp_path / "vault.json"
    VaultFile(path).create("pw", data, fast_kdf)
    back = VaultFile(path).unlock("pw").data
    assert back == data
    assert _ids(back) == ["C", "A", "B"]
    assert back.accounts[0].use_count == 2 and back.accounts[0].last_used == LATER


def test_old_vaults_open_with_the_defaults() -> None:
    payload = contents.to_dict(_three())
    for account in payload["accounts"]:
        for key in ("icon", "use_count", "last_used"):
            account.pop(key, None)
    payload["settings"] = {"clipboard_clear_seconds": 20}
    data = contents.from_dict(payload)
    assert all(a.icon.kind is IconKind.AUTO and a.use_count == 0 for a in data.accounts)
    assert data.settings == Settings(clipboard_clear_seconds=20)


def test_unknown_view_values_fall_back_and_bad_icons_are_not_kept() -> None:
    payload = contents.to_dict(_three())
    payload["settings"].update(sort="by-colour", density="huge", theme="sepia")
    payload["accounts"][0]["icon"] = {
        "kind": "image",
        "mime": "image/png",
        "data": base64.b64encode(b"x" * (MAX_ICON_BYTES + 1)).decode(),
    }
    payload["accounts"][1]["icon"] = {"kind": "image", "mime": "text/html", "data": "PGI+"}
    data = contents.from_dict(payload)
    assert data.settings.sort is SortMode.ISSUER and data.settings.theme is Theme.SYSTEM
    assert data.accounts[0].icon.kind is IconKind.AUTO
    assert data.accounts[1].icon.kind is IconKind.AUTO


def test_record_use_counts_without_touching_updated_at() -> None:
    data = _three()
    account = data.accounts[1]
    data = edits.record_use(data, account.id, LATER)
    used = edits.get_account(data, account.id)
    assert (used.use_count, used.last_used, used.updated_at) == (1, LATER, account.updated_at)


def test_move_account_orders_the_vault() -> None:
    data = _three()
    a, b, c = data.accounts
    assert _ids(edits.move_account(data, a.id, None)) == ["B", "C", "A"]
    assert _ids(edits.move_account(data, c.id, b.id)) == ["A", "C", "B"]
    assert edits.move_account(data, b.id, b.id) is data
    with pytest.raises(AccountNotFound):
        edits.move_account(data, a.id, "nope")


def test_a_pending_enrollment_is_kept_then_cleared(tmp_path: Path, fast_kdf: KdfParams) -> None:
    marker = Enrollment("http://127.0.0.1:1", "a@example.test", NOW, pending=True)
    data, account = edits.add_account(
        VaultData(), uri.parse("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP"), NOW, enrollment=marker
    )
    path = tmp_path / "vault.json"
    VaultFile(path).create("pw", data, fast_kdf)
    stored = VaultFile(path).unlock("pw").data
    assert stored.accounts[0].enrollment == marker
    done = edits.mark_enrollment_activated(stored, account.id)
    assert done.accounts[0].enrollment == dataclasses.replace(marker, pending=False)
    assert edits.mark_enrollment_activated(done, account.id) is done
    assert "pending" not in contents.to_dict(done)["accounts"][0]["enrollment"]
