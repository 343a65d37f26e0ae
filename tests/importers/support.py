"""Shared by the import, export and scan tests: fixture paths, canonical specs, a CLI runner."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from desktop_2fa.cli import main as cli_main
from desktop_2fa.cli import parser as cli_parser
from desktop_2fa.cli import transfer_commands
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.vault.model import Account, VaultData
from desktop_2fa.vault.store import VaultFile
from tests.data.canonical import CANONICAL, Canonical

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
