"""Camera frames through OpenCV's `VideoCapture` (the headless build: no second Qt).

    with Camera.open(0) as camera:
        texts = scan_camera(camera, max_seconds=20, clock=time.monotonic)

The clock is an argument (DESIGN.md: only the UI and the CLI read it).
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import cv2
import numpy as np
import numpy.typing as npt

from desktop_2fa.scan.decode import find_codes
from desktop_2fa.scan.errors import CameraFailed, NoCamera, NoQrCodeFound
from desktop_2fa.scan.pixels import to_gray

_FAILED_READS_ALLOWED = 30  # some drivers drop the first frames while starting


def _quiet_opencv() -> None:
    # OpenCV logs "can't open camera by index" warnings to stderr; we report it ourselves.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


class Camera:
    """An opened camera. Use as a context manager so the device is released."""

    def __init__(self, capture: cv2.VideoCapture, index: int) -> None:
        self._capture = capture
        self.index = index

    @classmethod
    def open(cls, index: int = 0, *, width: int = 640, height: int = 480) -> Camera:
        """Open camera `index` (0 is the default camera).

        Raises:
            NoCamera: there is no such camera, or it is busy.
        """
        _quiet_opencv()
        if index < 0:
            raise NoCamera(index)
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            capture.release()
            raise NoCamera(index)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return cls(capture, index)

    def read(self) -> npt.NDArray[np.uint8] | None:
        """The next frame (BGR), or None when the camera gave none this time."""
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        return np.asarray(frame, dtype=np.uint8)

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> Camera:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def decode_frame(frame: npt.NDArray[np.generic]) -> tuple[str, ...]:
    """The QR codes in one camera frame; empty when none (quick pass only)."""
    return find_codes(to_gray(frame), thorough=False)


def scan_camera(
    camera: Camera,
    *,
    max_seconds: float,
    clock: Callable[[], float],
    on_frame: Callable[[npt.NDArray[np.uint8]], None] | None = None,
) -> tuple[str, ...]:
    """Read frames until one holds a QR code, or `max_seconds` pass.

    Raises:
        NoQrCodeFound: time ran out.
        CameraFailed: the camera stopped giving frames.
    """
    deadline = clock() + max_seconds
    failures = 0
    while clock() < deadline:
        frame = camera.read()
        if frame is None:
            failures += 1
            if failures > _FAILED_READS_ALLOWED:
                raise CameraFailed(camera.index)
            continue
        failures = 0
        if on_frame is not None:
            on_frame(frame)
        found = decode_frame(frame)
        if found:
            return found
    raise NoQrCodeFound(f"the camera picture (looked for {max_seconds:g} s)")
