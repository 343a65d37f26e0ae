"""Our enrollment client and round trip against a real better-auth 1.7 server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.report import Outcome
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.interop.better_auth import better_auth_server

pytestmark = pytest.mark.interop


def test_round_trip_passes_against_real_better_auth(vault_path: Path, fast_kdf: KdfParams) -> None:
    vault = VaultFile(vault_path).create("pw", kdf=fast_kdf)
    with better_auth_server() as url:
        report = RoundTrip(lambda: AuthClient(url), vault).run()
    assert report.passed, report.as_table()
    assert [s.outcome for s in report.steps] == [Outcome.PASSED] * 14
    (account,) = vault.data.accounts
    assert account.issuer == "Desktop2FA Reference"
    assert [c.used for c in account.backup_codes.codes] == [True, True] + [False] * 8


def test_cli_enroll_and_sign_in_against_real_better_auth(
    vault_path: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    monkeypatch.setenv("DESKTOP_2FA_SERVER_PASSWORD", "correct horse battery")
    with better_auth_server() as url:
        email = ["--server", url, "--email", "ann@example.test"]
        assert main(["enroll", *email, "--sign-up"]) == 0
        assert main(["sign-in", *email]) == 0
        assert main(["sign-in", *email, "--backup-code"]) == 0
    out = capsys.readouterr().out
    assert "two-factor sign-in is on" in out and "Signed in as ann@example.test" in out
    assert main(["backup-codes", "ann", "--json"]) == 0
    codes = json.loads(capsys.readouterr().out)["codes"]
    assert [c["used"] for c in codes] == [True] + [False] * 9
