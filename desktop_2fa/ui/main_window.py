"""The main window: the unlock page or the codes list, menus and toolbar, lock and tick.

What the window can do lives elsewhere (issue 11): every command is a row of
`actions.ACTIONS`; one account's commands are `AccountCommands`; the vault's
dialogs are `VaultDialogs`; pasted, dropped and handed-over links and images
go through `Intake`; the View menu is `ViewMenu`.

Time is read here, once per tick, at the UI edge (`services.clock`) and passed
to the model; the tick is aligned to the start of each second so countdowns
change together with the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDialog, QMainWindow, QStackedWidget, QSystemTrayIcon

from desktop_2fa.core.params import OtpKind
from desktop_2fa.core.text import shown
from desktop_2fa.iconpacks.library import IconLibrary
from desktop_2fa.ui import actions
from desktop_2fa.ui.account_commands import AccountCommands
from desktop_2fa.ui.actions import Needs
from desktop_2fa.ui.avatars import Avatars
from desktop_2fa.ui.clipboard import ClipboardGuard
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.codes_page import CodesPage
from desktop_2fa.ui.icons import app_icon
from desktop_2fa.ui.idle import IdleWatcher
from desktop_2fa.ui.intake import Intake, Pasted
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.ui.theme import ThemeKeeper
from desktop_2fa.ui.unlock_page import UnlockPage
from desktop_2fa.ui.vault_dialogs import VaultDialogs
from desktop_2fa.ui.view_menu import ViewMenu
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import Account, SortMode, VaultData

if TYPE_CHECKING:
    from desktop_2fa.app import Services

TITLE = "desktop-2fa"
# Qt appends " — <application display name>" to a title that does not end with it.
LOCKED_TITLE = f"Locked — {TITLE}"


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
        self.grab_screens = grab  # the add dialog's screen grab and camera (tests inject fakes)
        self.open_camera = open_camera
        self.setWindowIcon(app_icon())
        self.setAccessibleName("desktop-2fa")
        self.setAcceptDrops(True)
        # An explicit minimum: the layout's own would be the height its wrapped
        # sentences (the rollback bar, a notice) need at the narrowest width, and a
        # notice appearing would then grow the window past a 600x400 screen.
        self.setMinimumSize(360, 300)
        self._fit(520, 640)

        self.session = VaultSession(services, self)
        self.clipboard = ClipboardGuard(QGuiApplication.clipboard(), self)
        self.idle = IdleWatcher(services.monotonic, self)
        self.theme = ThemeKeeper(self)
        self.library = IconLibrary(services.icon_packs_folder)
        self.library.load()
        self.avatars = Avatars(self.library)
        self.unlock_page = UnlockPage(self.session)
        self.codes_page = CodesPage(self.avatars)
        self.model = self.codes_page.model
        self.proxy = self.codes_page.proxy
        self.view = self.codes_page.view
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_page)
        self.pages.addWidget(self.codes_page)
        self.setCentralWidget(self.pages)
        self._notice_action: Callable[[], object] | None = None

        self.intake = Intake(self)
        self.accounts = AccountCommands(self)
        self.dialogs = VaultDialogs(self)
        self.named_actions, self.menus = actions.build(self, self.view)
        self.view_menu = ViewMenu(self.menus["view"], self._save_settings)
        self.codes_page.window_shortcuts = actions.shortcuts(self.named_actions)

        self._tick_timer = QTimer(self)
        self._tick_timer.setSingleShot(True)
        self._tick_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick_timer.timeout.connect(self._on_tick)
        self._connect()
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            from desktop_2fa.ui.tray import Tray

            self.tray = Tray(self)
        self._show_unlock()

    def _fit(self, width: int, height: int) -> None:
        """A first size that fits the screen (600x400 included)."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height() - 40)
        self.resize(width, max(height, 300))

    def _connect(self) -> None:
        session, page, accounts = self.session, self.codes_page, self.accounts
        session.opened.connect(self._opened)
        session.changed.connect(self._changed)
        session.used.connect(self._used)
        session.locked.connect(self._locked)
        self.idle.idle.connect(self.lock)
        self.view.activated.connect(accounts.copy_index)
        self.view.code_delegate.hotp_requested.connect(accounts.next_hotp)
        self.view.move_requested.connect(accounts.move)
        self.view.selectionModel().currentChanged.connect(lambda *_: self.update_actions())
        for rows_changed in (self.proxy.layoutChanged, self.proxy.modelReset):
            rows_changed.connect(lambda *_: self.update_actions())  # a search may empty the list
        page.copy_top_requested.connect(accounts.copy_top)
        page.add_requested.connect(self.dialogs.add_account)
        page.import_requested.connect(self.dialogs.open_import)
        page.notice.action.connect(self._notice_clicked)
        page.banner.restore_requested.connect(self.dialogs.restore_newest)
        page.banner.keep_requested.connect(self.dialogs.keep_current)
        self.unlock_page.offer_restore = True
        self.unlock_page.restore_requested.connect(self.dialogs.restore_damaged)
        page.search.installEventFilter(self.intake)  # Ctrl+V there takes links and images
        self.intake.add_requested.connect(self.dialogs.add_account)
        self.intake.import_requested.connect(self.dialogs.open_import)
        self.intake.message.connect(lambda text: self.notify(text, 8))
        self.clipboard.cleared.connect(lambda: self.notify("Clipboard cleared.", 4))

    # --- notices and actions -------------------------------------------------------------
    def notify(
        self,
        text: str,
        seconds: int = 6,
        button: str = "",
        on_button: Callable[[], object] | None = None,
    ) -> None:
        """One sentence under the list (wrapped, never cut), with an optional button."""
        self._notice_action = on_button
        if self.pages.currentWidget() is self.codes_page:
            self.codes_page.notice.show_text(text, seconds, button if on_button else "")
        else:
            self.unlock_page.message.setText(text)

    def _notice_clicked(self) -> None:
        action, self._notice_action = self._notice_action, None
        self.codes_page.notice.hide()
        if action is not None:
            action()

    def update_actions(self) -> None:
        unlocked = self.session.is_open
        account = self.current_account() if unlocked else None
        if account is None and unlocked and self.proxy.rowCount():
            account = self.proxy.index(0, 0).data(CodeRole.ACCOUNT)  # what the commands take
        listed = account is not None
        custom = self.session.data.settings.sort is SortMode.CUSTOM
        state = {
            Needs.UNLOCKED: unlocked,
            Needs.ACCOUNT: listed,
            Needs.HOTP: listed and account.params.kind is OtpKind.HOTP,
            Needs.PENDING: listed and account.enrollment is not None and account.enrollment.pending,
            Needs.CUSTOM: listed and custom,
            Needs.UNDO: self.accounts.can_undo,
        }
        actions.update(self.named_actions, state)
        for name in ("edit", "view", "account"):  # nothing in them works while locked
            self.menus[name].setEnabled(unlocked)
        favourite = self.named_actions["favourite"]
        favourite.setText(
            "Remove from &favourites" if account is not None and account.favourite
            else "Add to &favourites"
        )  # fmt: skip

    # --- lock / unlock ---------------------------------------------------------------------
    def _show_unlock(self, message: str = "") -> None:
        self.unlock_page.reset(message)
        self.pages.setCurrentWidget(self.unlock_page)
        self.toolbar.setVisible(False)  # type: ignore[attr-defined]
        self.setWindowTitle(LOCKED_TITLE)
        self.update_actions()
        self.unlock_page.password.setFocus()

    def _opened(self) -> None:
        self.pages.setCurrentWidget(self.codes_page)
        self.toolbar.setVisible(True)  # type: ignore[attr-defined]
        self.setWindowTitle(TITLE)
        self._apply(self.session.data)
        self.view.scrollToTop()  # the favourites first, not where the list was left
        self.idle.start()
        self._schedule_tick()
        self.codes_page.search.setFocus()
        self.update_actions()
        self.intake.set_unlocked(True)

    def _changed(self) -> None:
        self._apply(self.session.data)
        self.update_actions()

    def _used(self) -> None:
        """A copy was counted: new counts for the rows; a new order only in a usage sort."""
        data = self.session.data
        self.model.set_accounts(data.accounts, self.services.clock())
        if data.settings.sort in (SortMode.MOST_USED, SortMode.RECENTLY_USED):
            self.proxy.refresh()

    def _apply(self, data: VaultData) -> None:
        settings = data.settings
        model, delegate = self.model, self.view.code_delegate
        looks = (settings.digit_grouping, settings.show_next_code, settings.tap_to_reveal)
        restyled = looks != (model.grouping, model.show_next_code, delegate.tap_to_reveal)
        model.grouping = delegate.grouping = settings.digit_grouping
        model.show_next_code = settings.show_next_code
        delegate.tap_to_reveal = settings.tap_to_reveal
        if delegate.density is not settings.density:
            self.view.set_density(settings.density)
        model.sort_mode = settings.sort  # set_accounts ranks the rows by it
        model.set_accounts(data.accounts, self.services.clock())
        self.proxy.refresh()
        if restyled:
            model.repaint_all()
        self.codes_page.refresh_groups()
        self.clipboard.clear_seconds = settings.clipboard_clear_seconds
        self.idle.set_minutes(settings.auto_lock_minutes)
        self.theme.set_theme(settings.theme)
        self.view_menu.show(settings)
        vault = self.session.vault
        self.codes_page.banner.show_status(vault.rollback if vault is not None else None)

    def _save_settings(self, settings: object) -> None:
        try:
            self.session.update(lambda d: edits.replace_settings(d, settings))  # type: ignore[arg-type]
        except SAVE_ERRORS as e:
            from desktop_2fa.ui import messages

            self.notify(messages.describe(e), 10)
            self.view_menu.show(self.session.data.settings)  # not saved: show what is

    def lock(self) -> None:
        """Drop the key and the codes from memory and screen (Ctrl+L, idle, tray)."""
        self.session.lock()

    def _locked(self) -> None:
        for dialog in self.findChildren(QDialog):
            # The wizard running an audit or round trip (no vault in them) stays open
            # with its vault pages emptied: the idle lock must not throw away minutes
            # of a tester's work.
            outlive = getattr(dialog, "outlive_lock", None)
            if outlive is None or not outlive():
                dialog.reject()
        self._tick_timer.stop()
        self.idle.stop()
        self.accounts.forget()
        self.clipboard.clear_if_ours()
        self.codes_page.reset()
        self.avatars.clear()
        self.intake.set_unlocked(False)
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

    # --- the current account ---------------------------------------------------------------
    def current_account(self) -> Account | None:
        return self.accounts.current()

    def select_account(self, account_id: str) -> None:
        row = self.model.row_of(account_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def added(self, account_id: str) -> None:
        """A dialog added an account: show it."""
        self.codes_page.search.clear()
        self.select_account(account_id)
        account = self.session.account(account_id)
        if account is not None:
            self.notify(f"Added {shown(account.label)}.", 5)

    def find(self) -> None:
        self.codes_page.search.setFocus()
        self.codes_page.search.selectAll()

    # --- links and images from outside -----------------------------------------------------
    def open_uri(self, uri: str) -> None:
        """`desktop-2fa otpauth://...` (the otpauth: URL handler) lands here."""
        self.intake.take(Pasted(text=uri))

    def paste(self) -> None:
        self.intake.paste()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.intake.drop_target(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        found = self.intake.drop_target(event.mimeData())
        if found is not None:
            event.acceptProposedAction()
            self.intake.take(found)

    # --- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.clipboard.clear_if_ours()
        self.session.lock()
        if self.tray is not None:
            self.tray.hide()
        event.accept()
