"""Grab every screen as pixels for `desktop_2fa.scan` (used by the GUI and `scan --screen`).

Qt is the only portable way to capture the screen, so this lives in the UI
layer; the decoding itself stays in `scan/`, which never sees Qt.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import numpy.typing as npt

from desktop_2fa.scan.errors import ScreenUnavailable
from desktop_2fa.scan.pixels import PixelFormat, from_buffer


def _has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True  # Windows and macOS always have their native platform plugin
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def grab_screens() -> list[npt.NDArray[np.uint8]]:
    """One RGBA array per screen, in Qt's screen order.

    Raises:
        ScreenUnavailable: no display, no screen, or the system refused the capture
            (Wayland compositors do not let applications read the screen).
    """
    if not _has_display():
        raise ScreenUnavailable("there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)")
    from PySide6.QtGui import QGuiApplication, QImage  # Qt only when asked

    if QGuiApplication.instance() is None:
        # Kept alive for the process: Qt needs the application object while grabbing.
        grab_screens.app = QGuiApplication(["desktop-2fa"])  # type: ignore[attr-defined]
    screens = QGuiApplication.screens()
    if not screens:
        raise ScreenUnavailable("no screen is connected")
    images = []
    for screen in screens:
        pixmap = screen.grabWindow(0)
        if pixmap.isNull():
            continue
        image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGBA8888)
        pixels = from_buffer(
            image.constBits(),
            image.width(),
            image.height(),
            image.bytesPerLine(),
            PixelFormat.RGBA8888,
        )
        images.append(pixels.copy())  # the QImage's memory goes away with it
    if not images:
        raise ScreenUnavailable(
            "the system did not allow a screen capture (on Wayland, save a screenshot "
            "and scan that file instead)"
        )
    return images
