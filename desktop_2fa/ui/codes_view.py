"""The codes list widget: a QListView with uniform rows painted by `CodeDelegate`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QPaintEvent, QRegion
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop_2fa.ui.codes_delegate import CodeDelegate
from desktop_2fa.ui.codes_model import NEXT_CODE_SECONDS, CodeRole


class CodesView(QListView):
    """Shows the (filtered, sorted) codes model.

    Every row has the same height (`uniformItemSizes`), so scrolling and
    layout stay cheap with 1,000 accounts. `tick()` repaints only the rows on
    screen, which is what the per-second countdown needs.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_delegate = CodeDelegate(self)
        self.setItemDelegate(self.code_delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)  # hover highlight
        self.setSpacing(0)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._warn: dict[int, bool] = {}  # period -> was in its last seconds at the last tick
        self.setAccessibleName("Codes")
        self.setAccessibleDescription(
            "Your accounts and their current codes; press Enter to copy the selected code"
        )

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
        """The current row, or the first one when none is current but rows are shown."""
        index = self.currentIndex()
        if index.isValid():
            return index
        return self.select_first()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.code_delegate.set_font(self.font())
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)

    def keyboardSearch(self, search: str) -> None:
        # Typing goes to the search box instead (the window forwards it); the
        # view's own type-ahead would only match the display text's start.
        return None
