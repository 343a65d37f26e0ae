"""Names with control characters or bidi overrides are refused where they come in.

`add` refuses the URI; an import refuses that entry alone and names it
(escaped), the other entries still come in (issue 9).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_2fa.core import migration
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.cli.processes import run_measured

B32 = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def env(vault_path: Path, fast_kdf: KdfParams) -> dict[str, str]:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    return {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}


def _names(vault_path: Path) -> list[str]:
    return [a.name for a in VaultFile(vault_path).unlock("pw").data.accounts]


def test_add_refuses_a_forging_name(env: dict[str, str], vault_path: Path) -> None:
    done = run_measured("add", f"otpauth://totp/Bank:alice%0D123456?secret={B32}", env=env)
    assert done.returncode == 1
    assert "account name holds a control character (U+000D)" in done.stderr
    assert _names(vault_path) == []


def test_add_refuses_a_control_character_in_a_note(env: dict[str, str], vault_path: Path) -> None:
    done = run_measured(
        "add", f"otpauth://totp/Bank:alice?secret={B32}", "--group", "a\x1b[2J", env=env
    )
    assert done.returncode == 1 and "group holds a control character" in done.stderr
    assert _names(vault_path) == []


@pytest.mark.parametrize("field", ["issuer", "label", "tags"])
def test_an_import_refuses_that_entry_and_keeps_the_others(
    env: dict[str, str], vault_path: Path, tmp_path: Path, field: str
) -> None:
    good = {"secret": B32, "issuer": "Good", "label": "ok", "digits": 6, "type": "TOTP",
            "algorithm": "SHA1", "period": 30, "tags": []}  # fmt: skip
    bad = {**good, "secret": "GEZDGNBVGY3TQOJQ", "issuer": "Bad", "label": "x"}
    bad[field] = ["g\x1b[31m"] if field == "tags" else "x\u202ey"
    export = tmp_path / "andotp.json"
    export.write_text(json.dumps([bad, good]))
    done = run_measured("import", str(export), env=env)
    assert done.returncode == 0, done.stderr
    assert "Imported 1, skipped 0 duplicates, 1 could not be read:" in done.stdout
    assert "entry 1" in done.stdout and "control character" in done.stdout
    assert "\u202e" not in done.stdout and "\x1b" not in done.stdout
    assert _names(vault_path) == ["ok"]


def test_a_google_export_refuses_that_account_and_keeps_the_others(
    env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    accounts = (
        migration.OtpParameters(secret=b"1234567890", name="bob\rroot", issuer="X", type=2),
        migration.OtpParameters(secret=b"0987654321", name="ok", issuer="Y", type=2),
    )
    links = tmp_path / "links.txt"
    links.write_text(migration.format_uri(migration.MigrationPayload(accounts)) + "\n")
    done = run_measured("import", str(links), env=env)
    assert done.returncode == 0, done.stderr
    assert "X: bob\\rroot: the account name holds a control character" in done.stdout
    assert _names(vault_path) == ["ok"]
