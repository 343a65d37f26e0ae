"""The codes list as a Qt model: one row per account, codes computed lazily.

Performance with 1,000 accounts (issue 6): the once-a-second `tick(at)` costs
O(number of distinct periods) unless a period rolls over. Rows are kept in
blocks of equal period (the proxy model sorts them for display), so a rollover
is one `dataChanged` per period block, and codes are only computed when a view
asks for a row (`data`), i.e. for the rows on screen. The countdown changes
every second for every row; it is not signalled per row: the view repaints its
visible rows (see `CodesView.tick`).

The order shown is the chosen sort's (`codes_order`): `ranks[row]` is each
row's place, kept in step with the rows for the proxy's `lessThan`.

The time is always passed in (`set_accounts(..., at)`, `tick(at)`); nothing
here reads the clock.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from enum import IntEnum
from typing import NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from desktop_2fa.core.otp import generate, hotp
from desktop_2fa.core.params import OtpKind
from desktop_2fa.core.text import shown
from desktop_2fa.ui import codes_order
from desktop_2fa.vault.model import Account, DigitGrouping, SortMode

# Show the next code during the last seconds of a period, so a code typed
# slowly is not refused (issue 6: "the next code when it is about to change").
NEXT_CODE_SECONDS = 5

_HOTP_BLOCK = 10**9  # HOTP rows sort after every TOTP period block
BULK = 50  # more new accounts than this at once: reset instead of row-by-row inserts
ACCOUNT_MIME = "application/x-desktop-2fa-account"  # a drag within the list: the id only

AnyIndex = QModelIndex | QPersistentModelIndex


class CodeRole(IntEnum):
    ACCOUNT = Qt.ItemDataRole.UserRole + 1  # the vault.model.Account
    ACCOUNT_ID = Qt.ItemDataRole.UserRole + 2
    ISSUER = Qt.ItemDataRole.UserRole + 3
    CODE = Qt.ItemDataRole.UserRole + 8  # "123 456", or None (HOTP not yet revealed)
    RAW_CODE = Qt.ItemDataRole.UserRole + 9  # "123456", what is copied
    NEXT_CODE = Qt.ItemDataRole.UserRole + 10  # "789 012" in the last seconds, else None
    SECONDS_LEFT = Qt.ItemDataRole.UserRole + 11  # float, None for HOTP
    PAINT = Qt.ItemDataRole.UserRole + 14  # RowPaint: all the delegate draws, in one call
    TIMING = Qt.ItemDataRole.UserRole + 15  # (seconds left, period), None for HOTP
    PENDING = Qt.ItemDataRole.UserRole + 16  # an enrollment the server never turned on


CODE_ROLES = [CodeRole.CODE, CodeRole.RAW_CODE, CodeRole.NEXT_CODE, CodeRole.PAINT]


class RowPaint(NamedTuple):
    """What the delegate draws for a row, fetched with one `data()` call (the
    per-second repaint would otherwise cross the proxy a dozen times a row)."""

    account: Account  # for the icon, the star, the pending chip and the digits
    issuer: str  # the names escaped (core/text.py, issue 9): they came from outside
    name: str
    group: str
    code: str | None  # grouped; None: an HOTP code not revealed yet
    next_code: str | None  # grouped, only in the last seconds
    seconds_left: float | None  # None for HOTP
    period: int | None


def _block(account: Account) -> int:
    params = account.params
    return params.period if params.is_time_based else _HOTP_BLOCK


def _pending(account: Account) -> bool:
    return account.enrollment is not None and account.enrollment.pending


class _Row:
    __slots__ = ("account", "block", "code", "next_code")

    def __init__(self, account: Account) -> None:
        self.account = account
        self.block = _block(account)
        self.code: str | None = None  # raw code for the current step (or revealed HOTP)
        self.next_code: str | None = None


class CodesModel(QAbstractListModel):
    """One row per account; see the module docstring for what is computed when."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._now = 0.0
        self._steps: dict[int, int] = {}  # period -> time step the cached codes belong to
        self._blocks: dict[int, tuple[int, int]] = {}  # period -> [first, last] row
        self._vault_order: list[Account] = []
        self.ranks: list[int] = []  # by row, kept in step for the proxy's lessThan
        self.sort_mode = SortMode.ISSUER
        self.grouping = DigitGrouping.HALVES
        self.show_next_code = True

    # --- Qt model interface --------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        custom = self.sort_mode is SortMode.CUSTOM
        if not index.isValid():  # the drop goes between rows (Qt asks the root)
            return Qt.ItemFlag.ItemIsDropEnabled if custom else Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if custom:  # drag and drop orders the custom sort only
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [ACCOUNT_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged account's id and nothing else (never a label or a code)."""
        mime = QMimeData()
        if indexes and indexes[0].isValid():
            mime.setData(ACCOUNT_MIME, self._rows[indexes[0].row()].account.id.encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction  # Qt's default (copy) would refuse every drag

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(r): r.name.lower().encode() for r in CodeRole})
        return names

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        account = row.account
        if role == CodeRole.TIMING:
            params = account.params
            if not params.is_time_based:
                return None
            return (self._seconds_left(row), params.period)
        if role == CodeRole.PAINT:
            return self._paint(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(account.label)
        if role == CodeRole.ACCOUNT:
            return account
        if role == CodeRole.ACCOUNT_ID:
            return account.id
        if role == CodeRole.ISSUER:
            return account.issuer
        if role == CodeRole.PENDING:
            return _pending(account)
        if role == CodeRole.SECONDS_LEFT:
            return self._seconds_left(row)
        if role == CodeRole.RAW_CODE:
            return self._code(row)
        if role == CodeRole.CODE:
            return self._grouped(self._code(row))
        if role == CodeRole.NEXT_CODE:
            return self._grouped(self._next_code(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(account)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._spoken(row)
        return None

    # --- codes ---------------------------------------------------------------
    def _paint(self, row: _Row) -> RowPaint:
        account = row.account
        return RowPaint(
            account,
            shown(account.issuer),
            shown(account.name),
            shown(account.group),
            self._grouped(self._code(row)),
            self._grouped(self._next_code(row)),
            self._seconds_left(row),
            account.params.period if account.params.is_time_based else None,
        )

    def _grouped(self, code: str | None) -> str | None:
        return None if code is None else codes_order.group_code(code, self.grouping)

    def _code(self, row: _Row) -> str | None:
        params = row.account.params
        if row.code is None and params.is_time_based:
            row.code = generate(params, self._now).value
        return row.code

    def _seconds_left(self, row: _Row) -> float | None:
        params = row.account.params
        if not params.is_time_based:
            return None
        period = params.period
        return (math.floor(self._now / period) + 1) * period - self._now

    def _next_code(self, row: _Row) -> str | None:
        if not self.show_next_code:
            return None
        left = self._seconds_left(row)
        if left is None or left > NEXT_CODE_SECONDS:
            return None
        if row.next_code is None:
            params = row.account.params
            row.next_code = generate(params, self._now + left).value
        return row.next_code

    @staticmethod
    def _tooltip(account: Account) -> str:
        lines = [shown(account.label)]
        if _pending(account):
            assert account.enrollment is not None
            lines.append(
                f"Enrollment not finished: {shown(account.enrollment.server)} never turned "
                "two-factor sign-in on. Finish it (Account menu) or delete the account."
            )
        lines.append("Double-click or press Enter to copy the code")
        return "\n".join(lines)

    def _spoken(self, row: _Row) -> str:
        account = row.account
        code = self._code(row)
        parts = [shown(account.issuer or account.name)]
        if account.issuer and account.name:
            parts.append(shown(account.name))
        if _pending(account):
            parts.append("enrollment not finished")
        if code is None:
            parts.append("counter-based; press the next code button for a code")
        else:
            parts.append(f"code {' '.join(code)}")
        left = self._seconds_left(row)
        if left is not None:
            parts.append(f"{math.ceil(left)} seconds left")
        return ", ".join(parts)

    @property
    def now(self) -> float:
        """The time of the last `set_accounts`/`tick`."""
        return self._now

    def tick(self, at: float) -> int:
        """Move to time `at`; returns how many rows got a new code.

        Rows whose period rolled over lose their cached code (recomputed when
        a view asks) and are announced with one `dataChanged` per period block.
        """
        self._now = at
        changed = 0
        for period, (first, last) in self._blocks.items():
            if period == _HOTP_BLOCK:
                continue
            step = math.floor(at / period)
            if self._steps.get(period) == step:
                continue
            self._steps[period] = step
            for row in self._rows[first : last + 1]:
                row.code = None
                row.next_code = None
            changed += last - first + 1
            self.dataChanged.emit(self.index(first), self.index(last), CODE_ROLES)
        return changed

    def reveal_hotp(self, account_id: str, counter: int) -> str | None:
        """Show the HOTP code for `counter` on the account's row; returns it (raw)."""
        row_index = self.row_of(account_id)
        if row_index < 0:
            return None
        row = self._rows[row_index]
        if row.account.params.kind is not OtpKind.HOTP:
            return None
        row.code = hotp(row.account.params, counter)
        index = self.index(row_index)
        self.dataChanged.emit(index, index, CODE_ROLES)
        return row.code

    def repaint_all(self) -> None:
        """Announce that every row looks different (grouping, density, icons changed)."""
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [])

    # --- contents ------------------------------------------------------------
    def account_at(self, row: int) -> Account:
        return self._rows[row].account

    def row_of(self, account_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row.account.id == account_id:
                return i
        return -1

    def accounts(self) -> list[Account]:
        """The accounts in the vault's own order."""
        return list(self._vault_order)

    def ordered_accounts(self) -> list[Account]:
        """The accounts in the list's order, whatever is filtered (the tray's quick copy)."""
        return codes_order.ordered(self._vault_order, self.sort_mode)

    def groups(self) -> list[str]:
        return sorted({r.account.group for r in self._rows if r.account.group}, key=str.casefold)

    def clear(self) -> None:
        """Forget every account and code (on lock)."""
        self.beginResetModel()
        self._rows = []
        self._blocks = {}
        self._steps = {}
        self._vault_order = []
        self.ranks.clear()
        self.endResetModel()

    def set_sort(self, mode: SortMode) -> None:
        """Order by `mode` from now on; the proxy re-sorts on its `refresh()`."""
        self.sort_mode = mode
        self._rerank()

    def set_accounts(self, accounts: Sequence[Account], at: float) -> bool:
        """Show `accounts` (in the vault's order), keeping rows of accounts that stay.

        Removed accounts' rows are removed, changed ones announced, new ones
        inserted into their period block. The first load and bulk additions
        (an import) reset the model instead. Returns True after a reset.
        """
        self._now = at
        self._vault_order = list(accounts)
        known = {row.account.id for row in self._rows}
        if not self._rows or sum(1 for a in accounts if a.id not in known) > BULK:
            self.beginResetModel()
            self._rows = sorted((_Row(a) for a in accounts), key=lambda r: r.block)
            self._steps = {}
            self._reindex()
            self.endResetModel()
            return True
        wanted = {a.id: a for a in accounts}
        # 1. rows whose account is gone, or whose OTP parameters changed block
        for i in range(len(self._rows) - 1, -1, -1):
            row = self._rows[i]
            new = wanted.get(row.account.id)
            if new is None or _block(new) != row.block:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                del self.ranks[i]
                self.endRemoveRows()
        # 2. rows that stay: replace the account, keep cached codes if params match
        present = set()
        for i, row in enumerate(self._rows):
            new = wanted[row.account.id]
            present.add(new.id)
            if new is row.account or new == row.account:
                continue
            if new.params != row.account.params and new.params.is_time_based:
                row.code = row.next_code = None
            row.account = new
            self.dataChanged.emit(self.index(i), self.index(i), [])
        # 3. new accounts, each at the end of its block (ranked for real below)
        for account in accounts:
            if account.id in present:
                continue
            row = _Row(account)
            position = bisect.bisect_right([r.block for r in self._rows], row.block)
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.insert(position, row)
            self.ranks.insert(position, len(self._rows))
            self.endInsertRows()
        self._reindex()
        self.tick(at)
        return False

    def _rerank(self) -> None:
        by_id = codes_order.ranks(self._vault_order, self.sort_mode)
        # In place: the proxy holds this list.
        self.ranks[:] = [by_id[row.account.id] for row in self._rows]

    def _reindex(self) -> None:
        self._rerank()
        blocks: dict[int, tuple[int, int]] = {}
        for i, row in enumerate(self._rows):
            first = blocks.get(row.block, (i, i))[0]
            blocks[row.block] = (first, i)
        self._blocks = blocks
        self._steps = {p: s for p, s in self._steps.items() if p in blocks}
        for period in blocks:
            if period != _HOTP_BLOCK and period not in self._steps:
                self._steps[period] = math.floor(self._now / period)
