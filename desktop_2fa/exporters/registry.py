"""The explicit list of exporters; the CLI's `export --format` and the GUI use it."""

from __future__ import annotations

from desktop_2fa.exporters.aegis import AegisExporter
from desktop_2fa.exporters.base import Exporter
from desktop_2fa.exporters.google_qr import GoogleQrExporter
from desktop_2fa.exporters.otpauth_list import OtpauthListExporter
from desktop_2fa.exporters.qr_images import QrImagesExporter

EXPORTERS: tuple[Exporter, ...] = (
    AegisExporter(),
    OtpauthListExporter(),
    QrImagesExporter("png"),
    QrImagesExporter("svg"),
    GoogleQrExporter(),
)


def names() -> tuple[str, ...]:
    return tuple(e.name for e in EXPORTERS)


def by_name(name: str) -> Exporter:
    for exporter in EXPORTERS:
        if exporter.name == name:
            return exporter
    raise ValueError(f"no exporter named {name!r} (known: {', '.join(names())})")
