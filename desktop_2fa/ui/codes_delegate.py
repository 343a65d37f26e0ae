"""Paints one account row of the codes list (no widget per row, issue 6).

    ★ Issuer                                   123 456  (◔)
      account name  [group]                  next 789 012

The right-hand side is the code, grouped for reading, with a pie that empties
over the period; in the last seconds the pie turns orange and the next code
appears under the current one. Counter-based (HOTP) rows show a "Next code"
button instead of the pie; clicking it emits `hotp_requested`.

Signals:
    hotp_requested(str): account id whose HOTP button was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QRegion,
)
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_2fa.ui.codes_model import NEXT_CODE_SECONDS, CodeRole, RowPaint

AnyIndex = QModelIndex | QPersistentModelIndex

MARGIN = 10
PIE = 22
WARNING = QColor("#d9822b")
STAR = QColor("#e3a008")
HOTP_BUTTON_TEXT = "Next code"


class CodeDelegate(QStyledItemDelegate):
    """See the module docstring."""

    hotp_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.region: QRegion | None = None  # the view's current paint region (see paint)
        self._rings: dict[tuple[int, float], QPixmap] = {}
        self.set_font(parent.font() if parent is not None else QApplication.font())

    def set_font(self, base: QFont) -> None:
        """Derive (once) the fonts and sizes every paint uses."""
        self.title_font = QFont(base)
        self.title_font.setBold(True)
        self.small_font = QFont(base)
        self.small_font.setPointSizeF(max(6.0, base.pointSizeF() * 0.9))
        self.code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.code_font.setPointSizeF(base.pointSizeF() * 1.6)
        self.code_font.setBold(True)
        self.title_metrics = QFontMetrics(self.title_font)
        self.small_metrics = QFontMetrics(self.small_font)
        self.code_metrics = QFontMetrics(self.code_font)
        self.line = max(self.title_metrics.height(), self.small_metrics.height())
        self.height = max(
            2 * MARGIN + self.title_metrics.height() + 4 + self.small_metrics.height(),
            2 * MARGIN + self.code_metrics.height() + self.small_metrics.height(),
        )
        self.code_width = self.code_metrics.horizontalAdvance("0000 0000") + 8
        self.right_width = max(PIE, self.small_metrics.horizontalAdvance(HOTP_BUTTON_TEXT) + 24)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(360, self.height)

    # --- geometry ------------------------------------------------------------
    def _right_rect(self, rect: QRect) -> QRect:
        """Where the pie or the HOTP button goes."""
        width = self.right_width
        return QRect(rect.right() - MARGIN - width, rect.top(), width, rect.height())

    def button_rect(self, rect: QRect) -> QRect:
        right = self._right_rect(rect)
        h = self.small_metrics.height() + 10
        return QRect(right.left(), right.center().y() - h // 2, right.width(), h)

    # --- painting ------------------------------------------------------------
    def pie_rect(self, rect: QRect) -> QRect:
        """Where the countdown pie of a row in `rect` is drawn (the per-second repaint)."""
        area = self._right_rect(rect)
        return QRect(area.right() - PIE + 1, area.center().y() - PIE // 2, PIE, PIE)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        timing: tuple[float, int] | None = index.data(CodeRole.TIMING)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        state = option.state  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        palette = option.palette  # type: ignore[attr-defined]
        dim = palette.highlightedText().color() if selected else palette.placeholderText().color()
        warn = timing is not None and timing[0] <= NEXT_CODE_SECONDS
        painter.save()
        if timing is not None:
            if warn:
                accent = WARNING
            elif selected:  # the highlight colour would vanish on the selection
                accent = palette.highlightedText().color()
            else:
                accent = palette.highlight().color()
            self._paint_pie(painter, self.pie_rect(rect), timing[0] / timing[1], accent, dim)
            if self.region is not None:
                # Only the pie was asked for (the per-second countdown): skip the rest.
                needed = self.region.intersected(rect).boundingRect()
                if self.pie_rect(rect).contains(needed):
                    painter.restore()
                    return
        row: RowPaint | None = index.data(CodeRole.PAINT)
        if row is None:
            painter.restore()
            return
        text = palette.highlightedText().color() if selected else palette.text().color()
        self._paint_texts(painter, rect, row, text, dim)
        self._paint_code(painter, rect, row, text, dim, warn=warn and not selected)
        if timing is None:
            self._paint_button(painter, option, rect, style, widget)
        if state & QStyle.StateFlag.State_HasFocus:
            focus = QStyleOptionViewItem(option)
            focus.rect = rect.adjusted(1, 1, -1, -1)  # type: ignore[attr-defined]
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, widget)
        painter.restore()

    def _text_right(self, rect: QRect) -> int:
        return self._right_rect(rect).left() - 10 - self.code_width - 10

    def _paint_texts(
        self, painter: QPainter, rect: QRect, row: RowPaint, text: QColor, dim: QColor
    ) -> None:
        """Star and issuer on the first line; account name and group chip below."""
        left = rect.left() + MARGIN
        right = self._text_right(rect)
        top = rect.top() + MARGIN
        x = left
        if row.favourite:
            painter.setFont(self.title_font)
            painter.setPen(STAR)
            painter.drawText(QRect(x, top, 20, self.line), Qt.AlignmentFlag.AlignLeft, "★")
            x += self.title_metrics.horizontalAdvance("★ ")
        title, subtitle = (row.issuer, row.name) if row.issuer else (row.name, "")
        painter.setFont(self.title_font)
        painter.setPen(text)
        shown = self.title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, right - x)
        painter.drawText(QRect(x, top, right - x, self.line), Qt.AlignmentFlag.AlignLeft, shown)

        y = top + self.title_metrics.height() + 4
        height = self.small_metrics.height()
        painter.setFont(self.small_font)
        chip = self.small_metrics.horizontalAdvance(row.group) + 12 if row.group else 0
        room = max(0, right - left - chip - (8 if chip else 0))
        sub = self.small_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, room)
        painter.setPen(dim)
        painter.drawText(QRect(left, y, room, height), Qt.AlignmentFlag.AlignLeft, sub)
        if row.group:
            gx = left + (self.small_metrics.horizontalAdvance(sub) + 8 if sub else 0)
            chip_rect = QRect(gx, y, chip, height)
            painter.setPen(QPen(dim, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.drawRoundedRect(QRectF(chip_rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, row.group)

    def _paint_code(
        self,
        painter: QPainter,
        rect: QRect,
        row: RowPaint,
        text: QColor,
        dim: QColor,
        *,
        warn: bool,
    ) -> None:
        """The code (orange in its last seconds) and, then, the next one under it."""
        code_right = self._right_rect(rect).left() - 10
        top = rect.top() + MARGIN
        box = QRect(
            code_right - self.code_width, top - 2, self.code_width, self.code_metrics.height()
        )
        painter.setFont(self.code_font)
        painter.setPen(WARNING if warn else text)
        shown = row.code if row.code is not None else "••• •••"
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
        if row.next_code:
            painter.setFont(self.small_font)
            painter.setPen(dim)
            below = QRect(
                box.left() - 40, box.bottom() + 1, box.width() + 40, self.small_metrics.height()
            )
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, f"next {row.next_code}")

    def _ring(self, colour: QColor, ratio: float) -> QPixmap:
        """The pie's outline, drawn once per colour (antialiased ellipses are slow)."""
        key = (colour.rgba(), ratio)
        ring = self._rings.get(key)
        if ring is None:
            ring = QPixmap(int(PIE * ratio), int(PIE * ratio))
            ring.setDevicePixelRatio(ratio)
            ring.fill(Qt.GlobalColor.transparent)
            p = QPainter(ring)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(colour, 1.2))
            p.drawEllipse(QRectF(1, 1, PIE - 2, PIE - 2))
            p.end()
            self._rings[key] = ring
        return ring

    def _paint_pie(
        self, painter: QPainter, box: QRect, fraction: float, colour: QColor, track: QColor
    ) -> None:
        painter.drawPixmap(box.topLeft(), self._ring(track, painter.device().devicePixelRatioF()))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        span = int(max(0.0, min(1.0, fraction)) * 360 * 16)
        painter.drawPie(QRectF(box).adjusted(3, 3, -3, -3), 90 * 16, span)

    def _paint_button(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        rect: QRect,
        style: QStyle,
        widget: QWidget | None,
    ) -> None:
        button = QStyleOptionButton()
        button.rect = self.button_rect(rect)  # type: ignore[attr-defined]
        button.text = HOTP_BUTTON_TEXT  # type: ignore[attr-defined]
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised  # type: ignore[attr-defined]
        button.palette = option.palette  # type: ignore[attr-defined]
        button.fontMetrics = self.small_metrics  # type: ignore[attr-defined]
        painter.setFont(self.small_font)
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)

    # --- the HOTP button -----------------------------------------------------
    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: AnyIndex,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and index.data(CodeRole.SECONDS_LEFT) is None
            and self.button_rect(option.rect).contains(event.position().toPoint())  # type: ignore[attr-defined]
        ):
            self.hotp_requested.emit(index.data(CodeRole.ACCOUNT_ID))
            return True
        return super().editorEvent(event, model, option, index)
