"""Open, create and change a vault file, through one serialized writer.

    vault = VaultFile(path).unlock(password)          # runs Argon2id once
    vault.apply(lambda data: edits.remove_account(data, account_id))
    account = vault.apply_with(lambda data: edits.add_account(data, spec, now))
    vault.change_password(new_password)               # rewraps the master key only

One writer (DESIGN.md, house style 11; issue 9, item 4): every change is an
edit function. `apply` takes this vault's lock (threads of this process) and
the file's write lock (other processes), re-reads the file if anyone saved it
since, runs the edit on those latest contents and writes the result with the
next generation number. Nobody saves a snapshot read earlier, so a change
made meanwhile by the UI thread, a worker, the wizard or another process is
never erased. Saving never runs the key derivation.

Rollback (item 3): after unlocking, `rollback` is a `RollbackStatus` when
this vault's generation is below the highest this computer has opened or
saved (`rollback.SeenGenerations`); otherwise None. Until the user chooses
(`restore(newest)` or `keep_current()`), `check_hotp_allowed()` refuses, so
no HOTP code comes from counters that may already have been used, and
`apply` refuses every change (`RollbackPending`): each save is one
generation more, so a few saves would lift the old copy to the newest one's
generation and the next unlock would notice nothing. For the
desktop app's banner::

    status = vault.rollback            # opened, highest_seen, newest_kept
    vault.restore(status.newest_kept)  # "Restore newest"
    vault.keep_current()               # "Keep this one"

and its restore dialog: `vault.kept_versions()` lists (path, saved_at,
generation, accounts), `vault.restore(version)` restores one. When the
current file will not open at all: `VaultFile(path).kept_versions(password)`
and `VaultFile(path).restore(unlocked_version)`.

Password change (item 1): see `OpenVault.change_password` and `rewrap.py`.
"""

from __future__ import annotations

import _thread
import contextlib
import os
from collections.abc import Callable

from desktop_2fa.vault import envelope, paths, payload, rewrap, search
from desktop_2fa.vault.account_lines import LazyContents
from desktop_2fa.vault.crypto import KdfParams, default_kdf_params, new_key
from desktop_2fa.vault.durable import (
    KEEP_VERSIONS,
    list_backups,
    remove_stale_temps,
    replace_durably,
    write_lock,
)
from desktop_2fa.vault.errors import (
    CorruptVault,
    RollbackHold,
    RollbackPending,
    VaultChangedOnDisk,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    VersionNotFound,
)
from desktop_2fa.vault.payload import Stamp
from desktop_2fa.vault.rollback import RollbackStatus, SeenGenerations

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TypeVar

    from desktop_2fa.vault.model import Account
    from desktop_2fa.vault.vault_data import VaultData
    from desktop_2fa.vault.versions import KeptVersion, UnlockedVersion

    T = TypeVar("T")


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _read(location: str) -> tuple[bytes, os.stat_result]:
    try:
        st = os.stat(location)
        return envelope.read_file(location), st
    except FileNotFoundError:
        raise VaultNotFound(paths.as_path(location)) from None


