"""Exceptions of the scan package: each one clear sentence, never a secret."""

from __future__ import annotations


class ScanError(Exception):
    """Base of everything `desktop_2fa.scan` raises."""


class NoQrCodeFound(ScanError):
    """The pixels were read but hold no QR code the decoders could read."""

    def __init__(self, source: str) -> None:
        super().__init__(f"no QR code found in {source}")
        self.source = source


class UnreadableImage(ScanError):
    """The file or bytes are not an image (or not one OpenCV can read)."""

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"cannot read {source} as an image ({detail})")
        self.source = source
        self.detail = detail


class NoCamera(ScanError):
    def __init__(self, index: int) -> None:
        super().__init__(f"no camera found (camera number {index} could not be opened)")
        self.index = index


class CameraFailed(ScanError):
    """A camera opened but stopped giving pictures."""

    def __init__(self, index: int) -> None:
        super().__init__(f"camera number {index} opened but gives no picture")
        self.index = index


class ScreenUnavailable(ScanError):
    """The screen cannot be captured (no display, or the platform forbids it)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"cannot capture the screen: {detail}")
        self.detail = detail
