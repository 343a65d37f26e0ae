"""One QR code image per account (PNG or SVG, drawn with segno), to scan with a phone.

Each image holds the account's otpauth:// URI, secret included, in plain view.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from desktop_2fa.core import uri
from desktop_2fa.exporters.base import ExportFile, ExportResult
from desktop_2fa.exporters.errors import NothingToExport
from desktop_2fa.exporters.filenames import safe_stem, unique_names
from desktop_2fa.exporters.otpauth_list import spec_of
from desktop_2fa.vault.model import Account

SCALE = 8  # pixels per module in PNGs: sharp on screens and in print
BORDER = 4  # the quiet zone ISO/IEC 18004 requires


def qr_image(text: str, kind: str) -> bytes:
    """`text` as a QR code in `kind` ("png" or "svg")."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind=kind, scale=SCALE, border=BORDER)
    return out.getvalue()


class QrImagesExporter:
    multi_file = True
    needs_password = False
    plain_secrets = True

    def __init__(self, kind: str) -> None:
        if kind not in ("png", "svg"):
            raise ValueError(f"QR images are PNG or SVG, not {kind!r}")
        self.kind = kind
        self.name = f"qr-{kind}"
        self.title = f"QR code images ({kind.upper()})"
        self.description = (
            f"one {kind.upper()} QR code per account, in a folder (secrets in plain view)"
        )

    def export(self, accounts: Sequence[Account], password: str | None = None) -> ExportResult:
        if not accounts:
            raise NothingToExport("the vault has no accounts")
        names = unique_names([safe_stem(a.label) for a in accounts], self.kind)
        files = tuple(
            ExportFile(name, qr_image(uri.format(spec_of(a)), self.kind))
            for name, a in zip(names, accounts, strict=True)
        )
        return ExportResult(files, len(accounts))
