from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.importers.support import Run, make_runner


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return make_runner(monkeypatch, capsys)


@pytest.fixture
def vault(vault_path: Path, fast_kdf: KdfParams, cli_env: Callable[[str], None]) -> Path:
    """An empty vault the CLI opens with password "pw"."""
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    cli_env("pw")
    return vault_path
