"""The `desktop-2fa` command line, driven as a user would drive it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile

RFC_SEEDS = {
    "SHA1": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "SHA256": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA",
    "SHA512": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3T"
    "QOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA",
}
# RFC 6238 appendix B (8 digits, 30 s).
RFC_TABLE = {
    59: {"SHA1": "94287082", "SHA256": "46119246", "SHA512": "90693936"},
    1111111109: {"SHA1": "07081804", "SHA256": "68084774", "SHA512": "25091201"},
    1234567890: {"SHA1": "89005924", "SHA256": "91819424", "SHA512": "93441116"},
    20000000000: {"SHA1": "65353130", "SHA256": "77737706", "SHA512": "47863826"},
}


class _PyOtp80(pyotp.HOTP):  # type: ignore[misc]
    """pyotp as an independent oracle. It refuses < 112-bit secrets unless told, and
    TOTP periods over 120 s, so the RFC 6238 step T = floor(t / X) is fed to HOTP."""

    min_secret_length_bits = 80


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def vault(vault_path: Path, fast_kdf: KdfParams, cli_env: Callable[[str], None]) -> Path:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    cli_env("pw")
    return vault_path


def _codes(run: Run, *args: str) -> list[dict[str, object]]:
    status, out, err = run("code", "--json", *args)
    assert status == 0, err
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_code_json_gives_the_rfc6238_codes_for_every_hash(run: Run, vault: Path) -> None:
    for alg, seed in RFC_SEEDS.items():
        status, _, err = run(
            "add", f"otpauth://totp/RFC:{alg}?secret={seed}&algorithm={alg}&digits=8&period=30"
        )
        assert status == 0, err
    for at, expected in RFC_TABLE.items():
        got = {r["name"]: r["code"] for r in _codes(run, "--at", str(at))}
        assert got == expected
        row = _codes(run, "SHA256", "--at", str(at))[0]
        assert row["valid_from"] == at // 30 * 30
        assert row["seconds_left"] == (at // 30 + 1) * 30 - at


@pytest.mark.parametrize("secret_bits", [80, 256])
def test_code_json_matches_an_independent_totp_for_every_shape(
    run: Run, vault: Path, secret_bits: int
) -> None:
    import base64

    secret = base64.b32encode(bytes(range(1, secret_bits // 8 + 1))).decode().rstrip("=")
    shapes = [
        (alg, digits, period)
        for alg in ("SHA1", "SHA256", "SHA512")
        for digits in (6, 7, 8, 10)
        for period in (1, 30, 60, 300)
    ]
    for i, (alg, digits, period) in enumerate(shapes):
        # Same secret for every shape: make each distinct by prefixing a varying byte.
        s = base64.b32encode(bytes([i]) + base64.b32decode(secret + "=" * (-len(secret) % 8)))
        s32 = s.decode().rstrip("=")
        assert run("add", f"otpauth://totp/I{i}:{alg}-{digits}-{period}?secret={s32}"
                   f"&algorithm={alg}&digits={digits}&period={period}")[0] == 0  # fmt: skip
    at = 1_795_534_117
    rows = {r["issuer"]: r for r in _codes(run, "--at", str(at))}
    assert len(rows) == len(shapes)
    for i, (alg, digits, period) in enumerate(shapes):
        s = base64.b32encode(bytes([i]) + base64.b32decode(secret + "=" * (-len(secret) % 8)))
        oracle = _PyOtp80(
            s.decode(), digits=digits, digest=getattr(__import__("hashlib"), alg.lower())
        )  # fmt: skip
        row = rows[f"I{i}"]
        assert row["code"] == oracle.at(at // period), (alg, digits, period)
        assert row["valid_to"] == (at // period + 1) * period


def test_add_list_remove(run: Run, vault: Path) -> None:
    assert run("add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", "--favourite")[1] == (
        "Added GitHub (alice)\n"
    )
    status, _, err = run("add", "otpauth://totp/Copy:x?secret=JBSWY3DPEHPK3PXP")
    assert status == 1
    assert err == (
        "desktop-2fa: error: GitHub (alice) is already in the vault with the same secret\n"
    )
    status, out, _ = run("list", "--json")
    listed = json.loads(out)
    assert [(a["issuer"], a["name"], a["favourite"]) for a in listed] == [("GitHub", "alice", True)]
    assert "secret" not in out and "JBSWY3DP" not in out
    status, out, err = run("remove", "github")  # not a terminal, no --yes
    assert status == 1 and "without --yes" in err
    assert run("remove", "github", "--yes")[1] == "Removed GitHub (alice)\n"
    assert json.loads(run("list", "--json")[1]) == []


def test_add_reads_the_uri_from_stdin(
    run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("otpauth://totp/S:x?secret=JBSWY3DPEHPK3PXP\n"))
    assert run("add", "-")[0] == 0
    assert _codes(run)[0]["issuer"] == "S"


def test_bad_uri_is_one_line_exit_1(run: Run, vault: Path) -> None:
    status, out, err = run("add", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12")
    assert (status, out) == (1, "")
    assert err == "desktop-2fa: error: digits must be 6 to 10, got 12\n"


def test_hotp_code_only_for_a_named_account_and_counter_moves(run: Run, vault: Path) -> None:
    run("add", "otpauth://hotp/Hw:key?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
    run("add", "otpauth://totp/T:x?secret=JBSWY3DPEHPK3PXP")
    listed = {r["issuer"]: r["code"] for r in _codes(run)}
    assert listed["Hw"] is None  # not consumed by a general listing
    # RFC 4226 appendix D values, counter 0 then 1.
    assert _codes(run, "Hw")[0]["code"] == "755224"
    assert _codes(run, "Hw")[0]["code"] == "287082"


def test_code_query_errors(run: Run, vault: Path) -> None:
    status, _, err = run("code", "nothing")
    assert status == 1 and err == "desktop-2fa: error: no account matches 'nothing'\n"


def test_backup_codes_add_use_and_show(run: Run, vault: Path) -> None:
    run("add", "otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP")
    assert run("backup-codes", "site", "--add", "x9sUh-oaxoP", "pB1w5-yC0d2")[1] == (
        "Added 2 backup code(s) to Site (me)\n"
    )
    assert run("backup-codes", "site", "--use", "pB1w5-yC0d2")[0] == 0
    status, out, _ = run("backup-codes", "site")
    assert out.splitlines()[0] == "Site (me): 1 of 2 unused (manual)"
    assert "pB1w5-yC0d2  used " in out
    data = json.loads(run("backup-codes", "site", "--json")[1])
    assert [(c["code"], c["used"]) for c in data["codes"]] == [
        ("x9sUh-oaxoP", False),
        ("pB1w5-yC0d2", True),
    ]
    status, _, err = run("backup-codes", "site", "--use", "nope-nope")
    assert status == 1 and "has no backup code like that" in err


def test_wrong_password_is_one_line(run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "nope")
    assert run("list") == (1, "", "desktop-2fa: error: wrong password for this vault\n")


def test_password_file_wins_over_env(
    run: Run, vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "nope")
    pw = tmp_path / "pw.txt"
    pw.write_text("pw\n")
    assert run("list", "--password-file", str(pw))[0] == 0
    assert run("--password-file", str(pw), "list")[0] == 0


def test_passwd_changes_password(run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("add", "otpauth://totp/Keep:me?secret=JBSWY3DPEHPK3PXP")
    monkeypatch.setenv("DESKTOP_2FA_NEW_PASSWORD", "brand new pw")
    assert run("passwd") == (0, "Password changed.\n", "")
    assert run("list")[0] == 1
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "brand new pw")
    assert "Keep (me)" in run("list")[1]


def test_usage_errors_exit_2(run: Run, vault: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["code", "--no-such-flag"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["backup-codes", "x", "--use", "a", "--add", "b"])
    assert info.value.code == 2


def test_no_password_and_no_terminal(
    run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKTOP_2FA_PASSWORD")
    status, _, err = run("list")
    assert status == 1 and "--password-file" in err


def _cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_2fa", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        input=stdin,
        timeout=60,
    )


def test_init_in_a_real_process_uses_at_least_64_mib(tmp_path: Path) -> None:
    env = {"DESKTOP_2FA_VAULT": str(tmp_path / "v.json"), "DESKTOP_2FA_PASSWORD": "pw-for-init"}
    done = _cli("init", "--kdf-memory-mib", "64", env=env)
    assert done.returncode == 0, done.stderr
    kdf = json.loads((tmp_path / "v.json").read_text())["kdf"]
    assert kdf["memory_kib"] >= 65536 and kdf["time_cost"] >= 3
    again = _cli("init", env=env)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr
    weak = _cli(
        "init", "--kdf-memory-mib", "8", env={**env, "DESKTOP_2FA_VAULT": str(tmp_path / "w")}
    )
    assert weak.returncode == 1 and "at least 64 MiB" in weak.stderr


def test_damaged_vault_is_one_line_never_a_traceback(vault: Path) -> None:
    env = {"DESKTOP_2FA_VAULT": str(vault), "DESKTOP_2FA_PASSWORD": "pw"}
    original = vault.read_bytes()
    cases = {
        "flipped": original[:40] + bytes([original[40] ^ 1]) + original[41:],
        "truncated": original[: len(original) // 2],
        "empty": b"",
        "not json": b"\x00\xff garbage",
    }
    for name, blob in cases.items():
        vault.write_bytes(blob)
        done = _cli("list", env=env)
        assert done.returncode == 1, name
        assert done.stderr.startswith("desktop-2fa: error: the vault file is damaged"), name
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, name
    env_obj = json.loads(original)
    env_obj["version"] = 7
    vault.write_text(json.dumps(env_obj))
    done = _cli("list", env=env)
    assert done.returncode == 1
    assert "format version 7, newer than this desktop-2fa understands" in done.stderr
    vault.write_bytes(original)
    wrong = _cli("list", env={**env, "DESKTOP_2FA_PASSWORD": "bad"})
    assert (wrong.returncode, wrong.stderr) == (
        1,
        "desktop-2fa: error: wrong password for this vault\n",
    )


def test_code_path_imports_nothing_heavy(vault: Path) -> None:
    """`desktop-2fa code` has 150 ms; Qt, OpenCV, numpy, httpx or a web framework would eat it."""
    script = (
        "import sys\n"
        "from desktop_2fa.cli.main import main\n"
        "main(['code', '--json'])\n"
        "heavy = {'PySide6', 'shiboken6', 'cv2', 'zxingcpp', 'numpy', 'httpx', 'starlette',"
        " 'uvicorn', 'segno', 'pyotp', 'platformdirs'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault), "DESKTOP_2FA_PASSWORD": "pw"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"


def test_a_blank_account_name_removes_nothing(run: Run, vault: Path) -> None:
    run("add", "otpauth://totp/bob%40example.com?secret=JBSWY3DPEHPK3PXP")
    status, _, err = run("remove", "", "--yes")
    assert (status, err) == (
        1,
        "desktop-2fa: error: name an account: part of its issuer or name, or its id\n",
    )
    assert len(json.loads(run("list", "--json")[1])) == 1


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "1e300", "soon"])
def test_bad_times_are_usage_errors(vault: Path, value: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["code", "--at", value])
    assert info.value.code == 2


def test_a_password_file_that_is_not_text(run: Run, vault: Path, tmp_path: Path) -> None:
    binary = tmp_path / "pw.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    status, _, err = run("list", "--password-file", str(binary))
    assert (status, err) == (1, f"desktop-2fa: error: password file {binary} is not UTF-8 text\n")


def test_deeply_nested_vault_file_is_one_line(vault: Path) -> None:
    vault.write_text("[" * 200_000 + "]" * 200_000)
    done = _cli("list", env={"DESKTOP_2FA_VAULT": str(vault), "DESKTOP_2FA_PASSWORD": "pw"})
    assert done.returncode == 1
    assert done.stderr.startswith("desktop-2fa: error: the vault file is damaged")
    assert "Traceback" not in done.stderr
