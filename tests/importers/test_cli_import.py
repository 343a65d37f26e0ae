"""`desktop-2fa import`, driven as a user drives it: exit codes, stdout, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_2fa.cli import transfer_commands
from desktop_2fa.exporters import registry as export_registry
from desktop_2fa.importers import registry as import_registry
from tests.data.canonical import CANONICAL, FIXTURE_PASSWORD
from tests.importers.support import FIXTURES, Run, vault_accounts

PARTS = [str(FIXTURES / f"google_batch_{i}_of_3.png") for i in (1, 2, 3)]


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "import-password"
    path.write_text(FIXTURE_PASSWORD + "\n")
    return path


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("desktop-2fa: error: ")
    return lines[0].removeprefix("desktop-2fa: error: ")


def test_the_format_lists_match_the_registries() -> None:
    assert import_registry.names() == transfer_commands.IMPORT_FORMATS
    assert import_registry.left_out_text() == transfer_commands.IMPORT_NOT_SUPPORTED
    assert export_registry.names() == transfer_commands.EXPORT_FORMATS


def test_import_an_encrypted_aegis_export(run: Run, vault: Path, password_file: Path) -> None:
    code, out, err = run("import", str(FIXTURES / "aegis_encrypted.json"),
                         "--import-password-file", str(password_file))  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "Imported 9, skipped 0 duplicates, 1 could not be read:",
        "  entry 10 (Yandex: ivan): Yandex codes are not supported",
    ]
    assert len(vault_accounts(vault)) == len(CANONICAL)
    code, out, _ = run("import", str(FIXTURES / "aegis_plain.json"))
    assert code == 0
    assert out.splitlines()[0] == "Imported 0, skipped 9 duplicates, 1 could not be read:"


def test_the_password_can_come_from_the_environment(
    run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_2FA_IMPORT_PASSWORD", FIXTURE_PASSWORD)
    code, out, err = run("import", str(FIXTURES / "2fas_encrypted.2fas"))
    assert code == 0, err
    assert out == "Imported 9, skipped 0 duplicates, 0 could not be read.\n"


def test_without_a_terminal_an_encrypted_file_asks_for_the_option(run: Run, vault: Path) -> None:
    code, _, err = run("import", str(FIXTURES / "2fas_encrypted.2fas"))
    assert code == 1
    assert "use --import-password-file or set DESKTOP_2FA_IMPORT_PASSWORD" in _one_error_line(err)


def test_a_google_export_over_three_images(run: Run, vault: Path) -> None:
    code, out, err = run("import", *PARTS)
    assert code == 0, err
    assert out == "Imported 25, skipped 0 duplicates, 0 could not be read.\n"
    assert len(vault_accounts(vault)) == 25


def test_a_google_export_missing_an_image_imports_nothing(run: Run, vault: Path) -> None:
    code, out, err = run("import", PARTS[0], PARTS[2], str(FIXTURES / "otpauth_list.txt"))
    assert (code, out) == (1, "")
    assert _one_error_line(err) == (
        "the Google Authenticator export is incomplete: part 2 of 3 is missing; add every QR "
        "code of the export and import them together (nothing was imported)"
    )
    assert vault_accounts(vault) == ()


def test_a_truncated_file(run: Run, vault: Path, tmp_path: Path) -> None:
    cut = tmp_path / "aegis-export-20240501.json"
    data = (FIXTURES / "aegis_plain.json").read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, _, err = run("import", str(cut))
    assert code == 1
    assert _one_error_line(err) == (
        f"{cut}: the Aegis file ends too early; it was probably cut off while copying"
    )


def test_a_corrupt_file(run: Run, vault: Path, tmp_path: Path) -> None:
    bad = tmp_path / "backup.2fas"
    text = (FIXTURES / "2fas_plain.2fas").read_text()
    bad.write_text(text.replace('"services": [', '"services": [}', 1))
    code, _, err = run("import", str(bad))
    assert code == 1
    assert _one_error_line(err).startswith(
        f"{bad}: not a readable 2FAS file (broken JSON at line 1"
    )


def test_a_wrong_password(run: Run, vault: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("letmein\n")
    code, _, err = run("import", str(FIXTURES / "aegis_encrypted.json"),
                       "--import-password-file", str(wrong))  # fmt: skip
    assert code == 1
    assert _one_error_line(err) == (
        f"{FIXTURES / 'aegis_encrypted.json'}: wrong password for this Aegis file"
    )
    assert vault_accounts(vault) == ()


def test_a_wrong_format(run: Run, vault: Path) -> None:
    code, _, err = run("import", "--format", "andotp", str(FIXTURES / "freeotp_plus.json"))
    assert code == 1
    assert _one_error_line(err) == (
        f"{FIXTURES / 'freeotp_plus.json'}: this file is not in andOTP format, it looks like "
        "FreeOTP+ (leave the format out, or choose 'freeotp-plus')"
    )


def test_an_unknown_file(run: Run, vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "mystery.bin"
    path.write_bytes(b"\x00\x01\x02 nothing known")
    code, _, err = run("import", str(path))
    assert code == 1
    line = _one_error_line(err)
    assert line.startswith(f"{path}: not a file desktop-2fa can import (it reads Aegis, 2FAS")
    assert line.endswith("; name the format with --format")


def test_a_missing_file(run: Run, vault: Path, tmp_path: Path) -> None:
    code, _, err = run("import", str(tmp_path / "nope.json"))
    assert code == 1
    assert (
        _one_error_line(err) == f"cannot read {tmp_path / 'nope.json'}: No such file or directory"
    )


def test_an_unknown_format_name_is_a_usage_error(run: Run, vault: Path) -> None:
    code, _, err = run("import", "--format", "lastpass", str(FIXTURES / "andotp.json"))
    assert code == 2
    assert "unknown format 'lastpass'" in err


def test_a_wrong_vault_password_touches_nothing(
    run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "not pw")
    code, _, err = run("import", str(FIXTURES / "andotp.json"))
    assert code == 1
    assert _one_error_line(err) == "wrong password for this vault"


def test_entries_with_problems_are_listed_one_per_line(
    run: Run, vault: Path, tmp_path: Path
) -> None:
    doc = json.loads((FIXTURES / "andotp.json").read_text())
    doc[0]["algorithm"] = "MD5"
    doc[1]["secret"] = "not base32!"
    path = tmp_path / "otp_accounts.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run("import", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Imported 7, skipped 0 duplicates, 2 could not be read:"
    assert lines[1].startswith("  entry 1 (Example: alice@example.com): MD5 is not supported")
    assert lines[2].startswith("  entry 2 (GitHub: bob): secret is not valid base32")
    assert len(lines) == 3


def test_files_are_read_before_the_vault_is_opened(run: Run, tmp_path: Path,
                                                   cli_env: object) -> None:  # fmt: skip
    # No vault exists: a bad file is still reported as the problem.
    shutil.copy(FIXTURES / "andotp.json", tmp_path / "x.json")
    (tmp_path / "x.json").write_text("[")
    code, _, err = run("import", str(tmp_path / "x.json"), "--format", "andotp")
    assert code == 1
    assert "ends too early" in err


def test_the_code_command_loads_none_of_the_heavy_modules() -> None:
    """`desktop-2fa code` builds this parser too; scanning and Qt must stay unloaded."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from desktop_2fa.cli import parser, transfer_commands\n"
        "p = parser.build_parser()\n"
        "sub = next(a for a in p._actions if a.__class__.__name__ == '_SubParsersAction')\n"
        "if 'import' not in sub.choices:\n"
        "    transfer_commands.register(lambda n, h, t: sub.add_parser(n, help=t))\n"
        "p.parse_args(['code'])\n"
        "heavy = ('cv2', 'zxingcpp', 'numpy', 'PySide6', 'segno', 'desktop_2fa.importers',\n"
        "         'desktop_2fa.exporters', 'desktop_2fa.scan')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_text_that_only_mentions_otpauth_is_not_a_uri_list(
    run: Run, vault: Path, tmp_path: Path
) -> None:
    readme = tmp_path / "notes.md"
    readme.write_text("# Notes\nUse `desktop-2fa add 'otpauth://totp/...'` to add one.\n")
    code, out, err = run("import", str(readme))
    assert (code, out) == (1, "")
    assert _one_error_line(err).endswith("no line starts with otpauth://)")
    assert vault_accounts(vault) == ()


def test_when_every_entry_is_refused_the_import_fails(
    run: Run, vault: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "uris.txt"
    broken.write_text("otpauth://totp/A:b?secret=JBSW1\n")
    code, out, _ = run("import", str(broken))
    assert code == 1
    assert "Imported 0" in out and "line 1: secret is not valid base32" in out
