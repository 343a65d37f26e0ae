"""Open, create, save and re-key a vault file.

vault = VaultFile(path).unlock(password)   # runs Argon2id once
vault.save(new_data)                       # never runs the KDF again
vault.change_password(new_password)        # rewraps the master key only
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from desktop_2fa.vault import contents, crypto, envelope
from desktop_2fa.vault.durable import list_backups, replace_durably, write_lock
from desktop_2fa.vault.errors import (
    CorruptVault,
    VaultChangedOnDisk,
    VaultError,
    VaultExists,
    VaultNotFound,
    WrongPassword,
)
from desktop_2fa.vault.model import VaultData


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class VaultFile:
    """A vault on disk, not yet unlocked."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

    def create(
        self,
        password: str,
        data: VaultData | None = None,
        kdf: crypto.KdfParams | None = None,
    ) -> OpenVault:
        """Write a new vault. Refuses to overwrite an existing file.

        Raises:
            VaultExists
        """
        if self.path.exists():
            raise VaultExists(self.path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        kdf = kdf or crypto.default_kdf_params()
        master = bytearray(crypto.new_key())
        vault = OpenVault(self.path, kdf, _make_slot(password, kdf, master), master, None)
        with write_lock(self.path.resolve()):
            if self.path.exists():
                raise VaultExists(self.path)
            vault._write(data or VaultData())
        vault.data = data or VaultData()
        return vault

    def read_envelope(self) -> tuple[bytes, envelope.Envelope]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise VaultNotFound(self.path) from None
        return raw, envelope.decode(raw)

    def unlock(self, password: str) -> OpenVault:
        """Derive the key, unwrap the master key and decrypt the contents.

        Raises:
            VaultNotFound, WrongPassword, CorruptVault, UnsupportedVersion
        """
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise VaultNotFound(self.path) from None
        _, env = self.read_envelope()
        kek = crypto.derive_key(password, env.kdf)
        slot_aad = envelope.slot_aad(env.kdf)
        master: bytes | None = None
        for slot in env.slots:
            master = crypto.open_sealed(kek, slot.nonce, slot.wrapped_key, slot_aad)
            if master is not None:
                break
        if master is None:
            raise WrongPassword()
        plaintext = crypto.open_sealed(
            master, env.nonce, env.ciphertext, envelope.header_aad(env.kdf, env.slots)
        )
        if plaintext is None:
            raise CorruptVault("the encrypted contents do not match their header")
        try:
            payload = json.loads(plaintext)
        except (ValueError, RecursionError) as e:
            raise CorruptVault("the decrypted contents are not JSON") from e
        vault = OpenVault(self.path, env.kdf, env.slots, bytearray(master), _stat_key(st))
        vault.data = contents.from_dict(payload)
        return vault


def _make_slot(
    password: str, kdf: crypto.KdfParams, master: bytearray
) -> tuple[envelope.PasswordSlot, ...]:
    kek = crypto.derive_key(password, kdf)
    nonce = crypto.new_nonce()
    wrapped = crypto.seal(kek, nonce, bytes(master), envelope.slot_aad(kdf))
    return (envelope.PasswordSlot(nonce, wrapped),)


class OpenVault:
    """An unlocked vault: the current contents plus the master key to save them."""

    def __init__(
        self,
        path: Path,
        kdf: crypto.KdfParams,
        slots: tuple[envelope.PasswordSlot, ...],
        master: bytearray,
        disk_state: tuple[int, int, int] | None,
    ) -> None:
        self.path = path
        self.data = VaultData()
        self._kdf = kdf
        self._slots = slots
        self._master = master
        self._disk_state = disk_state

    @property
    def kdf(self) -> crypto.KdfParams:
        return self._kdf

    @property
    def locked(self) -> bool:
        return not any(self._master)

    def _seal(self, plaintext: bytes) -> bytes:
        nonce = crypto.new_nonce()
        aad = envelope.header_aad(self._kdf, self._slots)
        ciphertext = crypto.seal(bytes(self._master), nonce, plaintext, aad)
        return envelope.encode(envelope.Envelope(self._kdf, self._slots, nonce, ciphertext))

    def _write(self, data: VaultData) -> None:
        if self.locked:
            raise RuntimeError("the vault is locked")
        plaintext = json.dumps(contents.to_dict(data), separators=(",", ":")).encode()
        st = replace_durably(self.path.resolve(), self._seal(plaintext))
        self._disk_state = _stat_key(st)

    def _check_unchanged(self) -> None:
        try:
            current = _stat_key(os.stat(self.path))
        except FileNotFoundError:
            current = None
        if current != self._disk_state:
            raise VaultChangedOnDisk(self.path)

    def save(self, data: VaultData) -> None:
        """Encrypt and durably write `data`; it becomes `self.data`.

        Raises:
            VaultChangedOnDisk: another program saved the file since we read it.
        """
        with write_lock(self.path.resolve()):
            self._check_unchanged()
            self._write(data)
        self.data = data

    def change_password(self, new_password: str) -> None:
        """Rewrap the same master key under a new password (new salt, same cost).

        The kept versions in backups/ are rewrapped too: otherwise the old
        password would still open them, and with them the master key that
        also protects the current file.
        """
        kdf = self._kdf.with_new_salt()
        slots = _make_slot(new_password, kdf, self._master)
        old = (self._kdf, self._slots)
        self._kdf, self._slots = kdf, slots
        try:
            self.save(self.data)
        except BaseException:
            self._kdf, self._slots = old
            raise
        with write_lock(self.path.resolve()):
            self._rewrap_backups()

    def _rewrap_backups(self) -> None:
        for backup in list_backups(self.path.resolve()):
            try:
                env = envelope.decode(backup.read_bytes())
            except (OSError, VaultError):
                continue  # unreadable: nothing an old password could open either
            plaintext = crypto.open_sealed(
                bytes(self._master),
                env.nonce,
                env.ciphertext,
                envelope.header_aad(env.kdf, env.slots),
            )
            if plaintext is None:  # another master key: not this vault's version
                continue
            st = backup.stat()
            replace_durably(backup, self._seal(plaintext), keep=0)
            os.utime(backup, ns=(st.st_atime_ns, st.st_mtime_ns))

    def lock(self) -> None:
        """Forget the master key and the contents (best effort in Python)."""
        for i in range(len(self._master)):
            self._master[i] = 0
        self.data = VaultData()
