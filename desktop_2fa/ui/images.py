"""Conversions between Qt images and the numpy arrays `desktop_2fa.scan` decodes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QImage

from desktop_2fa.scan.pixels import PixelFormat, from_buffer


def to_array(image: QImage) -> npt.NDArray[np.uint8]:
    """An H x W x 4 RGBA copy of `image` (safe to hand to a worker thread)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    pixels = from_buffer(
        rgba.constBits(), rgba.width(), rgba.height(), rgba.bytesPerLine(), PixelFormat.RGBA8888
    )
    return pixels.copy()


def from_bgr(frame: npt.NDArray[np.uint8]) -> QImage:
    """A QImage (owning its pixels) from an OpenCV BGR frame, for the camera preview."""
    frame = np.ascontiguousarray(frame)
    height, width = frame.shape[:2]
    if frame.ndim == 2:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
    return image.copy()  # detach from the numpy buffer
