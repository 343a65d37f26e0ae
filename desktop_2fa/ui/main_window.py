"""The main window: unlock page or codes list, the menus, and every user flow.

Time is read here, once per tick, at the UI edge (`services.clock`) and passed
to the model; the tick is aligned to the start of each second so countdowns
change together with the wall clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import QDialog, QMainWindow, QStackedWidget, QSystemTrayIcon, QToolBar

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui import messages, prompts
from desktop_2fa.ui.clipboard import ClipboardGuard, Pasted, pasted
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.codes_page import CodesPage
from desktop_2fa.ui.icons import app_icon
from desktop_2fa.ui.idle import IdleWatcher
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.ui.unlock_page import UnlockPage
from desktop_2fa.vault import edits
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.model import Account, VaultData

if TYPE_CHECKING:
    from desktop_2fa.app import Services

TITLE = "desktop-2fa"


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        *,
        grab: Callable[[], list] | None = None,
        open_camera: Callable[[int], object] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self._grab = grab
        self._open_camera = open_camera
        self.setWindowTitle(TITLE)
        self.setWindowIcon(app_icon())
        self.setAccessibleName("desktop-2fa")
        self.setAcceptDrops(True)
        self.resize(520, 640)

        self.session = VaultSession(services, self)
        self.clipboard = ClipboardGuard(QGuiApplication.clipboard(), self)
        self.idle = IdleWatcher(services.monotonic, self)
        self.unlock_page = UnlockPage(self.session)
        self.codes_page = CodesPage()
        self.model = self.codes_page.model
        self.proxy = self.codes_page.proxy
        self.view = self.codes_page.view
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_page)
        self.pages.addWidget(self.codes_page)
        self.setCentralWidget(self.pages)
        self._deleted: tuple[Account, int] | None = None
        self._pending: Pasted | None = None

        self._tick_timer = QTimer(self)
        self._tick_timer.setSingleShot(True)
        self._tick_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick_timer.timeout.connect(self._on_tick)

        self._build_actions()
        self.session.opened.connect(self._opened)
        self.session.changed.connect(self._changed)
        self.session.locked.connect(self._locked)
        self.idle.idle.connect(self.lock)
        self.view.activated.connect(self.copy_index)
        self.view.code_delegate.hotp_requested.connect(self.next_hotp)
        self.codes_page.copy_requested.connect(self.copy_current)
        self.codes_page.undo_bar.undo.connect(self.undo_delete)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.clipboard.cleared.connect(
            lambda: self.statusBar().showMessage("Clipboard cleared.", 4000)
        )
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            from desktop_2fa.ui.tray import Tray

            self.tray = Tray(self)
        self._show_unlock()

    # --- actions ---------------------------------------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], object], shortcut: object = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.setStatusTip(action.toolTip())
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.add_action = a("&Add account…", self.add_account, QKeySequence.StandardKey.New)
        self.import_action = a("&Import…", self.open_import, "Ctrl+I")
        self.enroll_action = a("&Enroll and test a server…", self.open_wizard, "Ctrl+E")
        self.settings_action = a("&Settings…", self.open_settings)
        self.password_action = a("Change &password…", self.change_password)
        self.lock_action = a("&Lock", self.lock, "Ctrl+L")
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.copy_action = a("&Copy code", self.copy_current, QKeySequence.StandardKey.Copy)
        self.paste_action = a("&Paste link or QR image", self.paste, QKeySequence.StandardKey.Paste)
        self.find_action = a("&Find", self.find, QKeySequence.StandardKey.Find)
        self.next_action = a("&Next code (counter-based)", self.next_hotp, "Ctrl+Shift+N")
        self.edit_action = a("&Edit…", self.edit_current, "F2")
        self.favourite_action = a("&Favourite", self.toggle_favourite, "Ctrl+D")
        self.backup_action = a("&Backup codes…", self.show_backup_codes, "Ctrl+B")
        self.delete_action = a("&Delete…", self.delete_current, QKeySequence.StandardKey.Delete)
        self.undo_action = a("&Undo delete", self.undo_delete, QKeySequence.StandardKey.Undo)
        # The search box handles Ctrl+C/Ctrl+V itself when it has focus (QLineEdit
        # overrides them); our Paste also runs from there for links and images.
        self.codes_page.search.installEventFilter(self)

        bar = self.menuBar()
        vault = bar.addMenu("&Vault")
        for action in (self.add_action, self.import_action, self.enroll_action):
            vault.addAction(action)
        vault.addSeparator()
        vault.addAction(self.settings_action)
        vault.addAction(self.password_action)
        vault.addAction(self.lock_action)
        vault.addSeparator()
        vault.addAction(self.quit_action)
        account = bar.addMenu("&Account")
        for action in (
            self.copy_action,
            self.next_action,
            self.backup_action,
            self.favourite_action,
            self.edit_action,
        ):
            account.addAction(action)
        account.addSeparator()
        account.addAction(self.delete_action)
        account.addAction(self.undo_action)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.paste_action)
        edit.addAction(self.find_action)

        self.toolbar = QToolBar("Main")
        self.toolbar.setAccessibleName("Main toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.add_action, self.backup_action, self.lock_action):
            self.toolbar.addAction(action)
        for action in self.toolbar.actions():
            widget = self.toolbar.widgetForAction(action)
            if widget is not None:
                widget.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        self.toolbar.toggleViewAction().setVisible(False)
        self.addToolBar(self.toolbar)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            self.copy_action,
            self.next_action,
            self.backup_action,
            self.favourite_action,
            self.edit_action,
            self.delete_action,
        ):
            self.view.addAction(action)

    def _update_actions(self) -> None:
        unlocked = self.session.is_open
        account = self.current_account() if unlocked else None
        for action in (
            self.add_action,
            self.import_action,
            self.settings_action,
            self.password_action,
            self.lock_action,
            self.paste_action,
            self.find_action,
        ):
            action.setEnabled(unlocked)
        for action in (
            self.copy_action,
            self.edit_action,
            self.favourite_action,
            self.backup_action,
            self.delete_action,
        ):
            action.setEnabled(account is not None)
        self.next_action.setEnabled(account is not None and account.params.kind is OtpKind.HOTP)
        self.undo_action.setEnabled(unlocked and self._deleted is not None)
        if account is not None:
            self.favourite_action.setText(
                "Remove from &favourites" if account.favourite else "Add to &favourites"
            )

    # --- lock / unlock ---------------------------------------------------------------------
    def _show_unlock(self, message: str = "") -> None:
        self.unlock_page.reset(message)
        self.pages.setCurrentWidget(self.unlock_page)
        self.toolbar.setVisible(False)
        self.setWindowTitle(f"{TITLE} (locked)")
        self._update_actions()
        self.unlock_page.password.setFocus()

    def _opened(self) -> None:
        self.pages.setCurrentWidget(self.codes_page)
        self.toolbar.setVisible(True)
        self.setWindowTitle(TITLE)
        self._apply(self.session.data)
        self.idle.start()
        self._schedule_tick()
        self.codes_page.search.setFocus()
        self._update_actions()
        pending, self._pending = self._pending, None
        if pending is not None:
            self.take(pending)

    def _changed(self) -> None:
        self._apply(self.session.data)
        self._update_actions()

    def _apply(self, data: VaultData) -> None:
        self.model.show_next_code = data.settings.show_next_code
        if not self.model.set_accounts(data.accounts, self.services.clock()):
            self.proxy.refresh()  # after a reset the proxy sorts by itself
        self.codes_page.refresh_groups()
        self.clipboard.clear_seconds = data.settings.clipboard_clear_seconds
        self.idle.set_minutes(data.settings.auto_lock_minutes)

    def lock(self) -> None:
        """Drop the key and the codes from memory and screen (Ctrl+L, idle, tray)."""
        self.session.lock()

    def _locked(self) -> None:
        for dialog in self.findChildren(QDialog):
            dialog.reject()
        self._tick_timer.stop()
        self.idle.stop()
        self._deleted = None
        self.clipboard.clear_if_ours()
        self.codes_page.reset()
        self._show_unlock()

    # --- the per-second tick ---------------------------------------------------------------
    def _schedule_tick(self) -> None:
        now = self.services.clock()
        self._tick_timer.start(int((1.0 - now % 1.0) * 1000) + 2)

    def _on_tick(self) -> None:
        if not self.session.is_open:
            return
        self.tick(self.services.clock())
        self._schedule_tick()

    def tick(self, at: float) -> None:
        """Advance the codes to time `at` and repaint the visible rows."""
        self.model.tick(at)
        self.view.tick()

    # --- the current account -------------------------------------------------------------------
    def current_account(self) -> Account | None:
        account = self.view.currentIndex().data(CodeRole.ACCOUNT)
        return account if isinstance(account, Account) else None

    def select_account(self, account_id: str) -> None:
        row = self.model.row_of(account_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    # --- copy and HOTP -------------------------------------------------------------------------
    def copy_index(self, index: QModelIndex) -> None:
        account = index.data(CodeRole.ACCOUNT)
        if not isinstance(account, Account):
            return
        code = index.data(CodeRole.RAW_CODE)
        if code is None and account.params.kind is OtpKind.HOTP:
            code = self.next_hotp(account.id)
        if code is None:
            return
        self.clipboard.copy(code)
        self.idle.touch()
        seconds = self.clipboard.clear_seconds
        after = f"; the clipboard is cleared in {seconds} s" if seconds else ""
        self.statusBar().showMessage(f"Copied the code for {account.label}{after}.", 5000)

    def copy_current(self) -> None:
        if self.session.is_open:
            self.copy_index(self.view.ensure_current())

    def copy_account(self, account_id: str) -> None:
        """Copy one account's code, whatever the search shows (tray quick copy)."""
        row = self.model.row_of(account_id)
        if row >= 0:
            self.copy_index(self.model.index(row))

    def next_hotp(self, account_id: str | None = None) -> str | None:
        """Move an HOTP account on and show its code (RFC 4226 section 7.2: saved first)."""
        account = self.session.account(account_id) if account_id else self.current_account()
        if account is None or account.params.kind is not OtpKind.HOTP:
            return None
        counter = account.params.counter
        now = self.services.now()
        try:
            self.session.update(lambda d: edits.advance_counter(d, account.id, now))
        except VaultError as e:
            self.statusBar().showMessage(messages.describe(e), 8000)
            return None
        return self.model.reveal_hotp(account.id, counter)

    # --- adding --------------------------------------------------------------------------------
    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_account(self, found: Pasted | None = None):  # type: ignore[no-untyped-def]
        """Open the add dialog, optionally filled in; returns it (tests drive it)."""
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.add_dialog import AddDialog

        dialog = AddDialog(self.session, self, grab=self._grab, open_camera=self._open_camera)
        dialog.added.connect(self._added)
        dialog.import_requested.connect(self.open_import)
        self._show(dialog)
        if found is not None:
            if found.text is not None:
                dialog.set_uri(found.text)
            elif found.image is not None:
                dialog.load_image(found.image)
            elif found.path is not None:
                dialog.load_file(found.path)
        return dialog

    def _added(self, account_id: str) -> None:
        self.codes_page.search.clear()
        self.select_account(account_id)
        account = self.session.account(account_id)
        if account is not None:
            self.statusBar().showMessage(f"Added {account.label}.", 5000)

    def open_import(self, sources: list[SourceFile] | None = None):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.session, None, self)
        dialog.imported.connect(
            lambda n: self.statusBar().showMessage(
                f"Imported {n} account{'s' if n != 1 else ''}.", 5000
            )
        )
        self._show(dialog)
        if sources:
            dialog.add_sources(sources)
        return dialog

    def take(self, found: Pasted) -> None:
        """A link, image or file from paste, drop or the otpauth: URL handler."""
        if not self.session.is_open:
            self._pending = found
            self.statusBar().showMessage("Unlock the vault to add the account.", 8000)
            return
        if found.path is not None and found.path.suffix.lower() not in (
            ".png",
            ".jpg",
            ".jpeg",
            ".gif",
            ".bmp",
            ".webp",
            ".tif",
            ".tiff",
        ):
            try:
                self.open_import([SourceFile(found.path.name, found.path.read_bytes())])
            except OSError as e:
                self.statusBar().showMessage(messages.describe(e), 8000)
            return
        self.add_account(found)

    def open_uri(self, uri: str) -> None:
        """`desktop-2fa otpauth://...` (the otpauth: URL handler) lands here."""
        self.take(Pasted(text=uri))

    def paste(self) -> None:
        found = pasted(QGuiApplication.clipboard().mimeData())
        if found is None:
            self.statusBar().showMessage(
                "The clipboard holds no otpauth:// link or QR code image.", 5000
            )
            return
        self.take(found)

    def find(self) -> None:
        self.codes_page.search.setFocus()
        self.codes_page.search.selectAll()

    def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]
        # Ctrl+V in the search box: a link or QR image goes to the add dialog.
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.codes_page.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and pasted(QGuiApplication.clipboard().mimeData()) is not None
        ):
            self.paste()
            return True
        return super().eventFilter(watched, event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.session.is_open and pasted(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        found = pasted(event.mimeData())
        if found is not None:
            event.acceptProposedAction()
            self.take(found)

    # --- edit, favourite, delete, undo ------------------------------------------------------
    def edit_current(self):  # type: ignore[no-untyped-def]
        account = self.current_account()
        if account is None:
            return None
        from desktop_2fa.ui.edit_dialog import EditDialog

        return self._show(EditDialog(self.session, account, self))

    def toggle_favourite(self) -> None:
        account = self.current_account()
        if account is None:
            return
        changed = dataclasses.replace(
            account, favourite=not account.favourite, updated_at=self.services.now()
        )
        self._try(lambda: self.session.update(lambda d: edits.replace_account(d, changed)))
        self.select_account(account.id)

    def delete_current(self) -> None:
        account = self.current_account()
        if account is None:
            return
        codes = len(account.backup_codes.codes)
        extra = f" and its {codes} backup codes" if codes else ""
        if not prompts.confirm(
            self,
            "Delete account",
            f"Delete {account.label}{extra}? You can undo this for a few seconds; after that "
            "only a backup of the vault brings it back.",
            "Delete",
        ):
            return
        if not self.session.is_open:  # locked while the question was open
            return
        index = next(i for i, a in enumerate(self.session.data.accounts) if a.id == account.id)
        if self._try(lambda: self.session.update(lambda d: edits.remove_account(d, account.id))):
            self._deleted = (account, index)
            self.codes_page.undo_bar.show_for(f"Deleted {account.label}.")
            self._update_actions()

    def undo_delete(self) -> None:
        if self._deleted is None or not self.session.is_open:
            return
        account, index = self._deleted

        def restore(data: VaultData) -> VaultData:
            return edits.restore_account(data, account, index)

        if self._try(lambda: self.session.update(restore)):
            self._deleted = None
            self.codes_page.undo_bar.hide()
            self.select_account(account.id)
            self.statusBar().showMessage(f"Restored {account.label}.", 5000)
            self._update_actions()

    def _try(self, work: Callable[[], object]) -> bool:
        try:
            work()
        except VaultError as e:
            self.statusBar().showMessage(messages.describe(e), 10000)
            return False
        return True

    # --- other dialogs -------------------------------------------------------------------------
    def show_backup_codes(self, account_id: str | None = None):  # type: ignore[no-untyped-def]
        account = self.session.account(account_id) if account_id else self.current_account()
        if account is None:
            return None
        from desktop_2fa.ui.backup_dialog import BackupCodesDialog

        return self._show(BackupCodesDialog(self.session, account.id, self.clipboard, self))

    def open_settings(self):  # type: ignore[no-untyped-def]
        from desktop_2fa.ui.settings_dialog import SettingsDialog

        return self._show(SettingsDialog(self.session, self)) if self.session.is_open else None

    def change_password(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.password_dialog import PasswordDialog

        dialog = PasswordDialog(self.session, self)
        dialog.changed.connect(
            lambda: self.statusBar().showMessage("The vault password was changed.", 5000)
        )
        return self._show(dialog)

    def open_wizard(self):  # type: ignore[no-untyped-def]
        if not self.session.is_open:
            return None
        from desktop_2fa.ui.wizard.wizard import EnrollWizard

        wizard = EnrollWizard(self.session, self)
        wizard.account_added.connect(self._added)
        return self._show(wizard)

    # --- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.clipboard.clear_if_ours()
        self.session.lock()
        if self.tray is not None:
            self.tray.hide()
        event.accept()
