"""Vault and CLI figures for 1,000 accounts (issue 2). Prints; asserts nothing."""

from __future__ import annotations

import compileall
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.otp import generate
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile

ACCOUNTS = 1000
# The target's key derivation: Argon2id 64 MiB, 3 passes, 4 lanes.
BENCH_KDF = {"time_cost": 3, "memory_kib": 64 * 1024, "lanes": 4}


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _data() -> VaultData:
    now = datetime.now(UTC)
    data = VaultData()
    algorithms = list(Algorithm)
    for i in range(ACCOUNTS):
        params = OtpParams(
            OtpKind.TOTP, os.urandom(20), algorithms[i % 3], 6 + i % 3, (30, 60)[i % 2]
        )
        data, _ = edits.add_account(
            data,
            AccountSpec(f"Issuer {i:04d}", f"user{i}@example.test", params),
            now,
            backup_codes=[f"code{i:05d}-{j}" for j in range(10)] if i % 10 == 0 else (),
        )
    return data


def _line(what: str, value: float, unit: str, target: str) -> None:
    print(f"{what:<58} {value:8.1f} {unit:<4} (target {target})", flush=True)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.json"
        data = _data()
        vault = VaultFile(path).create("bench password", data, kdf=KdfParams.new(**BENCH_KDF))
        print(f"vault: {ACCOUNTS} accounts, {path.stat().st_size / 1024:.0f} KiB, "
              "Argon2id 64 MiB / 3 passes / 4 lanes")  # fmt: skip

        unlock = _median_ms(lambda: VaultFile(path).unlock("bench password"), 7)
        _line("unlock (KDF + decrypt + parse)", unlock, "ms", "about the KDF itself")

        save = _median_ms(lambda: vault.apply(dataclasses.replace), 15)
        _line("save, fsync included", save, "ms", "<= 30 ms")

        at = time.time()
        codes = _median_ms(lambda: [generate(a.params, at) for a in data.accounts], 15)
        _line(f"compute all {ACCOUNTS} current codes", codes, "ms", "-")

        # As installed: with bytecode, whatever PYTHONDONTWRITEBYTECODE says.
        compileall.compile_dir(Path(__file__).resolve().parent.parent / "desktop_2fa", quiet=1)
        exe = Path(sys.executable).with_name("desktop-2fa")
        argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "desktop_2fa"]
        env = {
            **os.environ,
            "DESKTOP_2FA_VAULT": str(path),
            "DESKTOP_2FA_PASSWORD": "bench password",
        }

        def fresh_process() -> None:
            subprocess.run([*argv, "code", "Issuer 0500"], env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip

        fresh_process()  # warm the OS file cache, as a user's second run would be
        cli = _median_ms(fresh_process, 11)
        _line("`desktop-2fa code QUERY` in a fresh process", cli, "ms", "<= 150 ms")

        # Where that time goes, each in a fresh process of its own.
        def python(code: str) -> Callable[[], object]:
            return lambda: subprocess.run([sys.executable, "-c", code], check=True)

        kdf = KdfParams.new(**BENCH_KDF)
        parts = {
            "interpreter start": "pass",
            "imports of the code path": (
                "import desktop_2fa.cli.read_commands, desktop_2fa.vault.store, "
                "desktop_2fa.core.otp"
            ),
            "Argon2id alone (imports included)": (
                "from desktop_2fa.vault.argon2id import derive; "
                "from desktop_2fa.vault.kdf import KdfParams; "
                f"derive('pw', KdfParams({kdf.salt!r}, 3, {64 * 1024}, 4))"
            ),
        }
        for what, code in parts.items():
            _line(f"  of which: {what}", _median_ms(python(code), 7), "ms", "-")
