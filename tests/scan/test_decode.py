"""Decoding QR codes from every kind of picture the app is handed."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop_2fa.scan import decode
from desktop_2fa.scan import image as scan_image
from desktop_2fa.scan.decode import decode_array
from desktop_2fa.scan.errors import NoQrCodeFound, UnreadableImage
from desktop_2fa.scan.pixels import PixelFormat, from_buffer, to_gray
from tests.scan import images
from tests.scan.images import URI


def test_a_small_code_on_a_1920x1080_screenshot(tmp_path: Path) -> None:
    path = tmp_path / "screenshot.png"
    cv2.imwrite(str(path), images.screenshot())
    assert scan_image.decode_file(path) == (URI,)


@pytest.mark.parametrize("angle", [15.0, 25.0, 30.0])
def test_a_photo_rotated_blurred_noisy_in_perspective(angle: float) -> None:
    assert scan_image.decode_bytes(images.photo_jpeg(angle=angle)) == (URI,)


def test_a_clipboard_image_with_a_transparent_background() -> None:
    rgba = images.clipboard_rgba()
    with pytest.raises(NoQrCodeFound):  # the colour channels alone are all black
        decode_array(np.ascontiguousarray(rgba[:, :, :3]))
    assert scan_image.decode_clipboard(rgba) == (URI,)


def test_clipboard_png_bytes() -> None:
    ok, png = cv2.imencode(".png", images.clipboard_rgba())
    assert ok
    assert scan_image.decode_clipboard(png.tobytes()) == (URI,)


@pytest.mark.parametrize("pixel_format", [PixelFormat.RGBA8888, PixelFormat.BGRA8888,
                                          PixelFormat.RGB888, PixelFormat.GRAY8])  # fmt: skip
def test_qt_image_bytes_with_padded_rows(pixel_format: PixelFormat) -> None:
    gray = images.qr_gray(scale=3)
    height, width = gray.shape
    channels = pixel_format.channels
    pixels = np.repeat(gray[:, :, None], channels, axis=2)
    if channels == 4:
        pixels[:, :, 3] = 255
    stride = (width * channels + 3) // 4 * 4 + 8  # Qt aligns rows; add more padding
    buffer = np.zeros((height, stride), np.uint8)
    buffer[:, : width * channels] = pixels.reshape(height, width * channels)
    array = from_buffer(memoryview(buffer.tobytes()), width, height, stride, pixel_format)
    assert scan_image.decode_clipboard(array) == (URI,)


def test_several_codes_in_one_picture_are_all_found() -> None:
    second = "otpauth://totp/Other:bob?secret=KRSXG5CTMVRXEZLU&issuer=Other"
    left, right = images.qr_gray(URI, scale=3), images.qr_gray(second, scale=3)
    canvas = np.full((500, 1000), 255, np.uint8)
    canvas[20 : 20 + left.shape[0], 20 : 20 + left.shape[1]] = left
    canvas[30 : 30 + right.shape[0], 560 : 560 + right.shape[1]] = right
    assert set(decode_array(canvas)) == {URI, second}


@pytest.mark.parametrize(
    "array",
    [
        (images.qr_gray().astype(np.uint16) * 257),  # 16-bit PNG
        images.qr_gray().astype(np.float32) / 255.0,  # float in 0..1
        images.qr_gray() > 127,  # a bitmap
        images.qr_gray()[:, :, None],  # H x W x 1
    ],
    ids=["uint16", "float", "bool", "one-channel"],
)
def test_unusual_pixel_types(array: np.ndarray) -> None:
    assert decode_array(array) == (URI,)


def test_nothing_found_is_an_error_naming_the_source() -> None:
    blank = np.full((300, 300, 3), 255, np.uint8)
    with pytest.raises(NoQrCodeFound, match=r"^no QR code found in the clipboard image$"):
        scan_image.decode_clipboard(blank)


def test_a_file_that_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("just text")
    with pytest.raises(UnreadableImage, match=r"notes.png as an image \(it is not a picture"):
        scan_image.decode_file(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableImage, match="No such file"):
        scan_image.decode_file(tmp_path / "gone.png")


@pytest.mark.parametrize("array", [np.zeros((0, 5), np.uint8), np.zeros((4, 4, 2), np.uint8),
                                   np.zeros((2, 2, 2, 2), np.uint8)])  # fmt: skip
def test_arrays_that_are_not_images(array: np.ndarray) -> None:
    with pytest.raises(UnreadableImage):
        decode_array(array)


def test_transparent_pixels_turn_white() -> None:
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[0, 0, 3] = 255
    assert to_gray(rgba).tolist() == [[0, 255], [255, 255]]


def test_from_buffer_checks_sizes() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        from_buffer(b"\x00" * 10, 4, 4, 4, PixelFormat.GRAY8)
    with pytest.raises(ValueError, match="bytes per line"):
        from_buffer(b"\x00" * 64, 4, 4, 3, PixelFormat.RGB888)


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_any_right_angle_rotation(turns: int) -> None:
    assert decode_array(np.ascontiguousarray(np.rot90(images.qr_gray(), turns))) == (URI,)


def test_a_large_photo_with_a_big_code() -> None:
    page = np.full((3000, 4000), 230, np.uint8)
    qr = images.qr_gray(scale=20)
    page[900 : 900 + qr.shape[0], 1500 : 1500 + qr.shape[1]] = qr
    assert decode_array(page) == (URI,)


def test_a_tiny_image() -> None:
    assert decode_array(images.qr_gray(scale=1, border=2)) == (URI,)


def test_screens_are_decoded_by_one_loop_each_code_once() -> None:
    """The desktop app's screen tab and `scan --screen` share `decode_screens`."""
    blank = np.full((600, 800, 4), 255, np.uint8)
    other = "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQ"
    small = {"size": (600, 800), "at": (300, 500)}
    screens = [
        images.screenshot(**small),  # type: ignore[arg-type]
        blank,
        images.screenshot(other, **small),  # type: ignore[arg-type]
        images.screenshot(seed=9, **small),  # type: ignore[arg-type]
    ]
    assert decode.decode_screens(screens) == (images.URI, other)
    with pytest.raises(NoQrCodeFound, match="no QR code found in the screen grab"):
        decode.decode_screens([blank, blank], "the screen grab")
