"""The open vault as the windows see it: unlock, change, save, lock.

Every change goes through `update(edit)`, where `edit` is one of the pure
functions of `desktop_2fa.vault.edits` (partially applied). The edit is
handed to the vault's one writer (`OpenVault.apply`), which runs it on the
latest contents under the vault's lock, so a change made by a worker (the
wizard, the round trip, an import) at the same moment is never erased
(issue 9). Locking waits for a save in progress, then forgets the master key
and the contents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal

from desktop_2fa.ui import jobs
from desktop_2fa.vault import edits
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.model import Account, VaultData
from desktop_2fa.vault.store import OpenVault
from desktop_2fa.vault.versions import KeptVersion

if TYPE_CHECKING:
    from desktop_2fa.app import Services

T = TypeVar("T")

# What a save can raise: an edit the vault refused (VaultError) or a disk that would
# not take the file (OSError: full, read-only). Either way the vault is as it was (a
# temp file first, vault/durable.py), and the window that asked says so in one
# sentence, never the error box for the unexpected (issue 9: "the disk is full").
SAVE_ERRORS: tuple[type[Exception], ...] = (VaultError, OSError)


class WorkerVault:
    """The open vault as code running in a worker sees it (`enroll.flow.VaultSession`).

    Changes go through the same writer as the UI thread's (`OpenVault.apply`)
    and are announced on the UI thread (`VaultSession.changed`).
    """

    def __init__(self, session: VaultSession, vault: OpenVault) -> None:
        self._session = session
        self._vault = vault

    @property
    def data(self) -> VaultData:
        return self._vault.data

    def apply(self, edit: Callable[[VaultData], VaultData]) -> VaultData:
        new = self._vault.apply(edit)
        self._session.saved_elsewhere.emit()  # queued to the UI thread
        return new


class VaultSession(QObject):
    """Holds the `OpenVault` while the app is unlocked.

    Signals:
        opened(): a vault was created or unlocked; `data` is valid.
        changed(): `data` changed (and was saved).
        used(): only use counts changed (`record_use`): nothing shown but the
            usage sorts' order, so the list need not be rebuilt.
        locked(): the key and the contents were dropped.
    """

    opened = Signal()
    changed = Signal()
    used = Signal()
    locked = Signal()
    saved_elsewhere = Signal()  # a worker saved through `worker_vault()`

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._vault: OpenVault | None = None
        # Big saves (an import of 1,000 accounts) run here, one at a time; lock()
        # waits for them so the key is never wiped in the middle of a write.
        self._save_pool = QThreadPool(self)
        self._save_pool.setMaxThreadCount(1)
        self.saved_elsewhere.connect(self._saved_elsewhere)

    # --- opening -------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return self.services.vault_file.exists()

    @property
    def is_open(self) -> bool:
        return self._vault is not None

    def unlock_job(self, password: str, parent: QObject | None = None) -> jobs.Job:
        """Derive the key and decrypt in the thread pool; `attach` the result."""
        vault_file = self.services.vault_file
        return jobs.start(lambda: vault_file.unlock(password), parent)

    def create_job(self, password: str, parent: QObject | None = None) -> jobs.Job:
        """Create a new vault (Argon2id with the configured parameters) in the pool."""
        vault_file = self.services.vault_file
        kdf = self.services.new_kdf()
        return jobs.start(lambda: vault_file.create(password, None, kdf), parent)

    def attach(self, vault: OpenVault) -> None:
        """Take over a vault a job opened or created."""
        if self._vault is not None:
            self._vault.lock()
        self._vault = vault
        self.opened.emit()

    # --- reading and changing ------------------------------------------------
    @property
    def data(self) -> VaultData:
        if self._vault is None:
            return VaultData()
        return self._vault.data

    @property
    def vault(self) -> OpenVault | None:
        """The open vault, for what the windows read directly: `vault.rollback`
        (None, or the generations and the newest kept version after a rollback),
        `vault.kept_versions()`, `vault.check_hotp_allowed()`."""
        return self._vault

    def restore(self, version: KeptVersion) -> None:
        """Make a kept version the vault again ("Restore newest" / the restore dialog)."""
        if self._vault is None:
            raise RuntimeError("the vault is locked")
        self._vault.restore(version)
        self.changed.emit()

    def restore_job(
        self, version: KeptVersion, password: str, parent: QObject | None = None
    ) -> jobs.Job:
        """`restore(version)` behind the vault password, both in a worker.

        The password is checked against the vault file (Argon2id), never against
        anything kept in memory; the job fails with `WrongPassword` then, and
        nothing is restored. Succeeds with `version`, after `changed`.
        """
        vault = self._vault
        if vault is None:
            raise RuntimeError("the vault is locked")
        vault_file = self.services.vault_file

        def work() -> KeptVersion:
            vault_file.unlock(password).lock()
            vault.restore(version)
            return version

        job = jobs.start(work, parent, self._save_pool)
        job.succeeded.connect(lambda _value: self.changed.emit() if self._vault is vault else None)
        return job

    def keep_current(self) -> None:
        """After a rollback: keep this vault ("Keep this one"); HOTP codes are given again."""
        if self._vault is None:
            raise RuntimeError("the vault is locked")
        self._vault.keep_current()
        self.changed.emit()

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.data.accounts if a.id == account_id), None)

    def update(self, edit: Callable[[VaultData], VaultData]) -> VaultData:
        """Apply a pure edit, save durably, announce it.

        Raises:
            RuntimeError: the vault is locked.
            VaultError: the edit was refused (duplicate...) or the save failed
                (changed on disk); the vault is then unchanged.
        """
        if self._vault is None:
            raise RuntimeError("the vault is locked")
        new = self._vault.apply(edit)
        self.changed.emit()
        return new

    def update_with(self, edit: Callable[[VaultData], tuple[VaultData, T]]) -> T:
        """Like `update`, for edits that also return something (the new account...)."""
        if self._vault is None:
            raise RuntimeError("the vault is locked")
        value = self._vault.apply_with(edit)
        self.changed.emit()
        return value

    def worker_vault(self) -> WorkerVault:
        """The vault for the enrollment flow and round trip running in workers."""
        if self._vault is None:
            raise RuntimeError("the vault is locked")
        return WorkerVault(self, self._vault)

    def _saved_elsewhere(self) -> None:
        if self._vault is not None:
            self.changed.emit()

    def update_job(
        self, edit: Callable[[VaultData], tuple[VaultData, T]], parent: QObject | None = None
    ) -> jobs.Job:
        """Like `update_with`, with the edit and the save in a worker (for big edits).

        The job's `succeeded` carries the edit's extra value, after `changed`.
        The caller keeps the user from starting another edit meanwhile.
        """
        vault = self._vault
        if vault is None:
            raise RuntimeError("the vault is locked")

        def work() -> T:
            return vault.apply_with(edit)

        job = jobs.start(work, parent, self._save_pool)
        job.succeeded.connect(lambda _value: self.changed.emit() if self._vault is vault else None)
        return job

    def record_use(self, account_id: str) -> None:
        """Count one use of the account (a copied code), saved in the save worker.

        A save per copy must not stall the list, so it runs off the UI thread,
        through the one writer, and keeps no version of the file it replaces
        (`OpenVault.apply(keep_version=False)`). Not counted while a rollback
        waits for the user's choice (nothing is saved then), nor when the save
        fails: a lost count is not worth a message after a copy that worked.
        """
        vault = self._vault
        if vault is None or vault.rollback is not None:
            return
        at = self.services.now()

        def work() -> VaultData:
            return vault.apply(lambda d: edits.record_use(d, account_id, at), keep_version=False)

        job = jobs.start(work, self, self._save_pool)
        job.succeeded.connect(lambda _data: self.used.emit() if self._vault is vault else None)

    def change_password_job(self, password: str, parent: QObject | None = None) -> jobs.Job:
        """Rewrap the master key under a new password (Argon2id again) in a worker.

        The same ordered change as `desktop-2fa passwd` (`OpenVault.change_password`:
        kept versions first, then the vault), under the vault's writer lock.
        """
        vault = self._vault
        if vault is None:
            raise RuntimeError("the vault is locked")
        return jobs.start(lambda: vault.change_password(password), parent, self._save_pool)

    # --- locking -------------------------------------------------------------
    def lock(self) -> None:
        """Forget the master key and the contents; idempotent."""
        if self._vault is None:
            return
        self._save_pool.waitForDone()
        self._vault.lock()  # waits for a worker's save in progress
        self._vault = None
        self.locked.emit()
