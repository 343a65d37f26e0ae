"""`code` and `list` read without argparse give exactly what argparse gives (issue 13).

`plain_arguments.parse` either answers as argparse would or declines (None),
and argparse then reads the arguments as before. Compared here on every
sequence of a set of tokens chosen to hit argparse's rules: options before
and after the command, `=` values, values that look like options, options
given twice, abbreviations, a second QUERY, `--`, help, a link.
"""

from __future__ import annotations

import contextlib
import gc
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_2fa.cli import plain_arguments
from desktop_2fa.cli.parser import build_parser
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile

TOKENS = [
    "code", "list", "add", "Example", "", "x y", "--json", "--js", "--json=1",
    "--vault", "--vault=", "--vault=-v", "v.json", "--password-file", "--password-file=pw",
    "--at", "1700000000", "--at=5", "-5", "-", "--", "-h", "--help", "--version",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
]  # fmt: skip


def _argparse(argv: list[str]) -> dict[str, object] | None:
    """What argparse makes of `argv`, or None when it refuses it (a usage error, help)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(build_parser().parse_args(argv))
        except SystemExit:
            return None


def _plain(argv: list[str]) -> dict[str, object] | None:
    found = plain_arguments.parse(list(argv))
    return None if found is None else vars(found)


@pytest.mark.parametrize(
    "argv",
    [
        ["code"],
        ["code", "Example"],
        ["code", "--json"],
        ["code", "--json", "Example"],
        ["code", "Example", "--json"],
        ["code", ""],
        ["--vault", "v.json", "code", "Example"],
        ["code", "Example", "--vault", "v.json", "--password-file", "pw"],
        ["--vault=v.json", "--password-file=pw", "code"],
        ["--vault", "code", "code"],
        ["code", "--vault="],
        ["list"],
        ["list", "--json"],
        ["--password-file", "pw", "list", "--vault", "v.json"],
    ],
)
def test_the_plain_forms_skip_argparse_and_give_what_it_gives(argv: list[str]) -> None:
    plain = _plain(argv)
    assert plain is not None
    assert plain == _argparse(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["code", "--at", "1700000000"],
        ["code", "--js"],
        ["code", "-h"],
        ["code", "A", "B"],
        ["code", "--vault", "-5"],
        ["--vault", "a", "code", "--vault", "b"],
        ["code", "--json", "--json"],
        ["code", "--", "-x"],
        ["list", "Example"],
        ["--json", "code"],
        ["add", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"],
        ["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert _plain(argv) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=6))
def test_whenever_it_answers_argparse_answers_the_same(argv: list[str]) -> None:
    plain = _plain(argv)
    if plain is not None:
        assert plain == _argparse(argv)


def test_only_the_short_reads_run_without_the_garbage_collector(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`desktop-2fa` starts with cyclic collection off (`main.run`); the app, a load
    test or an import may run for hours, so every command argparse reads turns it
    back on, and only `code` and `list` finish without it."""
    from desktop_2fa.cli.main import main

    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    gc.disable()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["list"]) == 0
            assert not gc.isenabled()
            assert main(["code", "--at", "1700000000"]) == 0  # argparse reads --at
        assert gc.isenabled()
    finally:
        gc.enable()
