"""One account's backup codes, offline: copy, mark used/unused, add, save as text, print.

Used codes are struck through. Changes are saved to the vault at once.
Saved text files and PDFs printed to a file are written through the one
durable private-file writer (`vault.durable.write_private_file`: mode 0600
from the first byte, never truncated in place), and the dialog says plainly
that such a file is not encrypted.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core.text import shown
from desktop_2fa.ui import messages
from desktop_2fa.ui.clipboard import ClipboardGuard
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.vault import edits
from desktop_2fa.vault.durable import write_private_file
from desktop_2fa.vault.model import Account

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def codes_text(account: Account, now: datetime) -> str:
    """The plain-text sheet for "Save as text"."""
    lines = [
        f"Backup codes for {shown(account.label)}",
        f"Saved by desktop-2fa on {now:%Y-%m-%d %H:%M} UTC. Each code works once.",
        "Keep this somewhere safe: anyone holding it can sign in as you.",
        "",
    ]
    for number, code in enumerate(account.backup_codes.codes, start=1):
        lines.append(f"{number:2}. {code.code}" + ("   (used)" if code.used else ""))
    return "\n".join(lines) + "\n"


def codes_html(account: Account) -> str:
    """The printable sheet: used codes struck through."""
    rows = "".join(
        f"<li>{'<s>' if c.used else ''}{escape(c.code)}{'</s> (used)' if c.used else ''}</li>"
        for c in account.backup_codes.codes
    )
    return (
        f"<h2>Backup codes for {escape(shown(account.label))}</h2>"
        "<p>Each code works once. Keep this sheet somewhere safe.</p>"
        f"<ol style='font-family: monospace; font-size: 14pt'>{rows}</ol>"
    )


def pdf_bytes(document: QTextDocument) -> bytes:
    """`document` as a PDF, in memory: Qt's own PDF file would be world-readable."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle("Backup codes")
    document.print_(writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(buffer.data().data())


class BackupCodesDialog(QDialog):
    def __init__(  # noqa: PLR0915 - a flat list of widgets and layouts
        self,
        session: VaultSession,
        account_id: str,
        clipboard: ClipboardGuard,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account_id
        self.clipboard = clipboard
        self.setAccessibleName("Backup codes")
        self.summary = QLabel()
        self.summary.setAccessibleName("Summary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Backup codes")
        font = QFont(self.list.font())
        font.setFamily("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.list.setFont(font)
        self.list.itemActivated.connect(lambda _item: self.copy())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())

        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy code")
        self.copy_button.clicked.connect(self.copy)
        self.used_button = QPushButton("Mark &used")
        self.used_button.setAccessibleName("Mark used or unused")
        self.used_button.clicked.connect(self.toggle_used)
        # One width for the column whatever the label says ("Mark used"/"Mark unused").
        widths = []
        for text in ("Mark &unused", "Mark &used", "&Copy"):
            self.used_button.setText(text)
            widths.append(self.used_button.sizeHint().width())
        self.used_button.setText("Mark &used")
        for button in (self.copy_button, self.used_button):
            button.setFixedWidth(max(widths))
        side = QVBoxLayout()
        side.addWidget(self.copy_button)
        side.addWidget(self.used_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)

        self.paste = QPlainTextEdit()
        self.paste.setPlaceholderText("Paste new backup codes here, any layout")
        self.paste.setAccessibleName("New backup codes")
        self.paste.setTabChangesFocus(True)
        self.paste.setMaximumHeight(70)
        self.add_button = QPushButton("A&dd codes")
        self.add_button.setAccessibleName("Add pasted codes")
        self.add_button.clicked.connect(self.add_pasted)
        self.save_button = QPushButton("&Save as text…")
        self.save_button.setAccessibleName("Save as text")
        self.save_button.clicked.connect(self.choose_save)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print")
        self.print_button.clicked.connect(self.print_codes)
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(middle, 1)
        layout.addWidget(self.paste)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        self.list.installEventFilter(self)  # Ctrl+C copies, Space marks used/unused
        self.resize(460, 480)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return True
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                self.toggle_used()
                return True
        return super().eventFilter(watched, event)

    @property
    def account(self) -> Account | None:
        return self.session.account(self.account_id)

    def refresh(self) -> None:
        account = self.account
        if account is None:
            self.reject()
            return
        self.setWindowTitle(f"Backup codes: {shown(account.label)}")
        current = self.list.currentRow()
        self.list.clear()
        codes = account.backup_codes.codes
        for code in codes:
            when = f" on {code.used_at:%Y-%m-%d}" if code.used and code.used_at else ""
            item = QListWidgetItem(f"{code.code}   used{when}" if code.used else code.code)
            font = QFont(self.list.font())
            font.setStrikeOut(code.used)
            item.setFont(font)
            if code.used:
                item.setForeground(self.palette().placeholderText())
                item.setToolTip(f"Used{when}")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{code.code}, used{when}")
            else:
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{code.code}, unused")
            self.list.addItem(item)
        if codes:
            self.list.setCurrentRow(min(max(current, 0), len(codes) - 1))
            self.summary.setText(
                f"{account.backup_codes.unused} of {len(codes)} codes unused. "
                "Each code signs you in once when you cannot use this app."
            )
        else:
            self.summary.setText(
                f"No backup codes are stored for {shown(account.label)}. Paste the codes the "
                "site gave you below to keep them here, encrypted."
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        account = self.account
        row = self.list.currentRow()
        has = account is not None and 0 <= row < len(account.backup_codes.codes)
        self.copy_button.setEnabled(has)
        self.used_button.setEnabled(has)
        if has and account is not None:
            used = account.backup_codes.codes[row].used
            self.used_button.setText("Mark &unused" if used else "Mark &used")
        codes = bool(account and account.backup_codes.codes)
        self.save_button.setEnabled(codes)
        self.print_button.setEnabled(codes)

    def _selected_code(self) -> tuple[Account, int] | None:
        account = self.account
        row = self.list.currentRow()
        if account is None or not 0 <= row < len(account.backup_codes.codes):
            return None
        return account, row

    def copy(self) -> None:
        selected = self._selected_code()
        if selected is None:
            return
        account, row = selected
        self.clipboard.copy(account.backup_codes.codes[row].code)
        self.message.setText(
            f"Copied; the clipboard is cleared in {self.clipboard.clear_seconds} s."
        )

    def set_used(self, row: int, used: bool) -> None:
        account = self.account
        if account is None:
            return
        code = account.backup_codes.codes[row].code
        now = self.session.services.now()
        try:
            self.session.update_with(
                lambda d: edits.set_backup_code_used(d, self.account_id, code, now, used=used)
            )
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.refresh()

    def toggle_used(self) -> None:
        selected = self._selected_code()
        if selected is None:
            return
        account, row = selected
        self.set_used(row, not account.backup_codes.codes[row].used)

    def add_pasted(self) -> None:
        codes = edits.split_backup_codes(self.paste.toPlainText())
        if not codes:
            self.message.setText("Paste the codes into the box first.")
            return
        now = self.session.services.now()
        try:
            added = self.session.update_with(
                lambda d: edits.add_backup_codes(d, self.account_id, codes, now)
            )
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.paste.clear()
        self.message.setText(f"Added {added} new code{'s' if added != 1 else ''}.")
        self.refresh()

    def save_text(self, path: Path) -> None:
        account = self.account
        if account is None:
            return
        try:
            text = codes_text(account, self.session.services.now())
            write_private_file(path, text.encode("utf-8"))
        except OSError as e:
            self.message.setText(messages.describe(e))
            return
        self.message.setText(f"Saved to {path}. That file is not encrypted: keep it safe.")

    def choose_save(self) -> None:
        account = self.account
        if account is None:
            return
        name = re.sub(r"[^\w.-]+", "-", account.issuer or account.name or "account").strip("-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save backup codes", f"{name}-backup-codes.txt", "Text files (*.txt)"
        )
        if path:
            self.save_text(Path(path))

    def document(self) -> QTextDocument:
        document = QTextDocument(self)
        account = self.account
        if account is not None:
            document.setHtml(codes_html(account))
        return document

    def print_codes(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print backup codes")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print, or when the printer is a file ("Print to PDF"), write it privately."""
        target = printer.outputFileName()
        if not target:
            self.document().print_(printer)
            return
        try:
            write_private_file(Path(target), pdf_bytes(self.document()))
        except OSError as e:
            self.message.setText(messages.describe(e))
            return
        self.message.setText(f"Saved to {target}. That file is not encrypted: keep it safe.")
