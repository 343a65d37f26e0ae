"""`desktop-2fa import FILE` with no --format: every fixture's format is guessed and
every account it holds reaches the vault (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.canonical import CANONICAL, FIXTURE_PASSWORD
from tests.importers.support import FIXTURES, Run, vault_accounts
from tests.importers.test_fixtures import PARAMS, Fixture


@pytest.mark.parametrize("fixture", PARAMS)
def test_import_guesses_the_format(
    run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch, fixture: Fixture
) -> None:
    monkeypatch.setenv("DESKTOP_2FA_IMPORT_PASSWORD", FIXTURE_PASSWORD)
    code, out, err = run("import", str(FIXTURES / fixture.file))
    held = sum(1 for a in CANONICAL if fixture.holds(a)) + len(fixture.extra)
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"Imported {held}, skipped 0 duplicates, ")
    assert len(vault_accounts(vault)) == held
