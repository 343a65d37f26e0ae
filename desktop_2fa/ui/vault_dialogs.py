"""The vault-wide dialogs the window opens: add, import, export, settings, password,
the enrollment wizard and the icon packs. Each needs an unlocked vault and
returns the dialog it opened (tests drive it), or None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui.account_commands import show
from desktop_2fa.ui.intake import Pasted

if TYPE_CHECKING:
    from desktop_2fa.ui.main_window import MainWindow


class VaultDialogs(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session

    def add_account(self, found: Pasted | None = None):  # type: ignore[no-untyped-def]
        """The add dialog, filled in with a pasted or dropped link or image if given."""
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.add_dialog import AddDialog

        window = self.window
        dialog = AddDialog(
            self.session, window, grab=window.grab_screens, open_camera=window.open_camera
        )
        dialog.added.connect(window.added)
        dialog.import_requested.connect(self.open_import)
        show(dialog)
        if found is not None:
            dialog.take(found)
        return dialog

    def open_import(self, sources: list[SourceFile] | None = None):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.session, None, self.window)
        dialog.imported.connect(
            lambda n: self.window.notify(f"Imported {n} account{'s' if n != 1 else ''}.", 6)
        )
        show(dialog)
        if sources:
            dialog.add_sources(sources)
        return dialog

    def open_export(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.session, self.window)
        dialog.exported.connect(lambda text: self.window.notify(text, 15))
        return show(dialog)

    def open_settings(self) -> QDialog | None:
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.settings_dialog import SettingsDialog

        return show(SettingsDialog(self.session, self.window))

    def change_password(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.password_dialog import PasswordDialog

        dialog = PasswordDialog(self.session, self.window)
        dialog.changed.connect(lambda: self.window.notify("The vault password was changed.", 6))
        return show(dialog)

    def open_wizard(self, finish: str | None = None):  # type: ignore[no-untyped-def]
        """The enrollment wizard; with `finish`, set to finish that account's enrollment."""
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.wizard.wizard import EnrollWizard

        wizard = EnrollWizard(self.session, self.window, self.window.clipboard)
        wizard.account_added.connect(self.window.added)
        show(wizard)
        if finish is not None:
            wizard.finish(finish)
        return wizard

    def manage_icon_packs(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.icon_dialogs import IconPacksDialog

        dialog = IconPacksDialog(self.window.avatars, self.window)
        dialog.changed.connect(self.window.model.repaint_all)
        return show(dialog)
