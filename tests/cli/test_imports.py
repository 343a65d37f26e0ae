"""`code`, `list` and `scan` load only what they use (issue 13).

A script that calls `desktop-2fa code` in a loop pays, every time, for each
module the command imports. Each command here runs in a fresh process
through `desktop_2fa.cli.main.main`, as the installed command does, and the
modules it loaded are checked afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import segno

from desktop_2fa.core import uri
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile

TOTP = "otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
HOTP = "otpauth://hotp/Counter:bob%40example.com?secret=GEZDGNBVGY3TQOJQ&counter=3"

# No command of these three needs the enrollment client, the server or Qt.
NEVER = (
    "desktop_2fa.enroll",
    "httpx",
    "server_stub",
    "uvicorn",
    "starlette",
    "desktop_2fa.ui",
    "PySide6",
    "shiboken6",
    # the modules of the other commands
    "desktop_2fa.cli.vault_commands",
    "desktop_2fa.cli.enroll_commands",
    "desktop_2fa.cli.restore_command",
    "desktop_2fa.cli.bundled_server",
)
# Reading the vault needs no importer, exporter or scanner.
NOT_FOR_READING = (
    "desktop_2fa.cli.transfer_commands",
    "desktop_2fa.importers",
    "desktop_2fa.exporters",
    "desktop_2fa.scan",
    "cv2",
    "numpy",
    "zxingcpp",
    "segno",
)
# What a plain `code QUERY` or `list` (no HOTP save) does not need either: each
# is milliseconds of CPU on every call, while the key derivation wants both
# cores (README, "Against the floor"). argparse reads any other form
# (`cli/plain_arguments.py`); a save makes `Path` objects (`vault/paths.py`);
# `code QUERY` builds the accounts it prints, not the whole contents (`VaultData`).
# `dataclasses` is imported without `inspect` (`cli/quick_dataclasses.py`): a
# dataclass without a docstring on this path would load it (and ast, dis, tokenize).
NOT_FOR_A_PLAIN_READ = (
    *("argparse", "gettext", "locale", "pathlib", "urllib", "fnmatch"),
    *("inspect", "ast", "dis", "tokenize"),
)
NOT_FOR_CODE_QUERY = ("desktop_2fa.vault.vault_data",)
# Printing what a QR code holds needs no vault.
NOT_FOR_SCANNING = ("desktop_2fa.cli.read_commands", "desktop_2fa.vault.store", "cryptography")

_SCRIPT = """
import json, sys
from desktop_2fa.cli.main import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    json.dump(sorted(sys.modules), f)
sys.exit(status)
"""


def _loaded(tmp_path: Path, env: dict[str, str], *argv: str) -> list[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(listing), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout  # the command did its work
    modules: list[str] = json.loads(listing.read_text())
    return modules


def _offenders(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden)]


@pytest.fixture
def vault_env(vault_path: Path, fast_kdf: KdfParams) -> dict[str, str]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    data = VaultData()
    for link in (TOTP, HOTP):
        data, _ = edits.add_account(data, uri.parse(link), now)
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    return {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}


@pytest.mark.parametrize(
    "argv",
    [
        ["code", "Example"],
        ["code", "--json"],
        ["code", "Counter"],  # an HOTP code: the counter moves and the vault is saved
        ["list"],
        ["list", "--json"],
    ],
)
def test_reading_the_vault_loads_no_other_command(
    tmp_path: Path, vault_env: dict[str, str], argv: list[str]
) -> None:
    modules = _loaded(tmp_path, vault_env, *argv)
    assert _offenders(modules, NEVER + NOT_FOR_READING) == []


@pytest.mark.parametrize(
    ("argv", "forbidden"),
    [
        (["code", "Example"], NOT_FOR_A_PLAIN_READ + NOT_FOR_CODE_QUERY),
        (["code", "--json", "Example"], NOT_FOR_A_PLAIN_READ + NOT_FOR_CODE_QUERY),
        (["code", "--json"], NOT_FOR_A_PLAIN_READ),
        (["list"], NOT_FOR_A_PLAIN_READ),
        (["list", "--json"], NOT_FOR_A_PLAIN_READ),
    ],
)
def test_a_plain_read_loads_no_argument_parser_no_pathlib_and_no_more_than_it_shows(
    tmp_path: Path, vault_env: dict[str, str], argv: list[str], forbidden: tuple[str, ...]
) -> None:
    modules = _loaded(tmp_path, vault_env, *argv)
    assert _offenders(modules, forbidden) == []


def test_scanning_an_image_loads_no_vault_and_no_other_command(tmp_path: Path) -> None:
    image = tmp_path / "code.png"
    segno.make(TOTP, error="m").save(str(image), scale=4)
    modules = _loaded(tmp_path, {}, "scan", str(image))
    assert "zxingcpp" in modules  # it did decode the image
    assert _offenders(modules, NEVER + NOT_FOR_SCANNING) == []
