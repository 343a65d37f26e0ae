"""The application icon: `resources/desktop-2fa.svg` in a checkout, the installed copy
under `<prefix>/share/icons` in a wheel install, or a drawn stand-in."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICON_FILE = RESOURCES / "desktop-2fa.svg"
INSTALLED_ICON = Path(sys.prefix) / "share/icons/hicolor/scalable/apps/desktop-2fa.svg"


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
    for path in (ICON_FILE, INSTALLED_ICON):
        if path.is_file():
            icon = QIcon(str(path))
            if not icon.isNull() and not icon.pixmap(32, 32).isNull():
                return icon
    return QIcon(_drawn())
