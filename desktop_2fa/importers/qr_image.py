"""QR code images: Google Authenticator "Transfer accounts" codes and plain otpauth:// codes.

Each image may hold several codes; several images are merged by the import
session so that a multi-part Google export is reassembled (see `uri_texts`).
"""

from __future__ import annotations

from desktop_2fa.importers.base import ImportState
from desktop_2fa.importers.errors import CorruptFile, NoQrCode
from desktop_2fa.importers.uri_texts import UriText, UriTextsState

TITLE = "image"
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)


def is_image(data: bytes) -> bool:
    if data.startswith(_MAGIC):
        return True
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


class QrImageImporter:
    name = "qr-image"
    title = "QR code image"
    description = "QR code images: Google Authenticator export codes or otpauth:// codes"
    where = (
        "Google Authenticator app: ⋮ → Transfer accounts → Export accounts; screenshot each QR code"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        return is_image(data)

    def read(self, data: bytes) -> ImportState:
        # scan/ pulls in OpenCV and zxing-cpp: only when an image is really read.
        from desktop_2fa.scan.errors import NoQrCodeFound, UnreadableImage
        from desktop_2fa.scan.image import decode_bytes

        try:
            texts = decode_bytes(data, "the image")
        except NoQrCodeFound as e:
            raise NoQrCode() from e
        except UnreadableImage as e:
            raise CorruptFile(TITLE, e.detail) from e
        return UriTextsState(
            tuple(UriText(f"QR code {n}", t) for n, t in enumerate(texts, start=1))
        )
