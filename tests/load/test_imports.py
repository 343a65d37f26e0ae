"""The audit and Locust cost `desktop-2fa code` nothing: they load only when asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.store import VaultFile


def test_the_code_path_imports_neither_the_audit_nor_locust(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    script = (
        "import sys\n"
        "from desktop_2fa.cli.main import main\n"
        "main(['code', '--json'])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent')"
        " or m.startswith(('desktop_2fa.audit', 'desktop_2fa.load'))]\n"
        "print(sorted(loaded), file=sys.stderr)\n"
    )
    env = {**os.environ, "DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
