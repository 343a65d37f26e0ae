"""The vault-wide dialogs the window opens: add, import, export, settings, password,
the enrollment wizard, the icon packs and restore. Each returns the dialog it
opened (tests drive it), or None; all but the damaged vault's restore need an
unlocked vault. Also the rollback bar's two answers ("Restore newest", "Keep
this one"), which need no dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui import messages
from desktop_2fa.ui.account_commands import show
from desktop_2fa.ui.intake import Pasted
from desktop_2fa.vault.errors import VaultError

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

    # --- kept versions and rollback (issue 9 item 3, issue 11 item 3) -------------------------
    def open_restore(self) -> QDialog | None:
        """Vault ▸ Restore from a kept version…"""
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.session, self.window)
        dialog.restored.connect(lambda text: self.window.notify(text, 12))
        return show(dialog)

    def restore_damaged(self) -> QDialog | None:
        """The damaged-vault page's "Restore from a kept version…"."""
        if self.session.is_open:
            return None
        from desktop_2fa.ui.restore_dialog import DamagedRestoreDialog

        dialog = DamagedRestoreDialog(self.session, self.window)
        dialog.restored.connect(lambda text: self.window.notify(text, 12))
        return show(dialog)

    def restore_newest(self) -> None:
        """The rollback bar's "Restore newest"."""
        from desktop_2fa.ui.restore_dialog import restored_text

        vault = self.session.vault
        newest = vault.rollback.newest_kept if vault and vault.rollback else None
        if newest is None:
            return
        try:
            self.session.restore(newest)
        except (VaultError, OSError) as e:  # the version went away; the disk is full
            self.window.notify(messages.describe(e), 12)
            return
        self.window.notify(restored_text(newest), 12)

    def keep_current(self) -> None:
        """The rollback bar's "Keep this one"."""
        try:
            self.session.keep_current()
        except (VaultError, OSError) as e:
            self.window.notify(messages.describe(e), 12)
            return
        self.window.notify("Kept this vault as the right one; counter-based codes are given again.")

    def manage_icon_packs(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.icon_dialogs import IconPacksDialog

        dialog = IconPacksDialog(self.window.avatars, self.window)
        dialog.changed.connect(self.window.model.repaint_all)
        return show(dialog)
