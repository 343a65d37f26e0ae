"""Pixels in, one 8-bit grayscale picture out: the only form the decoders need.

Images arrive as numpy arrays from OpenCV (BGR), from Qt (a QImage's bytes:
RGBA8888, or ARGB32, which is B,G,R,A in memory on little-endian machines),
or from a decoded file (gray, 16-bit, with or without alpha). Converting once
to grayscale here keeps every decoder pass cheap.
"""

from __future__ import annotations

from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt

GrayImage = npt.NDArray[np.uint8]


class PixelFormat(StrEnum):
    """Byte layouts of one pixel; alpha, when present, is always the last byte."""

    GRAY8 = "gray8"
    RGB888 = "rgb888"  # QImage.Format_RGB888
    BGR888 = "bgr888"  # OpenCV's own order
    RGBA8888 = "rgba8888"  # QImage.Format_RGBA8888
    BGRA8888 = "bgra8888"  # QImage.Format_ARGB32/RGB32 on little-endian machines

    @property
    def channels(self) -> int:
        return {"gray8": 1, "rgb888": 3, "bgr888": 3}.get(self.value, 4)


def from_buffer(
    data: bytes | bytearray | memoryview,
    width: int,
    height: int,
    bytes_per_line: int,
    pixel_format: PixelFormat,
) -> npt.NDArray[np.uint8]:
    """View raw image bytes (e.g. `QImage.constBits()`) as an H x W x C array.

    `bytes_per_line` may exceed `width * channels`: Qt pads rows to 4 bytes.

    Raises:
        ValueError: the sizes do not match the buffer.
    """
    channels = pixel_format.channels
    if width <= 0 or height <= 0:
        raise ValueError(f"image size {width}x{height} is empty")
    if bytes_per_line < width * channels:
        raise ValueError(f"{bytes_per_line} bytes per line cannot hold {width} pixels")
    flat = np.frombuffer(data, dtype=np.uint8)
    if flat.size < bytes_per_line * height:
        raise ValueError(f"{flat.size} bytes cannot hold a {width}x{height} image")
    rows = flat[: bytes_per_line * height].reshape(height, bytes_per_line)
    return rows[:, : width * channels].reshape(height, width, channels)


def _to_uint8(array: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8]:
    if array.dtype == np.uint8:
        return np.asarray(array, dtype=np.uint8)
    if array.dtype == np.bool_:
        return np.asarray(array, dtype=np.uint8) * np.uint8(255)
    if array.dtype == np.uint16:
        return np.asarray(np.asarray(array, dtype=np.uint16) >> 8, dtype=np.uint8)
    if np.issubdtype(array.dtype, np.floating):
        values = np.asarray(array, dtype=np.float32)
        finite = np.nan_to_num(values, nan=1.0, posinf=1.0, neginf=0.0)
        scale = 255.0 if finite.size and float(finite.max()) <= 1.0 else 1.0
        return np.asarray(np.clip(finite * scale, 0, 255), dtype=np.uint8)
    if np.issubdtype(array.dtype, np.integer):
        return np.asarray(np.clip(np.asarray(array, dtype=np.int64), 0, 255), dtype=np.uint8)
    raise ValueError(f"pixels of type {array.dtype} are not an image")


def to_gray(array: npt.NDArray[np.generic]) -> GrayImage:
    """An 8-bit grayscale copy or view of any common image array.

    Transparent pixels are composited over white: a QR code drawn black on a
    transparent background (common in copied images) must stay readable, and
    transparent pixels often carry black RGB values.

    Raises:
        ValueError: the array is not H x W, H x W x 1, H x W x 3 or H x W x 4.
    """
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(f"an array of shape {array.shape} is not an image")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError("the image is empty")
    pixels = _to_uint8(array)
    if pixels.ndim == 2:
        return np.ascontiguousarray(pixels)
    color = np.ascontiguousarray(pixels[:, :, :3])
    # Channel order only nudges the luma weights; QR contrast survives either way.
    gray = np.asarray(cv2.cvtColor(color, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    if pixels.shape[2] == 4:
        alpha = pixels[:, :, 3]
        if int(alpha.min()) < 255:
            a = alpha.astype(np.uint16)
            blended = (gray.astype(np.uint16) * a + 255 * (255 - a)) // 255
            gray = np.asarray(blended, dtype=np.uint8)
    return gray
