"""Shared by the import, export and scan tests: fixture paths, canonical specs, a CLI runner."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_2fa.cli import main as cli_main
from desktop_2fa.cli import parser as cli_parser
from desktop_2fa.cli import transfer_commands
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import Account, VaultData
from desktop_2fa.vault.store import VaultFile
from tests.data.canonical import CANONICAL, FIXTURE_PASSWORD, Canonical

_original_build_parser = cli_parser.build_parser
FIXTURES = Path(__file__).resolve().parent.parent / "data" / "importers"

Run = Callable[..., tuple[int, str, str]]


def spec(a: Canonical) -> AccountSpec:
    params = OtpParams(
        kind=OtpKind(a.kind),
        secret=a.secret_bytes,
        algorithm=Algorithm(a.algorithm),
        digits=a.digits,
        period=a.period,
        counter=a.counter,
    )
    return AccountSpec(issuer=a.issuer, name=a.name, params=params)


def specs(accounts: Iterable[Canonical]) -> list[AccountSpec]:
    return [spec(a) for a in accounts]


def canonical_vault_data(accounts: Iterable[Canonical] = CANONICAL) -> VaultData:
    from datetime import UTC, datetime

    from desktop_2fa.vault import edits

    data = VaultData()
    now = datetime(2024, 5, 1, tzinfo=UTC)
    for a in accounts:
        data, _ = edits.add_account(
            data, spec(a), now, note=a.note, group=a.group, favourite=a.favourite
        )
    return data


def account_specs(accounts: Iterable[Account]) -> list[AccountSpec]:
    return [AccountSpec(a.issuer, a.name, a.params) for a in accounts]


def parser_with_transfer_commands() -> argparse.ArgumentParser:
    """The CLI's parser plus `transfer_commands.register`, wired as the lead will wire it
    (a no-op once `build_parser` registers the commands itself)."""
    parser = _original_build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "import" not in sub.choices:
        common = cli_parser._common()

        def add(name: str, handler: cli_parser.Handler, help_text: str) -> argparse.ArgumentParser:
            p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
            p.set_defaults(handler=handler)
            return p

        transfer_commands.register(add)
    return parser


def make_runner(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setattr(cli_parser, "build_parser", parser_with_transfer_commands)

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli_main.main(list(argv))
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def vault_accounts(path: Path, password: str = "pw") -> tuple[Account, ...]:
    return VaultFile(path).unlock(password).data.accounts


# --- a hostile file through the real `desktop-2fa import`, measured --------------------------

ROOT = Path(__file__).resolve().parents[2]
MAX_RSS_MB = 300  # issue 9, item 2: every hostile file ends under 300 MB

# The CLI runs in a grandchild: Linux carries a process's peak RSS across fork and
# exec, so a child of this (large) pytest process would report pytest's peak. A
# fresh intermediate process has a small peak, and RUSAGE_CHILDREN gives the
# grandchild's own.
_RUNNER = """
import json, resource, subprocess, sys, time
cli = "import sys; from desktop_2fa.cli.main import main; sys.exit(main(sys.argv[1:]))"
start = time.monotonic()
code = subprocess.run([sys.executable, "-c", cli, *sys.argv[2:]], check=False).returncode
report = {"code": code, "seconds": time.monotonic() - start,
          "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
open(sys.argv[1], "w").write(json.dumps(report))
sys.exit(code)
"""


@dataclass(frozen=True)
class Refused:
    line: str  # the one line on stderr
    measured: dict[str, float]  # code, seconds, rss_mb of the CLI process


def import_measured(tmp_path: Path, kdf: KdfParams, hostile: Path, *args: str) -> Refused:
    """`desktop-2fa import HOSTILE` into a fresh vault, in a child process.

    Asserts what every hostile file must give: exit status 1, nothing on
    stdout, one line of at most 300 characters on stderr, the vault file
    unchanged and a peak memory under `MAX_RSS_MB`.
    """
    vault = tmp_path / "vault.json"
    VaultFile(vault).create("pw", kdf=kdf)
    before = vault.read_bytes()
    report = tmp_path / "report.json"
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault), "DESKTOP_2FA_PASSWORD": "pw",
           "DESKTOP_2FA_IMPORT_PASSWORD": FIXTURE_PASSWORD}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(report), "import", str(hostile), *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    measured = json.loads(report.read_text())
    lines = done.stderr.splitlines()
    assert (done.returncode, done.stdout) == (1, ""), (done.stdout[:300], measured)
    assert len(lines) == 1 and len(lines[0]) <= 300, done.stderr[:2000]
    assert vault.read_bytes() == before
    assert 5 < measured["rss_mb"] < MAX_RSS_MB, (measured, lines)
    return Refused(lines[0], measured)
