"""Real pictures of QR codes for the scan tests, made with segno and OpenCV."""

from __future__ import annotations

import io

import cv2
import numpy as np
import numpy.typing as npt
import segno

Image = npt.NDArray[np.uint8]

URI = (
    "otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    "&issuer=Example&algorithm=SHA1&digits=6&period=30"
)


def qr_png(text: str = URI, scale: int = 4, border: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_gray(text: str = URI, scale: int = 4, border: int = 4) -> Image:
    image = cv2.imdecode(np.frombuffer(qr_png(text, scale, border), np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, dtype=np.uint8)


def screenshot(text: str = URI, size: tuple[int, int] = (1080, 1920), seed: int = 3,
               at: tuple[int, int] = (640, 1500), scale: int = 2) -> Image:  # fmt: skip
    """A desktop-like BGR screen: panels, text, and one small QR code (a web page's)."""
    rng = np.random.default_rng(seed)
    height, width = size
    screen = np.full((height, width, 3), 236, np.uint8)
    cv2.rectangle(screen, (0, 0), (width, 40), (60, 60, 60), -1)  # a title bar
    for _ in range(60):
        x, y = int(rng.integers(0, width - 40)), int(rng.integers(40, height - 20))
        w, h = int(rng.integers(20, 300)), int(rng.integers(8, 80))
        color = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(screen, (x, y), (x + w, y + h), color, -1)
    for _ in range(40):
        org = (int(rng.integers(0, width - 300)), int(rng.integers(60, height)))
        cv2.putText(screen, "Scan this code with your app", org, cv2.FONT_HERSHEY_SIMPLEX,
                    0.6, (20, 20, 20), 1)  # fmt: skip
    qr = qr_gray(text, scale=scale)
    y, x = at
    screen[y : y + qr.shape[0], x : x + qr.shape[1]] = cv2.cvtColor(qr, cv2.COLOR_GRAY2BGR)
    return screen


def photo_jpeg(text: str = URI, angle: float = 25.0, seed: int = 5) -> bytes:
    """A phone photo of a printed code: rotated, in perspective, blurred, noisy, JPEG."""
    rng = np.random.default_rng(seed)
    qr = qr_gray(text, scale=6)
    page = np.full((1000, 1000), 205, np.uint8)
    page = np.clip(page + np.linspace(-45, 30, 1000)[None, :], 0, 255).astype(np.uint8)  # light
    page[280 : 280 + qr.shape[0], 260 : 260 + qr.shape[1]] = qr
    turn = cv2.getRotationMatrix2D((500, 500), angle, 1.0)
    page = cv2.warpAffine(page, turn, (1000, 1000), borderValue=150)
    corners = np.float32([[0, 0], [999, 0], [999, 999], [0, 999]])
    seen = np.float32([[70, 40], [950, 110], [910, 990], [30, 880]])
    page = cv2.warpPerspective(page, cv2.getPerspectiveTransform(corners, seen), (1000, 1000),
                               borderValue=90)  # fmt: skip
    page = cv2.GaussianBlur(page, (5, 5), 0)
    noisy = np.clip(page + rng.normal(0, 14, page.shape), 0, 255).astype(np.uint8)
    color = cv2.cvtColor(cv2.resize(noisy, (900, 900)), cv2.COLOR_GRAY2BGR)
    ok, jpeg = cv2.imencode(".jpg", color, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    return jpeg.tobytes()


def clipboard_rgba(text: str = URI) -> Image:
    """What a copied image often is: black modules, transparent background with RGB 0.

    Read as RGB alone it is all black; only alpha shows the code.
    """
    qr = qr_gray(text, scale=3)
    rgba = np.zeros((*qr.shape, 4), np.uint8)
    rgba[:, :, 3] = 255 - qr  # dark modules opaque, light ones transparent
    return rgba


def camera_frame(text: str | None = URI, seed: int = 0) -> Image:
    """A 640x480 BGR webcam frame, with a code held up (or without one)."""
    rng = np.random.default_rng(seed)
    frame = np.clip(rng.normal(120, 25, (480, 640, 3)), 0, 255).astype(np.uint8)
    if text is not None:
        qr = cv2.cvtColor(qr_gray(text, scale=3), cv2.COLOR_GRAY2BGR)
        y, x = 100 + seed % 40, 180 + seed % 60
        frame[y : y + qr.shape[0], x : x + qr.shape[1]] = qr
        frame = cv2.GaussianBlur(frame, (3, 3), 0)
    return frame


def huge_blank_png(side: int) -> bytes:
    """A `side` x `side` one-bit PNG of a few hundred KB (a decompression bomb),
    written row by row, so that making it allocates nothing of its size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grayscale
    row = bytes(1 + (side + 7) // 8)  # filter byte, then black pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks
