"""Paints one account row of the codes list (no widget per row, issue 6).

    [icon] ★ Issuer                               123 456  (◔)
           account name  [group] [not finished]  next 789 012

The right-hand side is the code, grouped for reading, with a pie that empties
over the period; in the last seconds the pie turns orange and the next code
appears under the current one. Counter-based (HOTP) rows show a "Next code"
button instead of the pie; clicking it emits `hotp_requested`. Three densities
(normal, compact, small: one line) and tap-to-reveal (the code shows on the
selected row only) follow the vault's view settings.

Signals:
    hotp_requested(str): account id whose HOTP button was clicked.
"""

from __future__ import annotations

from dataclasses import dataclass

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

from desktop_2fa.ui.avatars import Avatars
from desktop_2fa.ui.codes_model import NEXT_CODE_SECONDS, CodeRole, RowPaint
from desktop_2fa.ui.codes_order import hidden_code
from desktop_2fa.vault.model import Density, DigitGrouping

AnyIndex = QModelIndex | QPersistentModelIndex

PIE = 22
WARNING = QColor("#d9822b")
STAR = QColor("#e3a008")
HOTP_BUTTON_TEXT = "Next code"
PENDING_TEXT = "not finished"


@dataclass(frozen=True, slots=True)
class RowStyle:
    margin: int
    icon: int
    two_lines: bool
    code_scale: float


STYLES = {
    Density.NORMAL: RowStyle(margin=10, icon=32, two_lines=True, code_scale=1.6),
    Density.COMPACT: RowStyle(margin=5, icon=24, two_lines=True, code_scale=1.35),
    Density.SMALL: RowStyle(margin=3, icon=18, two_lines=False, code_scale=1.15),
}


