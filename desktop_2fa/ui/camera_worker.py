"""The camera scan, on its own thread: frames for the preview, stop at the first QR code.

OpenCV's `VideoCapture.read` blocks for each frame and decoding takes a few
milliseconds more, so the whole loop (`scan.camera.scan_camera`) runs on a
QThread; the UI thread only receives finished preview images (about 15 per
second) and the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from desktop_2fa.scan.camera import Camera, scan_camera
from desktop_2fa.ui.images import from_bgr

PREVIEW_INTERVAL = 1 / 15  # seconds between preview frames sent to the UI
MAX_SECONDS = 120.0  # give up (and release the camera) after two minutes


class _Stopped(Exception):
    """Raised inside the scan loop when the dialog asked the thread to stop."""


class CameraScanner(QThread):
    """Opens camera `index`, previews it and stops on the first QR code.

    Signals:
        frame(QImage): a preview picture.
        found(object): the tuple of texts of the QR codes in the first readable frame.
        failed(object): NoCamera, CameraFailed, NoQrCodeFound (time ran out)...
    """

    frame = Signal(QImage)
    found = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        index: int = 0,
        *,
        open_camera: Callable[[int], Any] = Camera.open,
        max_seconds: float = MAX_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._index = index
        self._open = open_camera
        self._max_seconds = max_seconds
        self._last_preview = 0.0

    def run(self) -> None:
        try:
            with self._open(self._index) as camera:
                texts = scan_camera(
                    camera,
                    max_seconds=self._max_seconds,
                    clock=time.monotonic,
                    on_frame=self._on_frame,
                )
        except _Stopped:
            return
        except Exception as e:  # reported as words by the dialog
            if not self.isInterruptionRequested():
                self.failed.emit(e)
            return
        if not self.isInterruptionRequested():
            self.found.emit(texts)

    def _on_frame(self, frame: npt.NDArray[np.uint8]) -> None:
        if self.isInterruptionRequested():
            raise _Stopped
        now = time.monotonic()
        if now - self._last_preview >= PREVIEW_INTERVAL:
            self._last_preview = now
            self.frame.emit(from_bgr(frame))

    def stop(self, wait_ms: int = 3000) -> None:
        """Ask the loop to end and wait for the camera to be released."""
        self.requestInterruption()
        self.wait(wait_ms)
