"""The import flow: other apps' exports, Google Authenticator transfer codes, several QR codes.

Built on `importers.session`: the files are read, decrypted and converted in
the thread pool (Aegis' scrypt and a big export must not freeze the window).
An encrypted file stops the worker with `_NeedPassword`; the dialog asks for
the password inline and runs the import again with it. The accounts found
are listed with check boxes (duplicates of stored accounts unchecked and
marked), entry-level problems are listed by name, and nothing touches the
vault until "Import" is pressed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core.text import LINE_LIMIT, shown
from desktop_2fa.importers import registry
from desktop_2fa.importers.base import ImportedAccount, ImportResult
from desktop_2fa.importers.errors import WrongPassword
from desktop_2fa.importers.session import AddOutcome, SourceFile, add_imported, import_files
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault import edits


class _NeedPassword(Exception):
    def __init__(self, file: str, title: str) -> None:
        super().__init__(f"{file} needs a password")
        self.file = file
        self.title = title


class ImportDialog(QDialog):
    """Signals:
    imported(int): how many accounts were added.
    """

    imported = Signal(int)

    def __init__(  # noqa: PLR0915 - a flat list of widgets and layouts
        self,
        session: VaultSession,
        sources: list[SourceFile] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import accounts")
        self.setAccessibleName("Import accounts")
        self.sources: list[SourceFile] = []
        self.passwords: dict[str, str] = {}
        self.result = ImportResult()
        self.job: jobs.Job | None = None
        self._pending_password: _NeedPassword | None = None

        intro = QLabel(
            f"Reads {registry.supported_text()}, and Google Authenticator transfer QR codes "
            "(all parts of a multi-part export together)."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Import help")
        # Per format, where that app puts its export; then what is not read and why.
        where = "\n".join(f"• {i.title}: {i.where}" for i in registry.IMPORTERS)
        formats = QLabel(f"{where}\n\nNot supported: {registry.left_out_text()}")
        formats.setWordWrap(True)
        formats.setTextFormat(Qt.TextFormat.PlainText)
        formats.setAccessibleName("Where each app puts its export")
        formats_area = QScrollArea()
        formats_area.setWidget(formats)
        formats_area.setWidgetResizable(True)
        formats_area.setMaximumHeight(140)
        self.files_label = QLabel()
        self.files_label.setAccessibleName("Files")
        self.files_label.setWordWrap(True)
        choose = QPushButton("&Add files…")
        choose.setAccessibleName("Add files to import")
        choose.clicked.connect(self.choose_files)
        top = QHBoxLayout()
        top.addWidget(self.files_label, 1)
        top.addWidget(choose)

        self.password_row = QWidget()
        self.password_label = QLabel()
        self.password_label.setAccessibleName("Password needed")
        self.password = PasswordField("Export file password")
        self.password.returnPressed.connect(self._password_entered)
        unlock = QPushButton("&Open")
        unlock.setAccessibleName("Open encrypted export")
        unlock.clicked.connect(self._password_entered)
        row = QHBoxLayout(self.password_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.password_label)
        row.addWidget(self.password, 1)
        row.addWidget(unlock)
        self.password_row.hide()

        self.entries = QListWidget()
        self.entries.setAccessibleName("Accounts found")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.import_button.setAccessibleName("Import the checked accounts")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.import_checked)
        self.buttons.rejected.connect(self.reject)
        self.entries.itemChanged.connect(self._update_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(formats_area)
        layout.addLayout(top)
        layout.addWidget(self.password_row)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 460)
        self._update_button()
        if sources:
            self.add_sources(sources)

    # --- files -----------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Choose exports or QR images")
        self.add_paths([Path(p) for p in paths])

    def add_paths(self, paths: list[Path]) -> None:
        sources = []
        for path in paths:
            try:
                sources.append(SourceFile(path.name, path.read_bytes()))
            except OSError as e:
                self.message.setText(messages.describe(e))
                return
        self.add_sources(sources)

    def add_sources(self, sources: list[SourceFile]) -> None:
        if not sources:
            return
        self.sources.extend(sources)
        self.files_label.setText("From: " + ", ".join(s.name for s in self.sources))
        self._run()

    # --- reading (in the pool) -------------------------------------------------------------
    def _run(self) -> None:
        if self.job is not None:
            self.job.cancel()
        sources = list(self.sources)
        passwords = dict(self.passwords)

        def password(file: str, title: str) -> str:
            if file in passwords:
                return passwords[file]
            raise _NeedPassword(file, title)

        self.message.setText("Reading…")
        self.import_button.setEnabled(False)
        self.job = jobs.start(lambda: import_files(sources, password=password), self)
        self.job.succeeded.connect(self._show)
        self.job.failed.connect(self._failed)

    def _failed(self, error: BaseException) -> None:
        self.job = None
        if isinstance(error, _NeedPassword):
            self._ask_password(error)
            return
        self.message.setText(messages.describe(error))
        need = self._pending_password
        if isinstance(error, WrongPassword) and need is not None:
            self.passwords.pop(need.file, None)
            self._ask_password(need, retry=True)

    def _ask_password(self, need: _NeedPassword, *, retry: bool = False) -> None:
        self._pending_password = need
        self.password_label.setText(f"{need.file} ({need.title}) is encrypted. Password:")
        self.password_row.show()
        self.password.clear()
        self.password.setFocus()
        if not retry:
            self.message.setText("")

    def _password_entered(self) -> None:
        need = self._pending_password
        if need is None or not self.password.text():
            return
        self.passwords[need.file] = self.password.text()
        self.password.clear()
        self.password_row.hide()
        self._run()

    def _show(self, result: ImportResult) -> None:
        self.job = None
        self.result = result
        self._pending_password = None
        self.entries.clear()
        data = self.session.data
        for entry in result.entries:
            stored = edits.find_duplicate(data, entry.spec)
            duplicate = stored is not None
            text = shown(entry.label)
            if stored is not None:
                # Say which: the stored account may have another name (issue 11).
                same = (
                    "already in the vault"
                    if stored.label == entry.label
                    else (f"same secret as {shown(stored.label)}, already in the vault")
                )
                text += f"  ({same})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            if not duplicate:
                flags |= Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Unchecked if duplicate else Qt.CheckState.Checked)
            self.entries.addItem(item)
        if result.errors:
            first = [shown(str(e), LINE_LIMIT) for e in result.errors[:8]]
            more = len(result.errors) - len(first)
            self.problems.setText(
                "Not imported: " + "; ".join(first) + (f"; and {more} more" if more > 0 else "")
            )
        else:
            self.problems.setText("")
        found = len(result.entries)
        self.message.setText(
            f"Found {found} account{'s' if found != 1 else ''}."
            if found
            else "No accounts were found."
        )
        self._update_button()

    # --- into the vault ------------------------------------------------------------------
    def checked(self) -> list[ImportedAccount]:
        chosen = []
        for i in range(self.entries.count()):
            item = self.entries.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        return chosen

    def _update_button(self) -> None:
        count = len(self.checked())
        self.import_button.setEnabled(count > 0 and self.job is None)
        self.import_button.setText(
            f"&Import {count} account{'s' if count != 1 else ''}" if count else "&Import"
        )

    def import_checked(self) -> None:
        """Add the checked accounts and save, in a worker (1,000 accounts take ~0.1 s)."""
        chosen = self.checked()
        if not chosen or self.job is not None:
            return
        now = self.session.services.now()
        self.message.setText("Importing…")
        self.entries.setEnabled(False)
        self.job = self.session.update_job(lambda data: add_imported(data, chosen, now), self)
        self.import_button.setEnabled(False)
        self.job.succeeded.connect(self._imported)
        self.job.failed.connect(self._import_failed)

    def _imported(self, outcome: AddOutcome) -> None:
        self.job = None
        self.imported.emit(len(outcome.added))
        self.accept()

    def _import_failed(self, error: BaseException) -> None:
        self.job = None
        self.entries.setEnabled(True)
        self.message.setText(messages.describe(error))
        self._update_button()
