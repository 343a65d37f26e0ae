"""Export the accounts: every format the command line has, behind the vault password.

The formats are `exporters.registry.EXPORTERS` (what `desktop-2fa export
--format` offers), each with its one-line description; a format that writes
secrets in plain text says so before anything is written, and an encrypted
one (Aegis) asks for the export's own password twice. The vault password is
checked against the vault file, then the export is made and written (mode
0600, replaced whole or not at all: `exporters.files.write_export`) in a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.exporters.base import Exporter, ExportResult
from desktop_2fa.exporters.files import write_export
from desktop_2fa.exporters.registry import EXPORTERS
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.password_field import PasswordField
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault.errors import WrongPassword

PLAIN_WARNING = (
    "This format holds your secrets unencrypted: anyone who reads the file can make your "
    "codes. Keep it somewhere safe and delete it once it has been imported."
)


class ExportDialog(QDialog):
    """Signals:
    exported(str): one sentence saying what was written where.
    """

    exported = Signal(str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - a flat list of widgets and layouts
        super().__init__(parent)
        self.session = session
        self.job: jobs.Job | None = None
        self.setWindowTitle("Export accounts")
        self.setAccessibleName("Export accounts")

        self.formats = QListWidget()
        self.formats.setAccessibleName("Export format")
        for exporter in EXPORTERS:
            item = QListWidgetItem(exporter.title)
            item.setData(Qt.ItemDataRole.UserRole, exporter.name)
            item.setToolTip(exporter.description)
            self.formats.addItem(item)
        rows = self.formats.sizeHintForRow(0) * len(EXPORTERS) + 2 * self.formats.frameWidth() + 4
        self.formats.setFixedHeight(rows)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAccessibleName("Format description")
        self.warning = QLabel(PLAIN_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Plain text warning")
        self.warning.setStyleSheet("color: #c0392b;")

        self.export_password = PasswordField("Export password")
        self.export_repeat = PasswordField("Export password again")
        self.export_label = QLabel("E&xport password:")
        self.export_label.setBuddy(self.export_password)
        self.repeat_label = QLabel("&Again:")
        self.repeat_label.setBuddy(self.export_repeat)
        self.destination = QLineEdit()
        self.destination.setAccessibleName("Export to")
        choose = QPushButton("&Choose…")
        choose.setAccessibleName("Choose where to export")
        choose.clicked.connect(self.choose_destination)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(choose)
        self.vault_password = PasswordField("Vault password")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.export_label, self.export_password)
        form.addRow(self.repeat_label, self.export_repeat)
        to_label = QLabel("Export &to:")
        to_label.setBuddy(self.destination)
        form.addRow(to_label, where)
        form.addRow("&Vault password:", self.vault_password)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.export_button.setAccessibleName("Export")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        heading = QLabel("&Format:")
        heading.setBuddy(self.formats)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.formats)
        layout.addWidget(self.description)
        layout.addWidget(self.warning)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.formats.currentRowChanged.connect(lambda _row: self._format_changed())
        self.formats.setCurrentRow(0)
        self.resize(520, 460)

    # --- the format --------------------------------------------------------------------
    @property
    def exporter(self) -> Exporter:
        return EXPORTERS[max(self.formats.currentRow(), 0)]

    def choose(self, name: str) -> None:
        """Pick a format by its `--format` name."""
        for row, exporter in enumerate(EXPORTERS):
            if exporter.name == name:
                self.formats.setCurrentRow(row)
                return
        raise ValueError(name)

    def _format_changed(self) -> None:
        exporter = self.exporter
        self.description.setText(messages.sentence(exporter.description))
        self.warning.setVisible(exporter.plain_secrets)
        for widget in (self.export_label, self.export_password):
            widget.setVisible(exporter.needs_password)
        for widget in (self.repeat_label, self.export_repeat):
            widget.setVisible(exporter.needs_password)
        self.destination.setPlaceholderText(
            "a folder to create for the files" if exporter.multi_file else "a file to write"
        )
        self.message.clear()

    def choose_destination(self) -> None:
        exporter = self.exporter
        suggested = f"desktop-2fa-{exporter.name}" + ("" if exporter.multi_file else ".txt")
        if exporter.name == "aegis":
            suggested = "desktop-2fa-aegis.json"
        title = "Export to a new folder" if exporter.multi_file else "Export to a file"
        path, _ = QFileDialog.getSaveFileName(self, title, suggested)
        if path:
            self.destination.setText(path)

    # --- exporting ---------------------------------------------------------------------
    def _problem(self, out: Path | None) -> str | None:
        exporter = self.exporter
        if out is None:
            return "Choose where to export to."
        if out.resolve() == self.session.services.vault_file.path.resolve():
            return "That is the vault itself; choose another file to export to."
        if exporter.needs_password:
            if not self.export_password.text():
                return f"The {exporter.title} export is encrypted: choose its password."
            if self.export_password.text() != self.export_repeat.text():
                return "The two export passwords differ."
        if not self.vault_password.text():
            return "Enter the vault password to export."
        return None

    def export(self) -> None:
        if self.job is not None or not self.session.is_open:
            return
        text = self.destination.text().strip()
        out = Path(text).expanduser() if text else None
        problem = self._problem(out)
        if problem is not None:
            self.message.setText(problem)
            return
        assert out is not None
        exporter = self.exporter
        vault_file = self.session.services.vault_file
        vault_password = self.vault_password.text()
        password = self.export_password.text() if exporter.needs_password else None
        accounts = self.session.data.accounts

        def work() -> tuple[ExportResult, list[Path]]:
            vault_file.unlock(vault_password).lock()  # behind the vault password
            result = exporter.export(accounts, password)
            return result, write_export(result, out, multi_file=exporter.multi_file, force=True)

        self.message.setText("Checking the vault password and exporting…")
        self.setEnabled(False)
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(lambda value: self._done(exporter, out, *value))
        self.job.failed.connect(self._failed)

    def _done(
        self, exporter: Exporter, out: Path, result: ExportResult, written: list[Path]
    ) -> None:
        self.job = None
        self.setEnabled(True)
        where = f"{out} ({len(written)} files)" if exporter.multi_file else str(out)
        text = (
            f"Exported {result.exported} account{'s' if result.exported != 1 else ''} to {where}."
        )
        if result.skipped:
            shown = "; ".join(str(s) for s in result.skipped[:5])
            more = len(result.skipped) - 5
            text += f" Not exported: {shown}" + (f"; and {more} more." if more > 0 else ".")
        if exporter.plain_secrets:
            text += " That file is not encrypted: delete it once it has been imported."
        self.exported.emit(text)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.setEnabled(True)
        self.message.setText(messages.describe(error))
        if isinstance(error, WrongPassword):
            self.vault_password.selectAll()
            self.vault_password.setFocus()
