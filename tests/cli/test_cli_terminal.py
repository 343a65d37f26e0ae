"""The CLI as a person at a terminal uses it: password prompts, default vault folder,
and nothing secret left in any file it writes."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

from desktop_2fa.cli.main import main
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile


def _run_in_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `python -m desktop_2fa ARGS` on a pseudo-terminal, typing each answer at a prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, as in a real shell
        os.execve(sys.executable, [sys.executable, "-m", "desktop_2fa", *args], env)
    output = b""
    fresh = b""  # output since the last answer: getpass flushes typed-ahead input
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            fresh += chunk
            if pending and fresh.rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
                fresh = b""
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_2FA_")}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "xdg"), XDG_STATE_HOME=str(tmp_path / "xdg-state"), **extra
    )
    return env


def test_init_asks_twice_and_code_asks_once_at_a_terminal(tmp_path: Path) -> None:
    vault = tmp_path / "v.json"
    env = _env(tmp_path, DESKTOP_2FA_VAULT=str(vault))
    status, out = _run_in_terminal(
        ["init", "--kdf-memory-mib", "64"], ["s3cret pass", "s3cret pass"], env
    )
    assert status == 0, out
    assert "New vault password:" in out and "New vault password (again):" in out
    assert "s3cret pass" not in out  # not echoed
    status, out = _run_in_terminal(
        ["add", "otpauth://totp/T:x?secret=JBSWY3DPEHPK3PXP"], ["s3cret pass"], env
    )
    assert status == 0 and "Vault password:" in out and "Added T (x)" in out
    status, out = _run_in_terminal(["code", "T"], ["wrong"], env)
    assert status == 1 and "wrong password for this vault" in out


def test_init_with_two_different_passwords_changes_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "v.json"
    status, out = _run_in_terminal(
        ["init"], ["one password", "another one"], _env(tmp_path, DESKTOP_2FA_VAULT=str(vault))
    )
    assert status == 1 and "the two passwords differ; nothing was changed" in out
    assert not vault.exists()


def test_default_vault_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    status, out = _run_in_terminal(
        ["init", "--kdf-memory-mib", "64"], ["pw-pw-pw-pw", "pw-pw-pw-pw"], _env(tmp_path)
    )
    assert status == 0, out
    expected = tmp_path / "xdg" / "desktop-2fa" / "vault.json"
    assert expected.exists()
    assert f"Created an empty vault at {expected}" in out


def test_no_secret_in_plain_text_in_any_file_written(
    tmp_path: Path, monkeypatch: object, fast_kdf: KdfParams, capsys: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    folder = tmp_path / "vault-folder"
    vault = folder / "v.json"
    VaultFile(vault).create("first password", kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "first password")
    secret = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BANJ2W24DT"
    assert main(["add", f"otpauth://totp/Corp:alice?secret={secret}"]) == 0
    assert main(["backup-codes", "corp", "--add", "Qx7pL-Zr4wM", "Hb2nV-Kc9sT"]) == 0
    assert main(["backup-codes", "corp", "--use", "Qx7pL-Zr4wM"]) == 0
    assert main(["code", "corp"]) == 0
    monkeypatch.setenv("DESKTOP_2FA_NEW_PASSWORD", "second password")
    assert main(["passwd"]) == 0
    raw_secret = b"The quick brown fox jumps"
    needles = [secret.encode(), raw_secret, b"Qx7pL-Zr4wM", b"Hb2nV-Kc9sT", b"alice",
               b"first password", b"second password"]  # fmt: skip
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= 5  # the vault, its lock file and the kept versions
    for path in files:
        blob = path.read_bytes()
        for needle in needles:
            assert needle not in blob, (path.name, needle)
