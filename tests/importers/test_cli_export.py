"""`desktop-2fa export --format NAME OUT`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from desktop_2fa.importers.session import SourceFile, import_files
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile
from tests.data.canonical import CANONICAL
from tests.importers.support import Run, account_specs, canonical_vault_data


@pytest.fixture
def full_vault(vault_path: Path, fast_kdf: KdfParams, cli_env: object) -> Path:
    VaultFile(vault_path).create("pw", data=canonical_vault_data(), kdf=fast_kdf)
    cli_env("pw")  # type: ignore[operator]
    return vault_path


@pytest.fixture
def export_password(tmp_path: Path) -> Path:
    path = tmp_path / "export-password"
    path.write_text("export secret 123\n")
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_aegis_export_then_import_back(
    run: Run, full_vault: Path, tmp_path: Path, export_password: Path
) -> None:
    out = tmp_path / "aegis.json"
    code, stdout, err = run("export", "--format", "aegis", str(out),
                            "--export-password-file", str(export_password))  # fmt: skip
    assert (code, err) == (0, "")
    assert stdout == f"Exported {len(CANONICAL)} account(s) to {out}\n"
    assert _mode(out) == 0o600
    result = import_files([SourceFile("aegis.json", out.read_bytes())],
                          password=lambda f, t: "export secret 123")  # fmt: skip
    assert [e.spec for e in result.entries] == account_specs(canonical_vault_data().accounts)


def test_otpauth_export_warns_about_plain_secrets(
    run: Run, full_vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "list.txt"
    code, _, err = run("export", "--format", "otpauth", str(out))
    assert code == 0
    assert len(out.read_text().splitlines()) == len(CANONICAL)
    assert _mode(out) == 0o600
    assert err.startswith(f"warning: {out} holds your secrets in plain text")


def test_an_existing_output_is_not_replaced_without_force(
    run: Run, full_vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "list.txt"
    out.write_text("keep me")
    code, _, err = run("export", "--format", "otpauth", str(out))
    assert code == 1
    assert err == (
        f"desktop-2fa: error: {out} already exists; choose another name or add --force to "
        "replace it\n"
    )
    assert out.read_text() == "keep me"
    assert run("export", "--format", "otpauth", str(out), "--force")[0] == 0
    assert out.read_text().startswith("otpauth://")


def test_google_export_lists_the_accounts_it_left_out(
    run: Run, full_vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "google"
    code, stdout, err = run("export", "--format", "google-qr", str(out))
    assert code == 0
    assert stdout == f"Exported 6 account(s) to {out} (1 files)\n"
    assert "3 account(s) could not be exported:" in err
    assert "  Steam (gamer): Google Authenticator's export has no Steam codes" in err
    assert sorted(p.name for p in out.iterdir()) == ["google-authenticator-1-of-1.png"]
    assert _mode(out) == 0o700


def test_qr_png_export_writes_one_private_image_per_account(
    run: Run, full_vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "codes"
    code, _, err = run("export", "--format", "qr-png", str(out))
    assert code == 0
    files = sorted(out.iterdir())
    assert len(files) == len(CANONICAL)
    assert all(_mode(p) == 0o600 for p in files)
    assert "plain text" in err


def test_aegis_export_without_a_password_source_outside_a_terminal(
    run: Run, full_vault: Path, tmp_path: Path
) -> None:
    code, _, err = run("export", "--format", "aegis", str(tmp_path / "a.json"))
    assert code == 1
    assert "use --export-password-file or set DESKTOP_2FA_EXPORT_PASSWORD" in err
    assert not (tmp_path / "a.json").exists()


def test_export_password_from_the_environment(
    run: Run, full_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_2FA_EXPORT_PASSWORD", "from the environment")
    assert run("export", "--format", "aegis", str(tmp_path / "a.json"))[0] == 0


def test_export_format_is_required_and_checked(run: Run, full_vault: Path) -> None:
    assert run("export", "out.json")[0] == 2
    assert run("export", "--format", "lastpass", "out.json")[0] == 2


def test_export_refuses_to_overwrite_the_vault_itself(run: Run, vault: Path) -> None:
    before = vault.read_bytes()
    code, out, err = run("export", "--format", "otpauth", str(vault), "--force")
    assert (code, out) == (1, "")
    assert err.strip().endswith("is the vault itself; choose another file to export to")
    assert vault.read_bytes() == before
