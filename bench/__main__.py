"""`make bench`: print performance figures. Nothing here asserts; targets are in README.

Every module `bench/bench_*.py` exposes `run() -> None` and prints its own lines.
Run one with `python -m bench NAME` (e.g. `python -m bench vault`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    # Throwaway vaults: their generations are remembered in a scratch folder,
    # never in the user's state folder (vault/rollback.py).
    scratch = tempfile.TemporaryDirectory(prefix="desktop-2fa-bench-state-")
    os.environ["DESKTOP_2FA_STATE_DIR"] = scratch.name
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = {f"bench_{a}" for a in argv}
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name.removeprefix('bench_')} ==", flush=True)
        module.run()
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
