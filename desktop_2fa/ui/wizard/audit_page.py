"""Audit: the security checks of `desktop-2fa audit`, live, with their evidence.

`audit.runner.Audit` runs in a worker; its progress events cross to the UI
thread through a queued signal and fill the table row by row, and a wait for
a rate limit counts down in the status line. Stop ends the audit at its next
request (the rest of the checks are skipped). The report is saved as HTML or
JSON; everything from the server is escaped there (`audit.html`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.audit.model import AuditReport, Progress, ProgressKind, Verdict
from desktop_2fa.audit.registry import CHECKS
from desktop_2fa.audit.report import as_json, detail_lines, verdict_line
from desktop_2fa.audit.runner import Audit
from desktop_2fa.ui import jobs, messages
from desktop_2fa.vault.durable import write_private_file

if TYPE_CHECKING:
    from desktop_2fa.ui.wizard.wizard import EnrollWizard

COLUMNS = ("Check", "Severity", "Result", "Summary")
_COLOURS = {Verdict.PASS: "#1a7f37", Verdict.FAIL: "#cf222e", Verdict.SKIP: "#6e7781"}


class _ProgressRelay(QObject):
    progress = Signal(object)


class AuditPage(QWidget):
    """Signals:
    finished(object): the AuditReport.
    """

    finished = Signal(object)

    def __init__(self, wizard: EnrollWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.report: AuditReport | None = None
        self.job: jobs.Job | None = None
        self._stop = threading.Event()
        self._results: dict[str, list[str]] = {}
        self.relay = _ProgressRelay(self)
        self.relay.progress.connect(self._progress)
        intro = QLabel(
            "Checks the server for the weaknesses 2FA deployments ship with, using throw-away "
            "accounts. Rate limits are waited out: it can take minutes."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Audit help")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Audit progress")
        self.progress.setRange(0, len(CHECKS))
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m checks")
        self.status = QLabel("Not run yet.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Audit status")
        self.table = self._make_table()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setAccessibleName("Check details and evidence")
        self.details.setPlaceholderText(
            "Untick checks to skip them; select one to see its requirement and evidence."
        )
        self.details.setMinimumHeight(self.fontMetrics().height() * 3)
        self.table.setMinimumHeight(self.fontMetrics().height() * 4)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self._make_buttons())
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    def _make_buttons(self) -> QHBoxLayout:
        self.run_button = QPushButton("Run the au&dit")
        self.run_button.setAccessibleName("Run the audit")
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton("S&top")
        self.stop_button.setAccessibleName("Stop the audit")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.save_button = QPushButton("Sa&ve report…")
        self.save_button.setAccessibleName("Save audit report")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_save)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.stop_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        return row

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(len(CHECKS), len(COLUMNS))
        table.setAccessibleName("Audit checks")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        for row, check in enumerate(CHECKS):
            info = check.info
            name = QTableWidgetItem(info.id)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Checked)
            name.setToolTip(f"{info.title}\n{'; '.join(info.sources)}")
            table.setItem(row, 0, name)
            table.setItem(row, 1, QTableWidgetItem(info.severity.value))
            table.setItem(row, 2, QTableWidgetItem(""))
            table.setItem(row, 3, QTableWidgetItem(info.title))
        return table

    def chosen(self) -> tuple[str, ...]:
        """Ids of the ticked checks, in table order."""
        return tuple(
            self.table.item(r, 0).text()
            for r in range(self.table.rowCount())
            if self.table.item(r, 0).checkState() == Qt.CheckState.Checked
        )

    def run(self) -> None:
        only = self.chosen()
        if self.job is not None or not only:
            if not only:
                self.status.setText("Tick at least one check.")
            return
        resolve = self.wizard.resolver()
        clock = self.wizard.services.clock
        relay, stop = self.relay, self._stop
        stop.clear()

        def work() -> AuditReport:
            audit = Audit(resolve(), only=only, clock=clock, on_progress=relay.progress.emit,
                          cancelled=stop.is_set)  # fmt: skip
            return audit.run()

        self.report = None
        self._results.clear()
        for r in range(self.table.rowCount()):
            self._set_row(r, "", CHECKS[r].info.title, None)
        self.progress.setRange(0, len(only))
        self.progress.setValue(0)
        self.details.clear()
        self.save_button.setEnabled(False)
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText("Starting…")
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(lambda e: self.status.setText(messages.describe(e)))
        self.job.finished.connect(self._finished)

    def stop(self) -> None:
        """End the audit at its next request; the checks not run are skipped."""
        if self.job is not None:
            self._stop.set()
            self.status.setText("Stopping…")

    def _row_of(self, check_id: str) -> int:
        return next(r for r, c in enumerate(CHECKS) if c.info.id == check_id)

    def _set_row(self, row: int, result: str, summary: str, verdict: Verdict | None) -> None:
        self.table.item(row, 2).setText(result)
        self.table.item(row, 3).setText(summary)
        self.table.item(row, 3).setToolTip(summary)
        item = self.table.item(row, 2)
        if verdict is None:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)  # the palette's colour again
        else:
            item.setForeground(QBrush(QColor(_COLOURS[verdict])))

    def _progress(self, event: Progress) -> None:
        row = self._row_of(event.check.id)
        if event.kind is ProgressKind.STARTED:
            self._set_row(row, "running…", event.check.title, None)
            self.table.scrollToItem(self.table.item(row, 0))
            self.status.setText(f"Check {event.index} of {event.total}: {event.check.title}")
        elif event.kind is ProgressKind.WAITING:
            self.status.setText(
                f"Check {event.index} of {event.total}: waiting {event.seconds_left:.0f} s for "
                f"{event.reason} (rate-limit waits so far {event.waited:.0f} of "
                f"{event.budget:.0f} s)"
            )
        elif event.result is not None:
            result = event.result
            self._set_row(row, result.verdict.value.upper(), result.summary, result.verdict)
            self._results[event.check.id] = detail_lines(result)
            self.progress.setValue(event.index)
            if self.table.currentRow() == row:
                self._show_details(row)

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(CHECKS):
            return
        lines = self._results.get(CHECKS[row].info.id)
        if lines is None:
            info = CHECKS[row].info
            lines = [f"{info.id}: {info.title}", f"requirement: {info.requirement}",
                     f"sources: {'; '.join(info.sources)}", "", "Not run yet."]  # fmt: skip
        self.details.setPlainText("\n".join(lines))

    def _done(self, report: AuditReport) -> None:
        self.report = report
        self.status.setText(verdict_line(report) + f" against {report.server}.")
        self.save_button.setEnabled(True)
        self.finished.emit(report)

    def _finished(self) -> None:
        self.job = None
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def save_report(self, path: Path) -> None:
        """HTML for .html/.htm, else JSON."""
        if self.report is None:
            return
        if path.suffix.lower() in (".html", ".htm"):
            from desktop_2fa.audit.html import as_html

            text = as_html(self.report)
        else:
            text = as_json(self.report)
        try:
            write_private_file(path, text.encode("utf-8"))
        except OSError as e:
            self.status.setText(messages.describe(e))
            return
        self.status.setText(f"Report saved to {path}.")

    def choose_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the audit report", "audit-report.html", "HTML (*.html);;JSON (*.json)"
        )
        if path:
            self.save_report(Path(path))
