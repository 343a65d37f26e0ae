"""One writer: changes from threads and from other processes all land (issue 9, item 4).

Before, a worker saved a whole `VaultData` computed from what it had read
while the UI thread saved without the lock, so one change could silently
erase the other. Now every change is an edit applied to the latest contents.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.core import uri
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.errors import VaultChangedOnDisk, WrongPassword
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile
from tests.vault.handmade import numbered_secret

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HOTP = "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQ&counter=0"
ROUNDS = 60


def _hotp_vault(vault_path: Path, kdf: KdfParams) -> str:
    data, account = edits.add_account(VaultData(), uri.parse(HOTP), NOW)
    VaultFile(vault_path).create("pw", data, kdf=kdf)
    return account.id


def test_two_threads_saving_at_once_keep_both_changes(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    """The wizard's worker adds accounts while the UI thread steps an HOTP counter."""
    bank = _hotp_vault(vault_path, fast_kdf)
    vault = VaultFile(vault_path).unlock("pw")
    start = threading.Barrier(2)

    def worker() -> None:
        start.wait()
        for i in range(ROUNDS):
            spec = uri.parse(f"otpauth://totp/W{i}:x?secret={numbered_secret(i + 1)}")
            vault.apply(lambda data, spec=spec: edits.add_account(data, spec, NOW)[0])

    thread = threading.Thread(target=worker)
    thread.start()
    start.wait()
    for _ in range(ROUNDS):
        vault.apply(lambda data: edits.advance_counter(data, bank, NOW))
    thread.join()
    final = VaultFile(vault_path).unlock("pw").data
    assert edits.get_account(final, bank).params.counter == ROUNDS
    assert len(final.accounts) == 1 + ROUNDS
    assert vault.generation == 1 + 2 * ROUNDS


CHILD = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from desktop_2fa.vault import edits
from desktop_2fa.vault.store import VaultFile
vault = VaultFile(Path(sys.argv[1])).unlock("pw")
now = datetime(2026, 3, 1, tzinfo=UTC)
for _ in range(int(sys.argv[3])):
    vault.apply(lambda data: edits.advance_counter(data, sys.argv[2], now))
"""


@pytest.mark.slow
def test_two_processes_saving_at_once_keep_both_changes(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    bank = _hotp_vault(vault_path, fast_kdf)
    vault = VaultFile(vault_path).unlock("pw")  # opened before the other program saves
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(vault_path), bank, str(ROUNDS)])
    for i in range(ROUNDS):
        spec = uri.parse(f"otpauth://totp/P{i}:x?secret={numbered_secret(i + 1)}")
        vault.apply(lambda data, spec=spec: edits.add_account(data, spec, NOW)[0])
    assert child.wait(timeout=120) == 0
    final = VaultFile(vault_path).unlock("pw").data
    assert edits.get_account(final, bank).params.counter == ROUNDS
    assert len(final.accounts) == 1 + ROUNDS


def test_a_password_changed_elsewhere_stays_changed(vault_path: Path, fast_kdf: KdfParams) -> None:
    """The app has the vault open; `desktop-2fa passwd` runs; the app then saves."""
    bank = _hotp_vault(vault_path, fast_kdf)
    app = VaultFile(vault_path).unlock("pw")
    VaultFile(vault_path).unlock("pw").change_password("new password")
    app.apply(lambda data: edits.advance_counter(data, bank, NOW))
    with pytest.raises(WrongPassword):
        VaultFile(vault_path).unlock("pw")
    reopened = VaultFile(vault_path).unlock("new password")
    assert edits.get_account(reopened.data, bank).params.counter == 1


def test_an_old_copy_put_back_while_open_is_not_overwritten(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    bank = _hotp_vault(vault_path, fast_kdf)
    vault = VaultFile(vault_path).unlock("pw")
    old = vault_path.read_bytes()
    vault.apply(lambda data: edits.advance_counter(data, bank, NOW))
    vault_path.write_bytes(old)
    with pytest.raises(VaultChangedOnDisk):
        vault.apply(lambda data: edits.advance_counter(data, bank, NOW))
    assert vault_path.read_bytes() == old


def test_an_edit_that_changes_nothing_writes_nothing(vault_path: Path, fast_kdf: KdfParams) -> None:
    _hotp_vault(vault_path, fast_kdf)
    vault = VaultFile(vault_path).unlock("pw")
    before = vault_path.stat().st_mtime_ns
    vault.apply(lambda data: data)
    assert vault_path.stat().st_mtime_ns == before and vault.generation == 1
