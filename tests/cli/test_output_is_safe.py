"""What the CLI prints cannot be forged by a name, and error lines stay short.

Issue 9: a label holding `\\r` made `desktop-2fa code` print a forged code
line for another account, ESC sequences reached the terminal, and a 1 MB
name was echoed whole in an error line.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.cli.processes import run_measured
from tests.full_disk import fill_the_disk

NOW = datetime(2026, 1, 1, tzinfo=UTC)
# Everything a terminal acts on, except the newline that ends each line.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
HOSTILE_NAMES = [
    ("Bank", "alice\r123456      29s  PayPal (alice)"),  # the forged line of issue 9
    ("Evil\x1b[2J\x1b]0;pwned\x07", "bob"),
    ("\u202eelgooG", "carol\u2066x\u2069"),
    ("C1\x9b31m", "dave\x85"),
]


def _stored(vault_path: Path, kdf: KdfParams, names: list[tuple[str, str]]) -> None:
    """A vault that already holds such names (written before they were refused)."""
    data = VaultData()
    for i, (issuer, name) in enumerate(names):
        params = OtpParams(OtpKind.TOTP if i % 2 else OtpKind.HOTP, b"secret-%02d-xxxxxxxx" % i)
        data, _ = edits.add_account(
            data, AccountSpec(issuer, name, params), NOW, group="g\x1b[31m", note="n\r"
        )
    VaultFile(vault_path).create("pw", data, kdf=kdf)


@pytest.fixture
def env(vault_path: Path, fast_kdf: KdfParams) -> dict[str, str]:
    _stored(vault_path, fast_kdf, HOSTILE_NAMES)
    return {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["code"],
        ["list"],
        ["code", "--json"],
        ["list", "--json"],
        ["code", "Evil"],
        ["backup-codes", "Evil"],
        ["backup-codes", "Evil", "--json"],
    ],
)
def test_no_control_character_or_bidi_override_reaches_the_terminal(
    env: dict[str, str], command: list[str]
) -> None:
    done = run_measured(*command, env=env)
    assert done.returncode == 0, done.stderr
    for stream in (done.stdout, done.stderr):
        assert not FORBIDDEN.search(stream), repr(stream)
    if "--json" in command:
        json.loads(done.stdout)  # still valid JSON, the names only escaped


@pytest.mark.parametrize(
    "command", [["list", "--json"], ["code", "--json"], ["backup-codes", "Del", "--json"]]
)
def test_json_escapes_del_too(vault_path: Path, fast_kdf: KdfParams, command: list[str]) -> None:
    """DEL is a control character JSON leaves raw; in output that was otherwise plain
    ASCII it went out as it was (the escaping only looked at non-ASCII output)."""
    _stored(vault_path, fast_kdf, [("Del\x7fCorp", "eve\x7f")])
    env = {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = run_measured(*command, env=env)
    assert done.returncode == 0, done.stderr
    assert not FORBIDDEN.search(done.stdout), repr(done.stdout)
    parsed = json.dumps(json.loads(done.stdout), ensure_ascii=False)
    assert "Del\x7fCorp" in parsed  # the same JSON value: the exact name


def test_the_forged_line_stays_inside_its_own_row(env: dict[str, str]) -> None:
    done = run_measured("code", env=env)
    rows = done.stdout.splitlines()
    assert len(rows) == len(HOSTILE_NAMES)
    assert sum("PayPal" in row for row in rows) == 1
    (bank,) = [row for row in rows if "Bank" in row]
    assert "\\r123456" in bank  # shown, visibly escaped, on the Bank row


def test_json_keeps_the_exact_names(env: dict[str, str]) -> None:
    names = {a["name"] for a in json.loads(run_measured("list", "--json", env=env).stdout)}
    assert names == {name for _, name in HOSTILE_NAMES}


def _error_line(done: object) -> str:
    stderr = done.stderr  # type: ignore[attr-defined]
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr[:1000]
    return str(lines[0])


@pytest.mark.parametrize("command", [["code"], ["remove", "--yes"], ["backup-codes"]])
def test_a_huge_query_is_not_echoed_whole(env: dict[str, str], command: list[str]) -> None:
    query = "x" * 100_000 + "\x1b[2J"
    done = run_measured(*command, query, env=env)
    assert done.returncode == 1
    line = _error_line(done)
    assert len(line) <= 300 and "no account matches 'xxxx" in line
    assert not FORBIDDEN.search(line)


def test_an_ambiguous_query_lists_a_few_and_says_how_many_more(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    _stored(vault_path, fast_kdf, [("Same" + "y" * 5000, f"user{i}") for i in range(40)])
    env = {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = run_measured("remove", "--yes", "Same", env=env)
    line = _error_line(done)
    assert "matches 40 accounts" in line and len(line) <= 300


def test_a_vault_path_with_control_characters_is_escaped_in_errors(tmp_path: Path) -> None:
    env = {"DESKTOP_2FA_VAULT": str(tmp_path / "v\x1b[2J.json"), "DESKTOP_2FA_PASSWORD": "pw"}
    line = _error_line(run_measured("list", env=env))
    assert "no vault at" in line and "\\x1b[2J" in line and not FORBIDDEN.search(line)


def test_a_full_disk_says_so_and_changes_nothing(
    vault_path: Path,
    fast_kdf: KdfParams,
    cli_env: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    cli_env("pw")  # type: ignore[operator]
    before = sorted((p.name, p.read_bytes()) for p in vault_path.parent.rglob("*") if p.is_file())
    fill_the_disk(monkeypatch)
    status = main(["add", "otpauth://totp/T:x?secret=JBSWY3DPEHPK3PXP"])
    monkeypatch.undo()
    assert status == 1
    assert capsys.readouterr().err == "desktop-2fa: error: the disk is full; nothing was changed\n"
    after = sorted((p.name, p.read_bytes()) for p in vault_path.parent.rglob("*") if p.is_file())
    assert after == before  # no temp file left, no kept version added


@pytest.mark.parametrize(
    ("pasted", "stored"),
    [
        ("1234 5678", ["1234 5678"]),
        ("1234 5678\n2345 6789", ["1234 5678", "2345 6789"]),
        ("1234 5678, 2345 6789; 3456 7890", ["1234 5678", "2345 6789", "3456 7890"]),
        ("12345678 23456789 34567890", ["12345678", "23456789", "34567890"]),
        ("1. 1234 5678\n2. 2345 6789", ["1234 5678", "2345 6789"]),
        ("abcde-fghij klmno-pqrst", ["abcde-fghij", "klmno-pqrst"]),
    ],
)
def test_google_backup_codes_are_one_code_each(
    vault_path: Path,
    fast_kdf: KdfParams,
    cli_env: object,
    capsys: pytest.CaptureFixture[str],
    pasted: str,
    stored: list[str],
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    cli_env("pw")  # type: ignore[operator]
    assert main(["add", "otpauth://totp/Google:me?secret=JBSWY3DPEHPK3PXP"]) == 0
    assert main(["backup-codes", "Google", "--add", pasted]) == 0
    capsys.readouterr()
    assert main(["backup-codes", "Google", "--json"]) == 0
    codes = [c["code"] for c in json.loads(capsys.readouterr().out)["codes"]]
    assert codes == stored
    assert main(["backup-codes", "Google", "--use", stored[0].replace(" ", "")]) == 0


def test_accounts_an_export_leaves_out_are_named_escaped_and_counted(
    vault_path: Path, fast_kdf: KdfParams, tmp_path: Path
) -> None:
    """`export` listed the accounts a format cannot hold by their raw labels, all of them."""
    data = VaultData()
    for i in range(30):  # a 60 s period: Google's export cannot hold it
        params = OtpParams(OtpKind.TOTP, b"secret-%02d-xxxxxxxx" % i, period=60)
        data, _ = edits.add_account(data, AccountSpec(f"Evil\x1b[2J{i}", "bob\r", params), NOW)
    fine = AccountSpec("Fine", "me", OtpParams(OtpKind.TOTP, b"s" * 20))
    data, _ = edits.add_account(data, fine, NOW)
    VaultFile(vault_path).create("pw", data, kdf=fast_kdf)
    env = {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = run_measured("export", "--format", "google-qr", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    assert not FORBIDDEN.search(done.stderr), repr(done.stderr[:500])
    assert "Evil\\x1b[2J0 (bob\\r)" in done.stderr
    assert len(done.stderr.splitlines()) < 30 and "and " in done.stderr
