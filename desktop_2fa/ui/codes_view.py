"""The codes list widget: a QListView with uniform rows painted by `CodeDelegate`.

A row is always visibly current while the list has focus (Tab into the list
selects the first row), so Enter copies the row one sees. In the custom sort,
rows are dragged into place; the drop is turned into `move_requested`, the
vault changes, and the list follows (the view never moves rows itself).

Signals:
    move_requested(str, object): account id, and the id it goes before (None: last).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QPaintEvent,
    QRegion,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop_2fa.ui.avatars import Avatars
from desktop_2fa.ui.codes_delegate import CodeDelegate
from desktop_2fa.ui.codes_model import ACCOUNT_MIME, NEXT_CODE_SECONDS, CodeRole
from desktop_2fa.vault.model import Density


class CodesView(QListView):
    """Shows the (filtered, sorted) codes model.

    Every row has the same height (`uniformItemSizes`), so scrolling and
    layout stay cheap with 1,000 accounts. `tick()` repaints only the rows on
    screen, which is what the per-second countdown needs.
    """

    move_requested = Signal(str, object)

    def __init__(self, avatars: Avatars, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_delegate = CodeDelegate(avatars, self)
        self.setItemDelegate(self.code_delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)  # hover highlight
        self.setSpacing(0)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragEnabled(True)  # rows are draggable only in the custom sort (model flags)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self._warn: dict[int, bool] = {}  # period -> was in its last seconds at the last tick
        self.setAccessibleName("Codes")
        self.setAccessibleDescription(
            "Your accounts and their current codes; press Enter to copy the selected code"
        )

    def set_density(self, density: Density) -> None:
        self.code_delegate.set_density(density)
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def visible_rows(self) -> range:
        """Rows (of the view's model) that are at least partly on screen."""
        model = self.model()
        count = model.rowCount() if model is not None else 0
        if count == 0:
            return range(0)
        first = self.indexAt(QPoint(1, 1)).row()
        last = self.indexAt(QPoint(1, self.viewport().height() - 2)).row()
        return range(max(first, 0), (count - 1 if last < 0 else last) + 1)

    def tick(self) -> None:
        """Repaint what the second that passed changed on screen, nothing else.

        Every visible pie moves; a row whose code just entered (or left) its
        last seconds changes colour and shows the next code, so it is repainted
        whole. New codes after a rollover come as `dataChanged` from the model.
        """
        model = self.model()
        if model is None or not self.isVisible():
            return
        region = QRegion()
        warn_now: dict[int, bool] = {}
        pie_rect = self.code_delegate.pie_rect
        for row in self.visible_rows():
            index = model.index(row, 0)
            timing = index.data(CodeRole.TIMING)
            if timing is None:
                continue
            rect = self.visualRect(index)
            warn = timing[0] <= NEXT_CODE_SECONDS
            period = timing[1]
            if self._warn.get(period, warn) != warn:
                region += rect  # colour and next code change: the whole row
            else:
                region += pie_rect(rect)
            warn_now[period] = warn
        self._warn = warn_now
        if not region.isEmpty():
            self.viewport().update(region)

    def paintEvent(self, event: QPaintEvent) -> None:
        # The delegate draws only the pie when nothing else of a row needs paint.
        self.code_delegate.region = event.region()
        try:
            super().paintEvent(event)
        finally:
            self.code_delegate.region = None

    # --- the current row -----------------------------------------------------------------
    def current_account_id(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        value = index.data(CodeRole.ACCOUNT_ID)
        return str(value) if value else None

    def select_first(self) -> QModelIndex:
        """Make the first row current (after a search) and return it."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return QModelIndex()
        index = model.index(0, 0)
        self.setCurrentIndex(index)
        return index

    def ensure_current(self) -> QModelIndex:
        """The current row, selected (the first one when none is current but rows are shown)."""
        index = self.currentIndex()
        if not index.isValid():
            return self.select_first()
        if not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)  # single selection: current and selected together
        return index

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.ensure_current()  # Tab into the list shows the row Enter would copy

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.code_delegate.set_font(self.font())
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)

    def keyboardSearch(self, search: str) -> None:
        # Typing goes to the search box instead (the window forwards it); the
        # view's own type-ahead would only match the display text's start.
        return None

    # --- drag and drop (custom sort) -----------------------------------------------------
    def _ours(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> bool:
        return event.source() is self and event.mimeData().hasFormat(ACCOUNT_MIME)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._ours(event):
            super().dragEnterEvent(event)
        else:
            event.ignore()  # links and images dropped here go to the window's intake

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._ours(event):
            super().dragMoveEvent(event)
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if not self._ours(event):
            event.ignore()
            return
        moved = bytes(event.mimeData().data(ACCOUNT_MIME).data()).decode("ascii", "replace")
        target = self.indexAt(event.position().toPoint())
        before: object = None
        model = self.model()
        if target.isValid() and model is not None:
            row = target.row()
            lower_half = event.position().y() > self.visualRect(target).center().y()
            if lower_half:
                row += 1
            if row < model.rowCount():
                before = model.index(row, 0).data(CodeRole.ACCOUNT_ID)
        # The vault changes and the list follows: Qt must not move or remove rows itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if before != moved:
            self.move_requested.emit(moved, before)
