"""Round trip: enroll, sign out, sign in with codes and backup codes, disable; live steps.

`enroll.roundtrip.RoundTrip` runs in a worker and reports each step as it
finishes; the step crosses to the UI thread through a queued signal and
becomes a table row (name, HTTP status, milliseconds, result, message).

The trip's throwaway account goes into a scratch vault in memory, never into
the user's vault (as `desktop-2fa roundtrip` does, issue 11).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.enroll.report import Outcome, Report, StepResult
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.ui import jobs, messages
from desktop_2fa.vault.durable import write_private_file
from desktop_2fa.vault.model import VaultData

if TYPE_CHECKING:
    from desktop_2fa.ui.wizard.wizard import EnrollWizard

COLUMNS = ("Step", "HTTP", "ms", "Result", "Message")


class _StepRelay(QObject):
    step = Signal(object)


class ScratchVault:
    """An empty vault in memory for the trip (`enroll.flow.VaultSession`); thrown away after."""

    def __init__(self) -> None:
        self.data = VaultData()

    def apply(self, edit: Callable[[VaultData], VaultData]) -> VaultData:
        self.data = edit(self.data)
        return self.data


class RoundTripPage(QWidget):
    """Signals:
    finished(object): the Report.
    """

    finished = Signal(object)

    def __init__(self, wizard: EnrollWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.report: Report | None = None
        self.job: jobs.Job | None = None
        self.relay = _StepRelay(self)
        self.relay.step.connect(self._add_step)
        intro = QLabel(
            "Runs the whole protocol against the server with a throw-away account: sign up, "
            "enable, activate, sign out, sign in with a wrong and a right code, backup codes "
            "(and their reuse), disable. Its account lives in a scratch vault that is thrown "
            "away; your vault is not touched."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Round trip help")
        self.run_button = QPushButton("Run the round &trip")
        self.run_button.setAccessibleName("Run the round trip")
        self.run_button.clicked.connect(self.run)
        self.save_button = QPushButton("Save re&port…")
        self.save_button.setAccessibleName("Save report")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_save)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Round trip steps")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Round trip result")
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def run(self) -> None:
        if self.job is not None:
            return
        resolve = self.wizard.resolver()
        vault = ScratchVault()
        clock = self.wizard.services.clock
        relay = self.relay

        def work() -> Report:
            url = resolve()
            trip = RoundTrip(
                lambda: self.wizard.client(url), vault, clock=clock, on_step=relay.step.emit
            )
            return trip.run()

        self.table.setRowCount(0)
        self.report = None
        self.save_button.setEnabled(False)
        self.run_button.setEnabled(False)
        self.summary.setText("Running…")
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(lambda e: self.summary.setText(messages.describe(e)))
        self.job.finished.connect(self._finished)

    def _add_step(self, step: StepResult) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (
            step.name,
            "-" if step.status is None else str(step.status),
            f"{step.ms:.0f}",
            {Outcome.PASSED: "passed", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "skipped"}[
                step.outcome
            ],
            step.message,
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.table.setItem(row, column, item)
        self.table.scrollToBottom()

    def _done(self, report: Report) -> None:
        self.report = report
        passed = sum(1 for s in report.steps if s.outcome is Outcome.PASSED)
        verdict = "every step passed" if report.passed else "some steps FAILED"
        self.summary.setText(
            f"{verdict}: {passed} of {len(report.steps)} in {report.total_ms:.0f} ms "
            f"against {report.server}." + "".join(f" Warning: {w}" for w in report.warnings)
        )
        self.save_button.setEnabled(True)
        self.finished.emit(report)

    def _finished(self) -> None:
        self.job = None
        self.run_button.setEnabled(True)

    def save_report(self, path: Path) -> None:
        """JSON for .json, JUnit XML for .xml, else the plain table."""
        if self.report is None:
            return
        suffix = path.suffix.lower()
        if suffix == ".json":
            text = self.report.as_json()
        elif suffix == ".xml":
            text = self.report.as_junit()
        else:
            text = self.report.as_table()
        try:
            write_private_file(path, text.encode("utf-8"))
        except OSError as e:
            self.summary.setText(messages.describe(e))
            return
        self.summary.setText(f"Report saved to {path}.")

    def choose_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the round-trip report",
            "roundtrip-report.json",
            "JSON (*.json);;JUnit XML (*.xml);;Text (*.txt)",
        )
        if path:
            self.save_report(Path(path))
