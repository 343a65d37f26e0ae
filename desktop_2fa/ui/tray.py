"""The system tray icon: show/hide, quick copy of a code, lock, quit.

Only created when the desktop has a tray (`QSystemTrayIcon.isSystemTrayAvailable`).
The quick-copy menu is built when it opens, in the codes list's order (the
chosen sort, favourites first, whatever is searched), so it never shows a
stale code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_2fa.core.text import shown
from desktop_2fa.ui.icons import app_icon

if TYPE_CHECKING:
    from desktop_2fa.ui.main_window import MainWindow

QUICK_COPY_LIMIT = 15


class Tray(QSystemTrayIcon):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(app_icon(), window)
        self.window = window
        self.setToolTip("desktop-2fa")
        self.menu = QMenu()
        self.menu.setAccessibleName("desktop-2fa tray menu")
        self.show_action = self.menu.addAction("&Show desktop-2fa", self.toggle_window)
        self.quick = self.menu.addMenu("&Copy a code")
        self.quick.setAccessibleName("Copy a code")
        self.quick.aboutToShow.connect(self._fill_quick)
        self.menu.addSeparator()
        self.menu.addAction("&Lock", window.lock)
        self.menu.addAction("&Quit", window.close)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        self.show()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def toggle_window(self) -> None:
        window = self.window
        if window.isVisible() and window.isActiveWindow():
            window.hide()
        else:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    def _fill_quick(self) -> None:
        self.quick.clear()
        if not self.window.session.is_open:
            self.quick.addAction("Unlock first").setEnabled(False)
            return
        accounts = self.window.model.ordered_accounts()[:QUICK_COPY_LIMIT]
        for account in accounts:
            text = shown(account.label).replace("&", "&&")  # a menu text, not a mnemonic
            self.quick.addAction(text, lambda a=account.id: self.window.accounts.copy_account(a))
        if not accounts:
            self.quick.addAction("No accounts").setEnabled(False)
