"""Render a QR code (segno) as a QPixmap: segno -> PNG bytes -> QPixmap."""

from __future__ import annotations

import io

import segno
from PySide6.QtGui import QPixmap

BORDER = 4  # the quiet zone, in modules (ISO/IEC 18004)


def qr_pixmap(text: str, scale: int = 5, max_side: int | None = None) -> QPixmap:
    """The code at `scale` pixels per module, smaller when `max_side` (pixels) asks for it.

    Whole pixels per module keep it sharp for a phone's camera; never under 2.
    """
    code = segno.make(text, error="m")
    if max_side is not None:
        side = code.symbol_size(border=BORDER)[0]
        scale = max(2, min(scale, max_side // side))
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=BORDER)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap
