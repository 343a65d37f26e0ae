"""Restore from a kept version: the Vault menu's dialog and the damaged-vault page's.

Every save keeps the file it replaces in backups/ (`vault/durable.py`); these
dialogs list them (when saved, generation, how many accounts) and make one
the vault again, durably, keeping the current file as a version too, so a
restore can be undone the same way (issue 9 item 3, issue 11 item 3).

* `RestoreDialog`, for the open vault (Vault ▸ Restore from a kept
  version…): the list is read with the open vault's key in a worker; the
  restore is behind the vault password, checked against the file (Argon2id)
  in the same worker as the restore.
* `DamagedRestoreDialog`, for a vault that will not open: nothing is listed
  before the password; each kept version's own header opens it
  (`VaultFile.kept_versions`, Argon2id in a worker); the chosen one is
  restored (`VaultFile.restore`) and opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.prompts import message_line, scrolling
from desktop_2fa.ui.rollback_banner import saved_when
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault.durable import KEEP_VERSIONS, backups_dir
from desktop_2fa.vault.store import OpenVault
from desktop_2fa.vault.versions import KeptVersion, UnlockedVersion

COLUMNS = ("Saved", "Generation", "Accounts")


def restored_text(version: KeptVersion) -> str:
    return (
        f"Restored the version saved {saved_when(version.saved_at)} (generation "
        f"{version.generation}, {version.accounts} accounts); the vault it replaced is "
        "kept as a version too."
    )


class _VersionsDialog(QDialog):
    """The shape both dialogs share: an explanation, the versions, the password, Restore."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: jobs.Job | None = None
        self.shown_versions: list[KeptVersion] = []
        self.setWindowTitle("Restore from a kept version")
        self.setAccessibleName("Restore from a kept version")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("Explanation")
        self.versions = QTableWidget(0, len(COLUMNS))
        self.versions.setAccessibleName("Kept versions")
        self.versions.setHorizontalHeaderLabels(COLUMNS)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions.verticalHeader().setVisible(False)
        self.versions.setMinimumHeight(self.fontMetrics().height() * 5)
        header = self.versions.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.versions.itemSelectionChanged.connect(self._update)
        self.password = PasswordField("Vault password")
        self.password.textChanged.connect(self._update)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.clicked.connect(self.restore)
        self.message = message_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow("Vault &password:", self.password)
        content = QWidget()
        self.inner = QVBoxLayout(content)
        self.inner.setContentsMargins(0, 0, 0, 0)
        self.inner.addWidget(self.intro)
        self.inner.addWidget(self.versions, 1)
        self.inner.addLayout(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(content), 1)  # 600x400: the content scrolls,
        layout.addWidget(self.message)  # what happened and the buttons stay in sight
        layout.addWidget(buttons)
        self.resize(560, 460)

    def _kept_in(self) -> str:
        folder = backups_dir(self.session.services.vault_file.path.resolve())
        return f"the last {KEEP_VERSIONS} of them in {folder}"

    def show_versions(self, versions: list[KeptVersion]) -> None:
        self.shown_versions = list(versions)
        self.versions.setRowCount(len(versions))
        for row, version in enumerate(versions):
            cells = (saved_when(version.saved_at), str(version.generation), str(version.accounts))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.versions.setItem(row, column, item)
        if versions:
            self.versions.selectRow(0)
        self._update()

    def chosen_row(self) -> int:
        rows = self.versions.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _busy(self, text: str) -> None:
        self.message.setText(text)
        self._update()

    def _update(self) -> None:
        ready = self.chosen_row() >= 0 and bool(self.password.text()) and self.job is None
        self.restore_button.setEnabled(ready)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(messages.describe(error, self.session.services.log_path))
        self.password.selectAll()
        self.password.setFocus()

    def _done(self) -> None:
        self.job = None
        self._update()

    def _start(self, work, on_success, busy: str) -> None:  # type: ignore[no-untyped-def]
        self._watch(jobs.start(work, self), on_success, busy)

    def _watch(self, job: jobs.Job, on_success, busy: str) -> None:  # type: ignore[no-untyped-def]
        self.job = job
        self.job.succeeded.connect(on_success)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._done)
        self._busy(busy)

    def restore(self) -> None:
        raise NotImplementedError

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()  # a result arriving after Close is dropped
        self.password.clear()
        super().done(result)


