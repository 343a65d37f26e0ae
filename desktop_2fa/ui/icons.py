"""The application icon: `resources/desktop-2fa.svg`, or a drawn stand-in when not installed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICON_FILE = RESOURCES / "desktop-2fa.svg"


def _drawn(size: int = 128) -> QPixmap:
    """The same shield-and-clock as the SVG, painted (for installs without resources/)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 128, size / 128)
    shield = QPainterPath(QPointF(64, 8))
    shield.lineTo(112, 26)
    shield.lineTo(112, 62)
    shield.cubicTo(112, 92, 92, 112, 64, 122)
    shield.cubicTo(36, 112, 16, 92, 16, 62)
    shield.lineTo(16, 26)
    shield.closeSubpath()
    painter.fillPath(shield, QColor("#1f6feb"))
    painter.setBrush(QColor("#ffffff"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(QRectF(34, 36, 60, 60))
    pen = QPen(QColor("#1f6feb"), 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawPolyline([QPointF(64, 44), QPointF(64, 66), QPointF(80, 76)])
    painter.end()
    return pixmap


def app_icon() -> QIcon:
    if ICON_FILE.is_file():
        icon = QIcon(str(ICON_FILE))
        if not icon.isNull() and not icon.pixmap(32, 32).isNull():
            return icon
    return QIcon(_drawn())
