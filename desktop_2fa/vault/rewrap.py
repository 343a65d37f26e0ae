"""Giving kept versions the vault's header again (issue 9, item 1).

A kept version is a whole vault file: if its key slot is not the vault's,
the password that opens it may not be the vault's password, and since all
versions share the master key, that other password would open the current
vault's secrets too. So a password change rewraps every kept version
(before the vault itself, see `OpenVault.change_password`), and every unlock
repairs what an interrupted change left behind.
"""

from __future__ import annotations

import os

from desktop_2fa.vault import envelope, paths, payload
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.durable import (
    has_stale_temps,
    kept_version_files,
    remove_stale_temps,
    replace_durably,
    write_lock,
)
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.header import open_to_read

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from pathlib import Path

_TAIL_BYTES = 4096  # the end of a vault file holds its kdf, nonce and slots
Slots = tuple[envelope.PasswordSlot, ...]


def rewrap(backup: Path, master: bytes, kdf: KdfParams, slots: Slots) -> None:
    """Seal a kept version's contents under `kdf`/`slots`, durably, keeping its time.

    Unreadable files and other vaults' versions (another master key) are left alone.
    """
    try:
        env = envelope.decode(envelope.read_file(backup))
    except (OSError, VaultError):
        return  # unreadable: nothing a password could open either
    if env.kdf == kdf and env.slots == slots:
        return
    plaintext = payload.plaintext(master, env)
    if plaintext is None:
        return
    st = backup.stat()
    replace_durably(backup, payload.reseal(master, kdf, slots, plaintext), keep=0)
    os.utime(backup, ns=(st.st_atime_ns, st.st_mtime_ns))


def _matches(backup: str, marks: tuple[bytes, ...]) -> bool:
    """Whether the kept version's tail holds the vault's header; True when unreadable.

    An unreadable file (a FIFO, a folder, no permission) is nothing a
    password could open, and must not keep the others from being repaired.
    """
    try:
        with open_to_read(backup) as f:
            f.seek(max(os.fstat(f.fileno()).st_size - _TAIL_BYTES, 0))
            tail = f.read(_TAIL_BYTES)
    except OSError:
        return True
    return all(mark in tail for mark in marks)


def _stale(vault_path: str | os.PathLike[str], kdf: KdfParams, slots: Slots) -> list[str]:
    marks = envelope.header_marks(kdf, slots)
    return [b for b in kept_version_files(os.fspath(vault_path)) if not _matches(b, marks)]


def needs_repair(vault_path: str | os.PathLike[str], kdf: KdfParams, slots: Slots) -> bool:
    """Whether `repair` has anything to do, without the key.

    Cheap (every unlock, `desktop-2fa code` included): only the tail of each
    kept version is read, and no lock is taken. The unlock asks before the
    key is there, while the CLI's head start is still deriving it.
    """
    return bool(_stale(vault_path, kdf, slots)) or has_stale_temps(vault_path)


def _still_the_header(vault_path: Path, kdf: KdfParams, slots: Slots) -> bool:
    try:
        env = envelope.decode(envelope.read_file(vault_path))
    except (OSError, VaultError):
        return False
    return env.kdf == kdf and env.slots == slots


def repair(vault_path: Path, master: bytes, kdf: KdfParams, slots: Slots) -> None:
    """Rewrap kept versions whose header is not the vault's; remove stale temp files.

    `kdf` and `slots` are the header the caller unlocked; under the write lock
    they must still be the vault's. A `passwd` that finished since then (in
    another process, while this one derived its key) has already rewrapped
    every kept version to the new header, and rewrapping them back would let
    the old password open the master key again (issue 9, item 1).
    """
    if not _stale(vault_path, kdf, slots) and not has_stale_temps(vault_path):
        return
    with write_lock(vault_path):
        if not _still_the_header(vault_path, kdf, slots):
            return  # the next unlock of the vault as it is now looks again
        remove_stale_temps(vault_path)
        for backup in _stale(vault_path, kdf, slots):
            rewrap(paths.as_path(backup), master, kdf, slots)
