"""Camera frames: the no-camera path against OpenCV itself, the loop with a fake device."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from desktop_2fa.scan.camera import Camera, decode_frame, scan_camera
from desktop_2fa.scan.errors import CameraFailed, NoCamera, NoQrCodeFound
from tests.scan import images


def test_a_camera_that_does_not_exist_is_no_camera() -> None:
    with pytest.raises(NoCamera) as caught:
        Camera.open(99)  # a real VideoCapture on an index no machine has
    assert str(caught.value) == "no camera found (camera number 99 could not be opened)"


class FakeCapture:
    """Stands in for cv2.VideoCapture: hands out frames from a list."""

    def __init__(self, frames: list[npt.NDArray[np.uint8] | None]) -> None:
        self.frames = iter(frames)
        self.released = False

    def read(self) -> tuple[bool, npt.NDArray[np.uint8] | None]:
        frame = next(self.frames, None)
        return frame is not None, frame

    def release(self) -> None:
        self.released = True


def _ticks(step: float) -> Iterator[float]:
    return (i * step for i in itertools.count())


def test_the_loop_returns_the_first_frame_with_a_code() -> None:
    frames = [images.camera_frame(None, seed=i) for i in range(3)] + [images.camera_frame()]
    capture = FakeCapture(list(frames))
    seen: list[int] = []
    with Camera(capture, 0) as camera:  # type: ignore[arg-type]
        ticks = _ticks(0.01)
        found = scan_camera(camera, max_seconds=5, clock=lambda: next(ticks),
                            on_frame=lambda f: seen.append(f.shape[1]))  # fmt: skip
    assert found == (images.URI,)
    assert seen == [640] * 4
    assert capture.released


def test_time_running_out_is_no_qr_code_found() -> None:
    capture = FakeCapture([images.camera_frame(None, seed=i) for i in range(6)])
    ticks = _ticks(1.0)
    with pytest.raises(NoQrCodeFound, match=r"in the camera picture \(looked for 3 s\)"):
        scan_camera(Camera(capture, 0), max_seconds=3, clock=lambda: next(ticks))  # type: ignore[arg-type]


def test_a_camera_that_stops_giving_frames() -> None:
    ticks = _ticks(0.001)
    with pytest.raises(CameraFailed, match="camera number 2 opened but gives no picture"):
        scan_camera(Camera(FakeCapture([]), 2), max_seconds=60, clock=lambda: next(ticks))  # type: ignore[arg-type]


def test_a_frame_without_a_code_is_empty_not_an_error() -> None:
    assert decode_frame(images.camera_frame(None)) == ()
