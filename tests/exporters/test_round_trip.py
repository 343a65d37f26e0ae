"""Export -> import round trips for every exporter, through our own importers and decoders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop_2fa.core.params import OtpKind
from desktop_2fa.exporters import registry
from desktop_2fa.exporters.aegis import AegisExporter
from desktop_2fa.exporters.base import ExportResult
from desktop_2fa.exporters.errors import ExportPasswordRequired, NothingToExport
from desktop_2fa.exporters.google_qr import GoogleQrExporter
from desktop_2fa.importers.aegis import AegisImporter
from desktop_2fa.importers.session import SourceFile, import_files
from desktop_2fa.scan.image import decode_bytes
from desktop_2fa.vault.model import VaultData
from tests.data.canonical import BY_KEY, CANONICAL, google_can_hold
from tests.importers.support import account_specs, canonical_vault_data, spec

DATA = canonical_vault_data()
PASSWORD = "round trip password"


def _no_password(file: str, title: str) -> str:
    raise AssertionError("not encrypted")


def _reimport(result: ExportResult, password: str = "") -> list[object]:
    files = [SourceFile(f.name, f.data) for f in result.files]
    imported = import_files(files, password=lambda f, t: password)
    assert imported.errors == ()
    return [e.spec for e in imported.entries]


def test_every_exporter_is_covered() -> None:
    assert set(registry.names()) == {"aegis", "otpauth", "qr-png", "qr-svg", "google-qr"}


def test_aegis_round_trip_keeps_everything() -> None:
    result = AegisExporter().export(DATA.accounts, PASSWORD)
    assert result.exported == len(CANONICAL) and result.skipped == ()
    state = AegisImporter().read(result.files[0].data)
    assert state.encrypted
    entries = state.decrypt(PASSWORD).convert().entries
    assert [e.spec for e in entries] == account_specs(DATA.accounts)
    assert [(e.note, e.group, e.favourite) for e in entries] == [
        (a.note, a.group, a.favourite) for a in CANONICAL
    ]


def test_aegis_export_follows_aegis_vault_format() -> None:
    doc = json.loads(AegisExporter().export(DATA.accounts, PASSWORD).files[0].data)
    assert doc["version"] == 1
    (slot,) = doc["header"]["slots"]
    assert (slot["type"], slot["n"], slot["r"], slot["p"]) == (1, 2**15, 8, 1)
    assert len(bytes.fromhex(slot["salt"])) == 32
    assert len(bytes.fromhex(slot["key_params"]["nonce"])) == 12
    assert len(bytes.fromhex(doc["header"]["params"]["tag"])) == 16
    assert isinstance(doc["db"], str)
    assert BY_KEY["plain"].secret not in json.dumps(doc)


def test_aegis_needs_a_password() -> None:
    with pytest.raises(ExportPasswordRequired):
        AegisExporter().export(DATA.accounts, None)


def test_otpauth_list_round_trip() -> None:
    result = registry.by_name("otpauth").export(DATA.accounts)
    assert _reimport(result) == account_specs(DATA.accounts)


def test_qr_png_round_trip_one_image_per_account() -> None:
    result = registry.by_name("qr-png").export(DATA.accounts)
    assert len(result.files) == len(CANONICAL)
    assert result.files[0].name == "Example (alice@example.com).png"
    assert _reimport(result) == account_specs(DATA.accounts)


def test_qr_svg_round_trip(qapp: object) -> None:
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    result = registry.by_name("qr-svg").export(DATA.accounts)
    assert all(f.name.endswith(".svg") and f.data.startswith(b"<?xml") for f in result.files)
    texts = []
    for file in result.files:
        renderer = QSvgRenderer(QByteArray(file.data))
        size = renderer.defaultSize()
        image = QImage(size, QImage.Format.Format_Grayscale8)
        image.fill(255)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(
            size.height(), image.bytesPerLine()
        )[:, : size.width()]
        from desktop_2fa.scan.decode import decode_array

        texts += decode_array(pixels.copy())
    lines = "\n".join(texts).encode()
    specs = [
        e.spec for e in import_files([SourceFile("l.txt", lines)], password=_no_password).entries
    ]
    assert specs == account_specs(DATA.accounts)


def test_google_qr_round_trip_reports_what_google_cannot_hold() -> None:
    result = GoogleQrExporter(batch_id=99).export(DATA.accounts)
    held = [a for a in CANONICAL if google_can_hold(a)]
    assert result.exported == len(held)
    assert [s.label for s in result.skipped] == [
        "Example (alice:work)", "Vault Co (erin)", "Steam (gamer)",
    ]  # fmt: skip
    reasons = [s.reason for s in result.skipped]
    assert "this account uses 60 s" in reasons[0]
    assert "no Steam codes" in reasons[2]
    assert _reimport(result) == [spec(a) for a in held]


def test_google_qr_puts_ten_accounts_per_code() -> None:
    import dataclasses

    base = DATA.accounts[0]
    accounts = tuple(
        dataclasses.replace(
            base, id=f"{i:032x}", name=f"user{i}",
            params=dataclasses.replace(base.params, secret=bytes([i]) * 20),
        )
        for i in range(25)
    )  # fmt: skip
    result = GoogleQrExporter().export(accounts)
    assert [f.name for f in result.files] == [
        f"google-authenticator-{i}-of-3.png" for i in (1, 2, 3)
    ]
    counts = []
    for file in result.files:
        (text,) = decode_bytes(file.data)
        from desktop_2fa.core.migration import parse_uri

        counts.append(len(parse_uri(text).otp_parameters))
    assert counts == [10, 10, 5]
    assert len(_reimport(result)) == 25


def test_google_qr_with_nothing_it_can_hold() -> None:
    steam_only = [a for a in DATA.accounts if a.params.kind is OtpKind.STEAM]
    with pytest.raises(NothingToExport, match="no account can be stored"):
        GoogleQrExporter().export(steam_only)


@pytest.mark.parametrize("name", registry.names())
def test_an_empty_vault_has_nothing_to_export(name: str) -> None:
    with pytest.raises(NothingToExport):
        registry.by_name(name).export(VaultData().accounts, PASSWORD)
