"""The import dialog tells, for every format, where that app puts its export, and what
desktop-2fa does not read and why (issue 14)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_2fa.importers import registry


def test_the_dialog_lists_every_format_and_where_its_export_is(qtbot: QtBot, unlocked) -> None:
    dialog = unlocked.dialogs.open_import()
    label = next(
        w for w in dialog.findChildren(QLabel)
        if w.accessibleName() == "Where each app puts its export"
    )  # fmt: skip
    shown = label.text()
    for importer in registry.IMPORTERS:
        assert f"{importer.title}: {importer.where}" in shown
    for left_out in registry.LEFT_OUT:
        assert f"{left_out.title}: {left_out.reason}" in shown
    dialog.reject()
