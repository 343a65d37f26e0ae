"""Icon pack archives made by the tests (Aegis's format)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    b'<rect width="32" height="32" rx="6" fill="#2b7"/></svg>'
)


def png(size: int = 4, grey: int = 128) -> bytes:
    """A valid grey PNG, written by hand (PNG spec: signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = b"".join(b"\x00" + bytes([grey]) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = png()
PACK_UUID = "c553f06f-2a17-46ca-87f5-56af90dd0500"


def make_pack(
    icons: list[dict[str, object]] | None = None,
    files: dict[str, bytes] | None = None,
    *,
    uuid: str = PACK_UUID,
    name: str = "Test Pack",
    version: int = 1,
) -> bytes:
    if icons is None:
        icons = [
            {"name": "GitHub", "filename": "services/GitHub.svg", "category": "Dev",
             "issuer": ["github"]},
            {"name": "Google", "filename": "services/Google.png", "category": "Services",
             "issuer": ["google", "Gmail"]},
        ]  # fmt: skip
        files = {"services/GitHub.svg": SVG, "services/Google.png": PNG, "README": b"ignored"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        definition = {"uuid": uuid, "name": name, "version": version, "icons": icons}
        archive.writestr("pack.json", json.dumps(definition))
        for filename, body in (files or {}).items():
            archive.writestr(filename, body)
    return buffer.getvalue()
