"""Find and decode every QR code in a picture.

Decoders, in order (DESIGN.md, "QR decode"): zxing-cpp, restricted to QR
formats, which is the fastest and reads hard photos; then, only when it finds
nothing, zxing-cpp again with its slower options, OpenCV's
`QRCodeDetectorAruco`, and pyzbar when it and the zbar library are installed.
The first pass that finds anything wins.

The camera loop calls `find_codes(gray, thorough=False)`: one quick zxing pass
per frame keeps the frame rate up, and the next frame is another chance.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

import cv2
import numpy as np
import numpy.typing as npt

from desktop_2fa.scan.errors import NoQrCodeFound, UnreadableImage
from desktop_2fa.scan.pixels import GrayImage, to_gray

_SMALL_SIDE = 480  # below this, an upscaled copy helps decoders find tiny modules


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in texts if t))


def _zxing(gray: GrayImage, *, thorough: bool) -> tuple[str, ...]:
    import zxingcpp  # heavy native module, loaded on first scan

    results = zxingcpp.read_barcodes(
        gray,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        # QR finder patterns work at any angle; try_rotate only adds 90-degree
        # passes that 1D barcodes need, and inverted codes are rare.
        try_rotate=thorough,
        try_downscale=True,
        try_invert=thorough,
    )
    return _unique(r.text for r in results if r.valid)


def _zxing_global_binarizer(gray: GrayImage) -> tuple[str, ...]:
    import zxingcpp

    results = zxingcpp.read_barcodes(
        gray,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        binarizer=zxingcpp.Binarizer.GlobalHistogram,
    )
    return _unique(r.text for r in results if r.valid)


def _opencv(gray: GrayImage) -> tuple[str, ...]:
    detector = cv2.QRCodeDetectorAruco()
    try:
        ok, texts, _points, _straight = detector.detectAndDecodeMulti(gray)
    except cv2.error:
        return ()
    return _unique(texts) if ok else ()


def _pyzbar(gray: GrayImage) -> tuple[str, ...]:
    try:
        from pyzbar import pyzbar  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # optional: pyzbar or libzbar not installed
        return ()
    try:
        symbols = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    except Exception:
        return ()
    texts = []
    for symbol in symbols:
        with contextlib.suppress(UnicodeDecodeError):
            texts.append(bytes(symbol.data).decode("utf-8"))
    return _unique(texts)


def _upscaled(gray: GrayImage) -> GrayImage:
    return np.asarray(
        cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC), dtype=np.uint8
    )


def find_codes(gray: GrayImage, *, thorough: bool = True) -> tuple[str, ...]:
    """The texts of the QR codes in a grayscale picture; empty when there are none."""
    found = _zxing(gray, thorough=False)
    if found or not thorough:
        return found
    passes: list[Callable[[], tuple[str, ...]]] = [
        lambda: _zxing(gray, thorough=True),
        lambda: _zxing_global_binarizer(gray),
    ]
    if min(gray.shape) < _SMALL_SIDE:
        passes.append(lambda: _zxing(_upscaled(gray), thorough=True))
    passes += [lambda: _opencv(gray), lambda: _pyzbar(gray)]
    for attempt in passes:
        found = attempt()
        if found:
            return found
    return ()


def decode_screens(
    screens: Iterable[npt.NDArray[np.generic]], source: str = "the screen"
) -> tuple[str, ...]:
    """Every QR code on any of the screens, each once, in screen order.

    The one screen-decode loop, for the desktop app's screen tab and
    `desktop-2fa scan --screen` (the grab itself is Qt's, in the UI layer).

    Raises:
        NoQrCodeFound: no screen shows a readable code.
    """
    found: list[str] = []
    for screen in screens:
        found.extend(find_codes(to_gray(screen)))
    if not found:
        raise NoQrCodeFound(source)
    return _unique(found)


def decode_array(array: npt.NDArray[np.generic], source: str = "the image") -> tuple[str, ...]:
    """Every QR code in an image array (gray, BGR, RGB(A), 8 or 16 bit), in reading order.

    Raises:
        UnreadableImage: the array is not an image.
        NoQrCodeFound: nothing readable was found; never an empty success.
    """
    try:
        gray = to_gray(array)
    except ValueError as e:
        raise UnreadableImage(source, str(e)) from e
    found = find_codes(gray)
    if not found:
        raise NoQrCodeFound(source)
    return found
