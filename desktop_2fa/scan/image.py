"""Image sources that are plain data: a file, encoded bytes, a clipboard image.

The clipboard and the screen are read by Qt in `desktop_2fa/ui/`; Qt hands the
pixels over as a numpy array (see `pixels.from_buffer`) or as PNG bytes, and
the functions here decode them. Nothing here knows about Qt.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from desktop_2fa.scan import MAX_IMAGE_PIXELS
from desktop_2fa.scan.decode import decode_array
from desktop_2fa.scan.errors import UnreadableImage

MAX_IMAGE_BYTES = 64 * 1024 * 1024  # a photo is a few MB; refuse to inflate anything huge

CLIPBOARD = "the clipboard image"


def load_image(data: bytes, source: str = "the image") -> npt.NDArray[np.generic]:
    """Decode PNG, JPEG, BMP, WebP, TIFF... bytes into an array, keeping alpha and depth.

    Raises:
        UnreadableImage: empty, too large, or not an image format OpenCV reads.
    """
    if not data:
        raise UnreadableImage(source, "it is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise UnreadableImage(source, f"it is larger than {MAX_IMAGE_BYTES // 2**20} MB")
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error as e:
        if "MAX_IMAGE" in str(e):  # OpenCV's size check (see desktop_2fa/scan/__init__.py)
            limit = MAX_IMAGE_PIXELS // 1_000_000
            raise UnreadableImage(source, f"it is larger than {limit} megapixels") from e
        raise UnreadableImage(source, "the image data is damaged") from e
    if image is None or image.size == 0:
        raise UnreadableImage(source, "it is not a picture in a known format, or it is damaged")
    result: npt.NDArray[np.generic] = image
    return result


def decode_bytes(data: bytes, source: str = "the image") -> tuple[str, ...]:
    """Every QR code in an encoded image.

    Raises:
        UnreadableImage, NoQrCodeFound
    """
    return decode_array(load_image(data, source), source)


def decode_file(path: Path | str) -> tuple[str, ...]:
    """Every QR code in an image file.

    Raises:
        UnreadableImage: the file cannot be read or is not an image.
        NoQrCodeFound
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_IMAGE_BYTES + 1)  # one byte more says "too large"
    except OSError as e:
        raise UnreadableImage(str(path), e.strerror or str(e)) from e
    return decode_bytes(data, str(path))


def decode_clipboard(image: npt.NDArray[np.generic] | bytes) -> tuple[str, ...]:
    """Every QR code in a clipboard image, given as pixels or as encoded (PNG) bytes.

    Raises:
        UnreadableImage, NoQrCodeFound
    """
    if isinstance(image, bytes):
        return decode_bytes(image, CLIPBOARD)
    return decode_array(image, CLIPBOARD)
