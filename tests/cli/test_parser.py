"""The parser's table of subcommands, each built only when it is used (issue 13)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_2fa.cli import parser as cli_parser
from desktop_2fa.cli.main import main
from desktop_2fa.cli.parser import COMMANDS, build_parser
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.vault.handmade import numbered_secret


def test_the_overview_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"\n    {name} " in out or f"\n    {name}\n" in out, name


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_its_handler_and_its_help(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    module, help_text = COMMANDS[name]
    module_object = importlib.import_module(f"desktop_2fa.cli.{module}")
    handler = getattr(module_object, "cmd_" + name.replace("-", "_"))
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: desktop-2fa {name} ")
    assert " ".join(help_text.split()) in " ".join(out.split())
    assert "--vault PATH" in out  # the options every command takes
    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    command = sub.choices[name]
    command.format_help()  # builds it
    assert command.get_default("handler") is handler


def test_an_unknown_command_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["cod"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'cod'" in err and "'code'" in err and "'roundtrip'" in err


@pytest.mark.parametrize("columns", ["40", "100", "junk"])
def test_help_is_laid_out_as_argparse_lays_it_out(
    columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    helps = []
    for formatter in (cli_parser._formatter, argparse.HelpFormatter):
        monkeypatch.setattr(cli_parser, "_formatter", formatter)
        for argv in (["--help"], ["backup-codes", "--help"], ["roundtrip", "--help"]):
            with pytest.raises(SystemExit):
                main(argv)
            helps.append(capsys.readouterr().out)
    assert helps[:3] == helps[3:]


def test_a_long_output_is_whole_when_the_command_ends_at_once(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """The installed command ends without tearing Python down (`main._exit_now`):
    everything printed must still reach a pipe, more than its buffer holds."""
    from datetime import UTC, datetime

    from desktop_2fa.core import uri
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.model import VaultData

    now = datetime(2026, 1, 1, tzinfo=UTC)
    drafts = [
        edits.Draft(uri.parse(f"otpauth://totp/Site{i}:user{i}?secret={numbered_secret(i)}"))
        for i in range(400)
    ]
    data, _, _ = edits.add_accounts(VaultData(), drafts, now)
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop_2fa", "list", "--json"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 128 * 1024
    assert len(json.loads(done.stdout)) == 400
    wrong = subprocess.run(
        [sys.executable, "-m", "desktop_2fa", "code", "Site1"],
        capture_output=True,
        text=True,
        env={**env, "DESKTOP_2FA_PASSWORD": "wrong"},
        timeout=120,
        check=False,
    )
    assert (wrong.returncode, wrong.stdout, wrong.stderr) == (
        1,
        "",
        "desktop-2fa: error: wrong password for this vault\n",
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("buffered", [True, False])
def test_output_that_cannot_be_written_is_an_error_not_a_silent_success(
    vault_path: Path, fast_kdf: KdfParams, buffered: bool
) -> None:
    """`desktop-2fa code > file` on a full disk: the quick exit flushes stdout itself
    and swallowed the error, so the status was 0 with nothing written (Python's own
    exit says 120); written at once, the error said "nothing was changed" after
    `add` had saved the account."""
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update({"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"})
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    full_line = "desktop-2fa: error: the disk is full; the output could not be written\n"
    for command in (["add", "otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP"], ["list"]):
        with open("/dev/full", "wb") as full:
            done = subprocess.run(
                [sys.executable, "-m", "desktop_2fa", *command],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
        assert (done.returncode, done.stderr) == (1, full_line)
    assert len(VaultFile(vault_path).unlock("pw").data.accounts) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["code", "--at", "9" * 100_000],  # argparse echoed the value whole
        ["x" * 100_000],  # an unknown command, with the choices
        ["code", "--at", "\u202e1e400"],
    ],
)
def test_usage_errors_are_one_short_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("desktop-2fa") and ": error: " in last
    assert len(last) <= 300 and "\u202e" not in last
