"""What can be done to one account: copy, next HOTP code, edit, favourite, icon, move,
show its QR code or secret, finish its enrollment, delete and undo.

The account acted on is the current row, else the top match (so Ctrl+C and
Ctrl+B work straight after unlock, from the search box). Every change is one
edit function applied through the session (one writer), and a copied code
counts as one use (the "most used" and "recently used" sorts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from desktop_2fa.core.params import OtpKind
from desktop_2fa.core.text import shown
from desktop_2fa.ui import messages, prompts
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.codes_order import move_target
from desktop_2fa.ui.session import SAVE_ERRORS
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import Account, SortMode, VaultData

if TYPE_CHECKING:
    from desktop_2fa.ui.main_window import MainWindow


def fit(widget: QWidget) -> None:
    """Shrink a window to the screen's free area (a 600x400 screen included)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    # A dialog that chose no size of its own starts from what its layout asks for;
    # before it is first shown its size is Qt's 100x30, which left it at its minimum.
    resized = widget.testAttribute(Qt.WidgetAttribute.WA_Resized)
    size = widget.size() if resized else widget.sizeHint()
    widget.resize(min(size.width(), room.width()), min(size.height(), max(room.height() - 40, 200)))


def show(dialog: QDialog) -> QDialog:
    """Open a dialog window-modal that deletes itself when closed, sized to fit the screen."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fit(dialog)
    dialog.open()
    return dialog


class AccountCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self._deleted: tuple[Account, int] | None = None

    # --- which account -------------------------------------------------------------------
    def current(self) -> Account | None:
        account = self.window.view.currentIndex().data(CodeRole.ACCOUNT)
        return account if isinstance(account, Account) else None

    def target(self) -> Account | None:
        """The current row's account, else the top match's (made current)."""
        if not self.session.is_open:
            return None
        index = self.window.view.ensure_current()
        account = index.data(CodeRole.ACCOUNT)
        return account if isinstance(account, Account) else None

    def _try(self, work: Callable[[], object]) -> bool:
        try:
            work()
        except SAVE_ERRORS as e:
            self.window.notify(messages.describe(e), 10)
            return False
        return True

    # --- copy and HOTP ---------------------------------------------------------------------
    def copy_index(self, index: QModelIndex) -> None:
        account = index.data(CodeRole.ACCOUNT)
        if not isinstance(account, Account):
            return
        code = index.data(CodeRole.RAW_CODE)
        if code is None and account.params.kind is OtpKind.HOTP:
            code = self.next_hotp(account.id)
        if code is None:
            return
        self.window.clipboard.copy(code)
        self.window.idle.touch()
        seconds = self.window.clipboard.clear_seconds
        after = f"; the clipboard is cleared in {seconds} s" if seconds else ""
        self.window.notify(f"Copied the code for {shown(account.label)}{after}.", 5)
        self.session.record_use(account.id)

    def copy_current(self) -> None:
        if self.target() is not None:
            self.copy_index(self.window.view.currentIndex())

    def copy_top(self) -> None:
        """Enter in the search box: the top match, whatever row was current before."""
        if self.session.is_open and self.window.proxy.rowCount():
            self.copy_index(self.window.view.select_first())

    def copy_account(self, account_id: str) -> None:
        """Copy one account's code, whatever the search shows (tray quick copy)."""
        model = self.window.model
        row = model.row_of(account_id)
        if row >= 0:
            self.copy_index(model.index(row))

    def next_hotp(self, account_id: str | None = None) -> str | None:
        """Move an HOTP account on and show its code (RFC 4226 section 7.2: saved first)."""
        account = self.session.account(account_id) if account_id else self.target()
        if account is None or account.params.kind is not OtpKind.HOTP:
            return None
        counter = account.params.counter
        now = self.session.services.now()
        try:
            vault = self.session.vault
            if vault is not None:  # an older copy of the vault: held until the user chose
                vault.check_hotp_allowed()
            self.session.update(lambda d: edits.advance_counter(d, account.id, now))
        except SAVE_ERRORS as e:
            self.window.notify(messages.describe(e), 10)
            return None
        return self.window.model.reveal_hotp(account.id, counter)

    # --- edit, favourite, icon, order ------------------------------------------------------
    def edit_current(self) -> QDialog | None:
        account = self.target()
        if account is None:
            return None
        from desktop_2fa.ui.edit_dialog import EditDialog

        return show(EditDialog(self.session, account, self.window))

    def toggle_favourite(self) -> None:
        account = self.target()
        if account is None:
            return
        favourite, now = not account.favourite, self.session.services.now()

        def edit(data: VaultData) -> VaultData:
            # The latest account, not the row's copy: a use counted meanwhile stays.
            latest = edits.get_account(data, account.id)
            changed = dataclasses.replace(latest, favourite=favourite, updated_at=now)
            return edits.replace_account(data, changed)

        self._try(lambda: self.session.update(edit))
        self.window.select_account(account.id)

    def choose_icon(self) -> QDialog | None:
        account = self.target()
        if account is None:
            return None
        from desktop_2fa.ui.icon_dialogs import IconDialog

        return show(IconDialog(self.session, self.window.avatars, account.id, self.window))

    def move(self, account_id: str, before_id: str | None) -> None:
        """Drag and drop in the custom sort: put the account in front of another."""
        if self.session.data.settings.sort is not SortMode.CUSTOM:
            return

        def edit(data: VaultData) -> VaultData:
            before = move_target(data.accounts, account_id, before_id)
            return edits.move_account(data, account_id, before)

        if self._try(lambda: self.session.update(edit)):
            self.window.select_account(account_id)

    def _step(self, delta: int) -> None:
        account = self.target()
        proxy = self.window.proxy
        row = self.window.view.currentIndex().row()
        if account is None or not 0 <= row + delta < proxy.rowCount():
            return
        # Moving down past the next row means going in front of the one after it.
        target_row = row + delta if delta < 0 else row + 2
        before = (
            proxy.index(target_row, 0).data(CodeRole.ACCOUNT_ID)
            if target_row < proxy.rowCount()
            else None
        )
        self.move(account.id, before)

    def move_up(self) -> None:
        self._step(-1)

    def move_down(self) -> None:
        self._step(+1)

    # --- show the secret -------------------------------------------------------------------
    def _reveal(self, what: str) -> QDialog | None:
        account = self.target()
        if account is None:
            return None
        from desktop_2fa.ui.reveal_dialog import RevealDialog

        dialog = RevealDialog(self.session, account.id, what, self.window.clipboard, self.window)
        return show(dialog)

    def show_qr(self) -> QDialog | None:
        """The account's QR code, to move it to a phone (behind the vault password)."""
        return self._reveal("qr")

    def show_secret(self) -> QDialog | None:
        return self._reveal("secret")

    def show_backup_codes(self, account_id: str | None = None) -> QDialog | None:
        account = self.session.account(account_id) if account_id else self.target()
        if account is None:
            return None
        from desktop_2fa.ui.backup_dialog import BackupCodesDialog

        window = self.window
        return show(BackupCodesDialog(self.session, account.id, window.clipboard, window))

    def finish_enrollment(self) -> QDialog | None:
        account = self.target()
        if account is None or account.enrollment is None or not account.enrollment.pending:
            return None
        return self.window.dialogs.open_wizard(finish=account.id)

    # --- delete and undo -------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return self._deleted is not None and self.session.is_open

    def forget(self) -> None:
        """On lock: nothing to undo any more."""
        self._deleted = None

    def delete_current(self) -> None:
        account = self.target()
        if account is None:
            return
        codes = len(account.backup_codes.codes)
        extra = f" and its {codes} backup codes" if codes else ""
        if not prompts.confirm(
            self.window,
            "Delete account",
            f"Delete {shown(account.label)}{extra}? You can undo this for a few seconds; after "
            "that only a backup of the vault brings it back.",
            "Delete",
        ):
            return
        if not self.session.is_open:  # locked while the question was open
            return
        index = next(i for i, a in enumerate(self.session.data.accounts) if a.id == account.id)
        if self._try(lambda: self.session.update(lambda d: edits.remove_account(d, account.id))):
            self._deleted = (account, index)
            self.window.notify(f"Deleted {shown(account.label)}.", 15, "&Undo", self.undo_delete)
            self.window.update_actions()

    def undo_delete(self) -> None:
        if self._deleted is None or not self.session.is_open:
            return
        account, index = self._deleted

        def restore(data: VaultData) -> VaultData:
            return edits.restore_account(data, account, index)

        if self._try(lambda: self.session.update(restore)):
            self._deleted = None
            self.window.select_account(account.id)
            self.window.notify(f"Restored {shown(account.label)}.", 5)
            self.window.update_actions()