class RestoreDialog(_VersionsDialog):
    """The open vault's kept versions; the chosen one restored behind the vault password.

    Signals:
        restored(str): the sentence saying what was restored.
    """

    restored = Signal(str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        vault = session.vault
        assert vault is not None
        self.intro.setText(
            f"Every save keeps the vault it replaces, {self._kept_in()}. Restoring one makes "
            "it the vault again; the vault as it is now becomes a kept version too, so a "
            f"restore can be undone here. Now: generation {vault.generation}, "
            f"{len(vault.data.accounts)} accounts."
        )
        self.restore_button.setDefault(True)
        self.password.returnPressed.connect(self.restore)
        self._start(vault.kept_versions, self._listed, "Reading the kept versions…")

    def _listed(self, versions: list[KeptVersion]) -> None:
        self.show_versions(versions)
        self.message.setText("" if versions else "There is no kept version yet.")
        self.password.setFocus()

    def restore(self) -> None:
        row, password = self.chosen_row(), self.password.text()
        if row < 0 or not password or self.job is not None or not self.session.is_open:
            return
        job = self.session.restore_job(self.shown_versions[row], password, self)
        self._watch(job, self._restored, "Checking the password and restoring…")

    def _restored(self, version: KeptVersion) -> None:
        self.restored.emit(restored_text(version))
        self.accept()


class DamagedRestoreDialog(_VersionsDialog):
    """A vault that will not open: the kept versions the password opens, one restored and opened.

    Signals:
        restored(str): the sentence saying what was restored (after the session opened it).
    """

    restored = Signal(str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._unlocked: list[UnlockedVersion] = []
        self.intro.setText(
            f"The vault file does not open. Every save kept the vault it replaced, "
            f"{self._kept_in()}. Enter the vault password to see which of them open; the "
            "one you restore becomes the vault and opens, and the file that does not open "
            "is kept as a version too."
        )
        self.list_button = QPushButton("&Show kept versions")
        self.list_button.setAccessibleName("Show kept versions")
        self.list_button.setDefault(True)
        self.list_button.clicked.connect(self.list_versions)
        self.password.returnPressed.connect(self.list_versions)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.list_button)
        self.form.addRow(row)
        # The password comes first here: nothing is listed before it.
        self.inner.removeItem(self.form)
        self.inner.insertLayout(1, self.form)
        self.restore_button.setText("&Restore and open")
        self.restore_button.setAccessibleName("Restore and open")
        self.password.setFocus()

    def _update(self) -> None:
        super()._update()
        if hasattr(self, "list_button"):
            self.list_button.setEnabled(bool(self.password.text()) and self.job is None)

    def list_versions(self) -> None:
        password = self.password.text()
        if not password or self.job is not None:
            return
        vault_file = self.session.services.vault_file
        self._start(
            lambda: vault_file.kept_versions(password),
            self._listed,
            "Deriving the key and reading the kept versions…",
        )

    def _listed(self, unlocked: list[UnlockedVersion]) -> None:
        self._unlocked = unlocked
        self.show_versions([u.version for u in unlocked])
        if unlocked:
            self.message.setText("Choose the version to restore.")
            self.list_button.setDefault(False)
            self.restore_button.setDefault(True)
            self.versions.setFocus()
        else:
            self.message.setText(
                "No kept version opens with that password; check Caps Lock and try again."
            )
            self.password.selectAll()
            self.password.setFocus()

    def restore(self) -> None:
        row = self.chosen_row()
        if row < 0 or self.job is not None or row >= len(self._unlocked):
            return
        chosen = self._unlocked[row]
        vault_file = self.session.services.vault_file
        self._start(lambda: vault_file.restore(chosen), self._restored, "Restoring…")

    def _restored(self, vault: OpenVault) -> None:
        version = self._unlocked[self.chosen_row()].version
        self._unlocked = []  # their master keys go with them
        self.session.attach(vault)
        self.restored.emit(restored_text(version))
        self.accept()

    def done(self, result: int) -> None:
        self._unlocked = []
        super().done(result)