class VaultFile:
    """A vault on disk, not yet unlocked.

    Args:
        seen: where the highest generation per vault is remembered; the user's
            state folder (`$DESKTOP_2FA_STATE_DIR` for tests) when None.
    """

    def __init__(self, path: str | os.PathLike[str], seen: SeenGenerations | None = None) -> None:
        # The path as `Path` spells it; the read path works on this string
        # (`paths.py`: no pathlib for `desktop-2fa code`, issue 13).
        self.location = paths.normal(path)
        self._path: Path | None = None
        self._seen = seen

    @property
    def path(self) -> Path:
        """The vault file, as a `Path`."""
        if self._path is None:
            self._path = paths.as_path(self.location)
        return self._path

    @property
    def seen(self) -> SeenGenerations:
        if self._seen is None:
            self._seen = SeenGenerations.default()
        return self._seen

    def exists(self) -> bool:
        return self.path.exists()

    def create(
        self, password: str, data: VaultData | None = None, kdf: KdfParams | None = None
    ) -> OpenVault:
        """Write a new vault (generation 1, a new random id). Refuses to overwrite.

        Raises:
            VaultExists
        """
        from desktop_2fa.vault.vault_data import VaultData  # not for `code` (issue 13)

        if self.path.exists():
            raise VaultExists(self.path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        kdf = kdf or default_kdf_params()
        master = bytearray(new_key())
        slots = payload.password_slot(password, kdf, master)
        vault = OpenVault(
            self,
            kdf=kdf,
            slots=slots,
            master=master,
            stamp=Stamp.new(),
            data=VaultData(),
            disk_state=None,
        )
        with write_lock(self.path.resolve()):
            if self.path.exists():
                raise VaultExists(self.path)
            vault._write(data or VaultData(), vault.stamp)
        return vault

    def read_envelope(self) -> tuple[bytes, envelope.Envelope]:
        raw, _ = _read(self.location)
        return raw, envelope.decode(raw)

    def unlock(self, password: str, *, lazy: bool = False) -> OpenVault:
        """Derive the key, unwrap the master key, decrypt; repair; check for a rollback.

        Args:
            lazy: build the accounts when first used rather than now. For a
                short read (`desktop-2fa code QUERY`: `OpenVault.find`); a
                damaged account then shows when it is reached, not here.

        Raises:
            VaultNotFound, WrongPassword, CorruptVault, UnsupportedVersion,
            UnknownKeySlot, KdfTooCostly (the last two before any key derivation)
        """
        raw, st = _read(self.location)
        env = envelope.decode(raw)
        del raw  # its memory takes the plaintext (`envelope._reuse_big_buffers`)
        try:  # before the key, which the CLI's head start may still be deriving
            repair = rewrap.needs_repair(os.path.realpath(self.location), env.kdf, env.slots)
        except OSError:
            repair = False  # a folder we cannot read: the vault still opens
        master = payload.unwrap(password, env)
        opened = payload.open_with(master, env)
        if opened is None:
            raise CorruptVault("the encrypted contents do not match their header")
        vault = OpenVault(
            self,
            kdf=env.kdf,
            slots=env.slots,
            master=bytearray(master),
            stamp=opened.stamp,
            data=opened.contents if lazy else opened.data,
            disk_state=_stat_key(st),
        )
        vault._check_rollback()
        # Not an old copy's header over newer versions before the user chose: a
        # copy saved before `passwd` would rewrap them to the old password.
        if repair and vault.rollback is None:
            with contextlib.suppress(OSError):  # a read-only folder still opens
                vault._repair_kept_versions()
        return vault

    def kept_versions(self, password: str) -> list[UnlockedVersion]:
        """The kept versions `password` opens, newest first; for a vault that will not open."""
        from desktop_2fa.vault import versions  # only when asked: `code` never lists

        return versions.unlock_kept_versions(self.path, password)

    def restore(self, unlocked: UnlockedVersion) -> OpenVault:
        """Make a kept version the vault again, with the password that opened it.

        The current file (damaged, perhaps) is kept as a version too. The
        restored contents get a generation above any seen, so the next
        unlock reports no rollback.

        Raises:
            CorruptVault: the version changed since it was listed.
        """
        opened = payload.open_with(unlocked.master, unlocked.env)
        if opened is None:
            raise CorruptVault("the kept version changed since it was listed")
        env = unlocked.env
        vault = OpenVault(
            self,
            kdf=env.kdf,
            slots=env.slots,
            master=bytearray(unlocked.master),
            stamp=opened.stamp,
            data=opened.data,
            disk_state=None,
        )
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with write_lock(self.path.resolve()):
            highest = self.seen.highest(opened.stamp.vault_id) or 0
            vault._write(opened.data, opened.stamp.next(at_least=highest))
        return vault


class OpenVault:
    """An unlocked vault: the latest contents, the master key, and the one writer."""

    def __init__(
        self,
        file: VaultFile,
        *,
        kdf: KdfParams,
        slots: tuple[envelope.PasswordSlot, ...],
        master: bytearray,
        stamp: Stamp,
        data: VaultData | LazyContents,
        disk_state: tuple[int, int, int] | None,
    ) -> None:
        self._contents = data  # after a lazy unlock, what `data` is built from
        self.rollback: RollbackStatus | None = None
        self._file = file
        self._kdf = kdf
        self._slots = slots
        self._master = master
        self._stamp = stamp
        self._disk_state = disk_state
        # Threads of this process; `write_lock` serialises processes. (`_thread`:
        # `threading` is one more import for `desktop-2fa code`.)
        self._lock = _thread.RLock()

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def data(self) -> VaultData:
        """The contents; after a lazy unlock, built on first use (CorruptVault then)."""
        with self._lock:
            if isinstance(self._contents, LazyContents):
                self._contents = self._contents.data()
            return self._contents

    @data.setter
    def data(self, value: VaultData) -> None:
        self._contents = value

    def find(self, query: str) -> list[Account]:
        """`search.find(self.data, query)`; after a lazy unlock, only what it gives is built."""
        contents = self._contents
        if isinstance(contents, LazyContents):
            return contents.find(query)
        return search.find(contents, query)

    @property
    def kdf(self) -> KdfParams:
        return self._kdf

    @property
    def stamp(self) -> Stamp:
        return self._stamp

    @property
    def generation(self) -> int:
        return self._stamp.generation

    @property
    def vault_id(self) -> str:
        return self._stamp.vault_id

    @property
    def locked(self) -> bool:
        return not any(self._master)

    def _real(self) -> Path:
        return self.path.resolve()

    # --- the one writer -------------------------------------------------------------
    def _write(self, data: VaultData, stamp: Stamp, *, keep: int = KEEP_VERSIONS) -> None:
        """Seal and durably write; the caller holds the write lock."""
        sealed = payload.seal(bytes(self._master), self._kdf, self._slots, data, stamp)
        st = replace_durably(self._real(), sealed, keep=keep)
        self._disk_state = _stat_key(st)
        self.data, self._stamp = data, stamp
        self._file.seen.record(stamp.vault_id, stamp.generation)

    def _refresh(self) -> None:
        """Take over what another process saved since we read the file.

        Raises:
            VaultChangedOnDisk: the file is gone, is another vault, or is
                older than what we hold or than what this computer has seen
                (someone put an old copy back meanwhile: taking it over would
                save it a generation up and hide the rollback; the next
                unlock reports it).
        """
        try:
            raw, st = _read(self._file.location)
        except VaultNotFound as e:
            raise VaultChangedOnDisk(self.path) from e
        if _stat_key(st) == self._disk_state:
            return
        try:
            env = envelope.decode(raw)
            opened = payload.open_with(bytes(self._master), env)
        except VaultError as e:
            raise VaultChangedOnDisk(self.path) from e
        if (
            opened is None
            or opened.stamp.vault_id != self.vault_id
            or opened.stamp.generation < self.generation
            or opened.stamp.generation < (self._file.seen.highest(self.vault_id) or 0)
        ):
            raise VaultChangedOnDisk(self.path)
        # Its header too: a password changed elsewhere must stay changed.
        self._kdf, self._slots = env.kdf, env.slots
        self.data, self._stamp = opened.data, opened.stamp
        self._disk_state = _stat_key(st)

    def apply(
        self, edit: Callable[[VaultData], VaultData], *, keep_version: bool = True
    ) -> VaultData:
        """Run `edit` on the latest contents and save the result durably.

        An edit that returns its argument unchanged writes nothing.

        Args:
            keep_version: keep the replaced file in backups/. False only for
                edits that add nothing worth going back to (a use counted on
                copy, issue 11): the replaced file is the new one minus that
                edit, and a kept version per copied code would push every
                real version out of backups/.

        Raises:
            VaultLocked: the vault was locked.
            RollbackPending: this vault is an old copy and the user has not
                chosen yet (`restore` or `keep_current`); nothing was saved.
            VaultChangedOnDisk: see `_refresh`; nothing was saved.
            whatever `edit` raises (DuplicateAccount...): nothing was saved.
        """
        with self._lock:
            self._require_unlocked()
            if self.rollback is not None:
                # Every save is one generation more: a few saves would lift the old
                # copy to the newest one's generation and hide the rollback.
                raise RollbackPending(self.rollback.opened, self.rollback.highest_seen)
            with write_lock(self._real()):
                self._refresh()
                new = edit(self.data)
                if new is not self.data:
                    self._write(new, self._stamp.next(), keep=KEEP_VERSIONS if keep_version else 0)
                return new

    def apply_with(self, edit: Callable[[VaultData], tuple[VaultData, T]]) -> T:
        """Like `apply`, for edits that also return something (the new account...)."""
        extra: list[T] = []

        def run(data: VaultData) -> VaultData:
            new, value = edit(data)
            extra.append(value)
            return new

        self.apply(run)
        return extra[0]

    def _require_unlocked(self) -> None:
        if self.locked:
            raise VaultLocked()

    # --- password -------------------------------------------------------------------
    def change_password(self, new_password: str) -> None:
        """Rewrap the same master key under a new password (new salt, same cost).

        Order (issue 9, item 1): every kept version first, each durably; then
        the vault, without keeping the old-password file as a version. Killed
        in between, the vault still opens with the old password only, and the
        next unlock rewraps the kept versions back (`_repair_kept_versions`).

        Raises:
            RollbackPending: as `apply`; nothing was changed.
        """
        self._require_unlocked()
        if self.rollback is not None:  # a save like any other (see `apply`)
            raise RollbackPending(self.rollback.opened, self.rollback.highest_seen)
        # Argon2id (half a second) before taking the lock: the app's UI thread
        # may save meanwhile. The master key never changes, so the slot holds.
        kdf = self._kdf.with_new_salt()
        slots = payload.password_slot(new_password, kdf, self._master)
        with self._lock:
            self._require_unlocked()  # locked meanwhile: the slot may hold zeros
            with write_lock(self._real()):
                self._refresh()
                remove_stale_temps(self._real())
                for backup in list_backups(self._real()):
                    rewrap.rewrap(backup, bytes(self._master), kdf, slots)
                old = (self._kdf, self._slots)
                self._kdf, self._slots = kdf, slots
                try:
                    self._write(self.data, self._stamp.next(), keep=0)
                except BaseException:
                    self._kdf, self._slots = old
                    raise

    def _repair_kept_versions(self) -> None:
        with self._lock:
            rewrap.repair(self._real(), bytes(self._master), self._kdf, self._slots)

    # --- versions and rollback --------------------------------------------------------
    def _check_rollback(self) -> None:
        highest = self._file.seen.highest(self.vault_id)
        if highest is not None and highest > self.generation:
            # Another program may have saved while we derived the key: a writer
            # remembers its generation only after replacing the file, so the
            # file holds at least `highest` now unless an old copy is back.
            with self._lock, contextlib.suppress(VaultChangedOnDisk, VaultNotFound):
                self._refresh()
        if highest is not None and highest > self.generation:
            from desktop_2fa.vault import versions

            found = versions.kept_versions(self._real(), bytes(self._master))
            self.rollback = RollbackStatus(self.generation, highest, versions.newest(found))
        else:
            self._file.seen.record(self.vault_id, self.generation)

    def check_hotp_allowed(self) -> None:
        """Raises RollbackHold until the user chose after a rollback."""
        if self.rollback is not None:
            raise RollbackHold(self.rollback.opened, self.rollback.highest_seen)

    def kept_versions(self) -> list[KeptVersion]:
        """This vault's kept versions (path, saved_at, generation, accounts), newest first."""
        with self._lock:
            self._require_unlocked()
            from desktop_2fa.vault import versions

            return versions.kept_versions(self._real(), bytes(self._master))

    def restore(self, version: KeptVersion) -> bool:
        """Make a kept version the vault again, durably; the current file is kept too.

        The restored contents get a generation above every one seen, so the
        rollback, if any, is settled. After a rollback the version keeps its
        own header too: the old copy's may hold a password changed since
        (issue 9, item 1), and the kept versions are then rewrapped to it.

        Returns:
            True when the vault now opens with the version's password rather
            than the one it was unlocked with.

        Raises:
            VersionNotFound: the version is gone or is not this vault's.
        """
        with self._lock:
            self._require_unlocked()
            with write_lock(self._real()):
                self._refresh()
                try:
                    env = envelope.decode(envelope.read_file(version.path))
                    opened = payload.open_with(bytes(self._master), env)
                except (OSError, VaultError) as e:
                    raise VersionNotFound(version.path.name) from e
                if opened is None or opened.stamp.vault_id != self.vault_id:
                    raise VersionNotFound(version.path.name)
                rekeyed = self.rollback is not None and (env.kdf, env.slots) != (
                    self._kdf,
                    self._slots,
                )
                old = (self._kdf, self._slots)
                if rekeyed:
                    self._kdf, self._slots = env.kdf, env.slots
                highest = self._file.seen.highest(self.vault_id) or 0
                at_least = max(highest, opened.stamp.generation)
                try:
                    self._write(opened.data, self._stamp.next(at_least=at_least))
                except BaseException:
                    self._kdf, self._slots = old
                    raise
            self.rollback = None
            if rekeyed:  # the old copy, now a kept version, opens with the other password
                with contextlib.suppress(OSError):
                    self._repair_kept_versions()
            return rekeyed

    def keep_current(self) -> None:
        """Accept this (older) vault as the real one: "Keep this one".

        Saves it once with a generation above every one seen, so the next
        unlock reports no rollback and HOTP codes are given again.
        """
        with self._lock:
            self._require_unlocked()
            with write_lock(self._real()):
                self._refresh()
                highest = self._file.seen.highest(self.vault_id) or 0
                if highest > self.generation:
                    self._write(self.data, self._stamp.next(at_least=highest))
            self.rollback = None

    def lock(self) -> None:
        """Forget the master key and the contents (best effort in Python).

        Waits for a save in progress in another thread of this process.
        """
        from desktop_2fa.vault.vault_data import VaultData

        with self._lock:
            for i in range(len(self._master)):
                self._master[i] = 0
            self.data = VaultData()
