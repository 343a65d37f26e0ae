"""Suite-wide set-up.

Qt runs offscreen everywhere (no display on CI); it must be set before any
PySide6 import, which is why it lives at the top of the root conftest.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a test read or write the real user's vault or password.
os.environ.pop("DESKTOP_2FA_VAULT", None)
os.environ.pop("DESKTOP_2FA_PASSWORD", None)

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.vault.crypto import KdfParams


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's app remembers vault generations: never the real home.

    Set in the environment, so that `desktop-2fa` processes the test starts
    use it too.
    """
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DESKTOP_2FA_STATE_DIR", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder / "xdg"))  # for tests that clear the above
    return folder


@pytest.fixture
def fast_kdf() -> KdfParams:
    """Argon2id at 1 MiB / 1 pass: real code path, test speed. Vaults the program
    creates itself always use at least 64 MiB / 3 passes (checked in tests/vault)."""
    return KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault.json"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, vault_path: Path) -> Callable[[str], None]:
    """Point the CLI at a temporary vault with the given password."""

    def set_password(password: str) -> None:
        monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
        monkeypatch.setenv("DESKTOP_2FA_PASSWORD", password)

    return set_password


# A scratch PostgreSQL server for the server and interop tests (started on first use).
from tests.postgres import (  # noqa: E402, F401
    _shared_postgres,
    postgres_cluster,
    postgres_store,
    postgres_url,
)