class CodeDelegate(QStyledItemDelegate):
    """See the module docstring."""

    hotp_requested = Signal(str)

    def __init__(self, avatars: Avatars, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.avatars = avatars
        self.region: QRegion | None = None  # the view's current paint region (see paint)
        self.tap_to_reveal = False
        self.grouping = DigitGrouping.HALVES
        self.density = Density.NORMAL
        self.row_style = STYLES[self.density]
        self._rings: dict[tuple[int, float], QPixmap] = {}
        self._base = parent.font() if parent is not None else QApplication.font()
        self.set_font(self._base)

    def set_density(self, density: Density) -> None:
        self.density = density
        self.row_style = STYLES[density]
        self.set_font(self._base)

    def set_font(self, base: QFont) -> None:
        """Derive (once) the fonts and sizes every paint uses."""
        self._base = QFont(base)
        self.title_font = QFont(base)
        self.title_font.setBold(True)
        self.small_font = QFont(base)
        self.small_font.setPointSizeF(max(6.0, base.pointSizeF() * 0.9))
        self.code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.code_font.setPointSizeF(base.pointSizeF() * self.row_style.code_scale)
        self.code_font.setBold(True)
        self.title_metrics = QFontMetrics(self.title_font)
        self.small_metrics = QFontMetrics(self.small_font)
        self.code_metrics = QFontMetrics(self.code_font)
        self.line = max(self.title_metrics.height(), self.small_metrics.height())
        margin, two = self.row_style.margin, self.row_style.two_lines
        texts = self.title_metrics.height() + 4 + self.small_metrics.height() if two else self.line
        codes = self.code_metrics.height() + (self.small_metrics.height() if two else 0)
        self.height = 2 * margin + max(texts, codes, self.row_style.icon)
        self.code_width = self.code_metrics.horizontalAdvance("0000 0000") + 8
        self.right_width = max(PIE, self.small_metrics.horizontalAdvance(HOTP_BUTTON_TEXT) + 24)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(360, self.height)

    # --- geometry ------------------------------------------------------------
    def _right_rect(self, rect: QRect) -> QRect:
        """Where the pie or the HOTP button goes."""
        width = self.right_width
        return QRect(rect.right() - self.row_style.margin - width, rect.top(), width, rect.height())

    def button_rect(self, rect: QRect) -> QRect:
        right = self._right_rect(rect)
        h = min(self.small_metrics.height() + 10, rect.height() - 2)
        return QRect(right.left(), right.center().y() - h // 2, right.width(), h)

    def pie_rect(self, rect: QRect) -> QRect:
        """Where the countdown pie of a row in `rect` is drawn (the per-second repaint)."""
        area = self._right_rect(rect)
        return QRect(area.right() - PIE + 1, area.center().y() - PIE // 2, PIE, PIE)

    def icon_rect(self, rect: QRect) -> QRect:
        size = self.row_style.icon
        return QRect(
            rect.left() + self.row_style.margin, rect.center().y() - size // 2 + 1, size, size
        )

    # --- painting ------------------------------------------------------------
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
        ratio = painter.device().devicePixelRatioF()
        icon = self.avatars.pixmap(row.account, self.row_style.icon, ratio)
        painter.drawPixmap(self.icon_rect(rect).topLeft(), icon)
        text = palette.highlightedText().color() if selected else palette.text().color()
        self._paint_texts(painter, rect, row, text, dim, selected=selected)
        shown = selected or not self.tap_to_reveal
        self._paint_code(painter, rect, row, text, dim, warn=warn and not selected, shown=shown)
        if timing is None:
            self._paint_button(painter, option, rect, style, widget)
        if state & QStyle.StateFlag.State_HasFocus:
            focus = QStyleOptionViewItem(option)
            focus.rect = rect.adjusted(1, 1, -1, -1)  # type: ignore[attr-defined]
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, widget)
        painter.restore()

    def _text_right(self, rect: QRect) -> int:
        return self._right_rect(rect).left() - 10 - self.code_width - 10

    def _chip(self, painter: QPainter, x: int, y: int, text: str, colour: QColor) -> int:
        """A rounded label (group, "not finished"); returns its width."""
        width = self.small_metrics.horizontalAdvance(text) + 12
        chip = QRect(x, y, width, self.small_metrics.height())
        painter.setFont(self.small_font)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.drawRoundedRect(QRectF(chip).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        return width

    def _paint_texts(
        self,
        painter: QPainter,
        rect: QRect,
        row: RowPaint,
        text: QColor,
        dim: QColor,
        *,
        selected: bool,
    ) -> None:
        """Star and issuer; account name and chips below (or after, on one line)."""
        account = row.account
        left = self.icon_rect(rect).right() + 11
        right = self._text_right(rect)
        if self.row_style.two_lines:
            top = rect.top() + self.row_style.margin
        else:
            top = rect.center().y() - self.line // 2
        x = left
        if account.favourite:
            painter.setFont(self.title_font)
            painter.setPen(STAR)
            painter.drawText(QRect(x, top, 20, self.line), Qt.AlignmentFlag.AlignLeft, "★")
            x += self.title_metrics.horizontalAdvance("★ ")
        title, subtitle = (row.issuer, row.name) if row.issuer else (row.name, "")
        chips = [(row.group, dim)] if row.group else []
        if account.enrollment is not None and account.enrollment.pending:
            chips.append((PENDING_TEXT, dim if selected else WARNING))  # legible on the highlight
        chips_width = sum(self.small_metrics.horizontalAdvance(c) + 20 for c, _ in chips)
        painter.setFont(self.title_font)
        painter.setPen(text)
        room = right - x if self.row_style.two_lines else max(0, (right - x - chips_width) // 2)
        shown = self.title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(x, top, room, self.line), Qt.AlignmentFlag.AlignLeft, shown)
        if self.row_style.two_lines:
            y = top + self.title_metrics.height() + 4
            x = left
        else:
            y = top + (self.line - self.small_metrics.height()) // 2
            x += self.title_metrics.horizontalAdvance(shown) + 8
        height = self.small_metrics.height()
        painter.setFont(self.small_font)
        room = max(0, right - x - chips_width)
        sub = self.small_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, room)
        painter.setPen(dim)
        painter.drawText(QRect(x, y, room, height), Qt.AlignmentFlag.AlignLeft, sub)
        x += self.small_metrics.horizontalAdvance(sub) + 8 if sub else 0
        for chip, colour in chips:
            if x + self.small_metrics.horizontalAdvance(chip) + 12 > right:
                break
            x += self._chip(painter, x, y, chip, colour) + 8

    def _paint_code(
        self,
        painter: QPainter,
        rect: QRect,
        row: RowPaint,
        text: QColor,
        dim: QColor,
        *,
        warn: bool,
        shown: bool,
    ) -> None:
        """The code (orange in its last seconds) and, then, the next one under it."""
        code_right = self._right_rect(rect).left() - 10
        height = self.code_metrics.height()
        if self.row_style.two_lines:
            top = rect.top() + self.row_style.margin - 2
        else:
            top = rect.center().y() - height // 2
        box = QRect(code_right - self.code_width, top, self.code_width, height)
        params = row.account.params
        painter.setFont(self.code_font)
        painter.setPen(WARNING if warn else text)
        code = row.code if shown else None
        if code is None:
            code = hidden_code(params.digits, params.kind, self.grouping)
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, code)
        if row.next_code and shown and self.row_style.two_lines:
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
