"""`desktop-2fa code QUERY` against its floor, at 10, 1,000 and 10,000 accounts (issue 13).

Each run is a fresh process, as a script calling `desktop-2fa code` in a
loop starts one; the password comes from the environment, the vault uses
Argon2id 64 MiB / 3 passes / 4 lanes. The floor (`bench/floor_code.py`) is
Python deriving the same Argon2id key and nothing else. Prints ratios only
(the machine is shared; see `timing.py`); targets: at 1,000 accounts at most
1.2x the floor, at 10,000 at most 1.15x the time at 1,000.
"""

from __future__ import annotations

import compileall
import dataclasses
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.timing import line, median, process_ms, ratio, rounds
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import BackupCode, BackupCodeSet, VaultData
from desktop_2fa.vault.store import VaultFile

SIZES = (10, 1000, 10000)
ROUNDS = 25
PASSWORD = "bench password"
BENCH_KDF = {"time_cost": 3, "memory_kib": 64 * 1024, "lanes": 4}
HERE = Path(__file__).resolve().parent


def _data(count: int) -> VaultData:
    """`count` TOTP accounts "Issuer 00000"...; every tenth has ten backup codes."""
    now = datetime.now(UTC)
    algorithms = list(Algorithm)
    drafts = [
        edits.Draft(
            AccountSpec(
                f"Issuer {i:05d}",
                f"user{i}@example.test",
                OtpParams(
                    OtpKind.TOTP, os.urandom(20), algorithms[i % 3], 6 + i % 3, (30, 60)[i % 2]
                ),
            ),
            group=("Work", "Home", "")[i % 3],
        )
        for i in range(count)
    ]
    data, added, _ = edits.add_accounts(VaultData(), drafts, now)
    codes = BackupCodeSet(tuple(BackupCode(f"code-{j:02d}-{j * 7919:08d}") for j in range(10)))
    return dataclasses.replace(
        data,
        accounts=tuple(
            dataclasses.replace(a, backup_codes=codes) if i % 10 == 0 else a
            for i, a in enumerate(added)
        ),
    )


def _command() -> list[str]:
    # As installed (`make`): with bytecode and the quick path's dataclass
    # methods compiled, whatever PYTHONDONTWRITEBYTECODE says.
    compileall.compile_dir(HERE.parent / "desktop_2fa", quiet=1)
    subprocess.run([sys.executable, "-m", "desktop_2fa.cli.quick_dataclasses"], check=True)
    exe = Path(sys.executable).with_name("desktop-2fa")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "desktop_2fa"]


def run() -> None:
    command = _command()
    kdf = KdfParams.new(**BENCH_KDF)
    floor = [sys.executable, str(HERE / "floor_code.py"), kdf.salt.hex(),
             *(str(BENCH_KDF[k]) for k in ("time_cost", "memory_kib", "lanes"))]  # fmt: skip
    contenders = {"floor": lambda: process_ms(floor)}
    with tempfile.TemporaryDirectory() as tmp:
        sizes = []
        for count in SIZES:
            path = Path(tmp) / f"vault-{count}.json"
            VaultFile(path).create(PASSWORD, _data(count), kdf=kdf)
            sizes.append(f"{path.stat().st_size / 1024:.0f} KiB")
            env = {**os.environ, "DESKTOP_2FA_VAULT": str(path), "DESKTOP_2FA_PASSWORD": PASSWORD}
            argv = [*command, "code", f"Issuer {count // 2:05d}"]
            contenders[str(count)] = lambda argv=argv, env=env: process_ms(argv, env)
        for measure in contenders.values():
            measure()  # warm the OS file cache, as a script's second call finds it
        print(f"vaults of {', '.join(f'{n:,}' for n in SIZES)} accounts ({', '.join(sizes)}), "
              f"Argon2id 64 MiB / 3 passes / 4 lanes; {ROUNDS} interleaved rounds")  # fmt: skip
        times = rounds(contenders, ROUNDS)
    line("floor: Python + the same Argon2id, median", median(times["floor"]), "ms", "-")
    for count in SIZES:
        line(f"`desktop-2fa code QUERY`, {count:,} accounts, median", median(times[str(count)]),
             "ms", "-")  # fmt: skip
    line("  10 accounts / floor", ratio(times, "10", "floor"), "x", "-")
    line("  1,000 accounts / floor", ratio(times, "1000", "floor"), "x", "<= 1.2")
    line("  10,000 accounts / floor", ratio(times, "10000", "floor"), "x", "-")
    line("  10,000 accounts / 1,000 accounts", ratio(times, "10000", "1000"), "x", "<= 1.15")
