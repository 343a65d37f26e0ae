"""A way out: export in every format the CLI has, and one account's QR code or secret,
all behind the vault password; the damaged-vault page's place for restore."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from desktop_2fa.core import uri
from desktop_2fa.core.base32 import encode_secret
from desktop_2fa.exporters.registry import EXPORTERS
from desktop_2fa.scan.decode import decode_array
from desktop_2fa.ui.images import to_array
from desktop_2fa.ui.reveal_dialog import RevealDialog
from tests.ui.conftest import GITHUB, PASSWORD


def _export(qtbot: QtBot, win, name: str, out: Path, vault_password: str = PASSWORD):
    dialog = win.dialogs.open_export()
    dialog.choose(name)
    dialog.destination.setText(str(out))
    if dialog.exporter.needs_password:
        dialog.export_password.setText("export password")
        dialog.export_repeat.setText("export password")
    dialog.vault_password.setText(vault_password)
    dialog.export()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    return dialog


def test_the_export_dialog_offers_every_exporter_with_its_warning(qtbot: QtBot, unlocked) -> None:
    dialog = unlocked.dialogs.open_export()
    qtbot.waitExposed(dialog)
    assert [dialog.formats.item(i).text() for i in range(dialog.formats.count())] == [
        e.title for e in EXPORTERS
    ]
    for exporter in EXPORTERS:
        dialog.choose(exporter.name)
        assert dialog.warning.isVisible() == exporter.plain_secrets
        assert dialog.export_password.isVisible() == exporter.needs_password
        assert dialog.description.text().casefold().rstrip(
            "."
        ) == exporter.description.casefold().rstrip(".")


def test_export_needs_the_vault_password(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    out = tmp_path / "accounts.txt"
    dialog = _export(qtbot, unlocked, "otpauth", out, vault_password="not it")
    assert "does not open this vault" in dialog.message.text()
    assert not out.exists() and dialog.isVisible()


def test_export_to_a_plain_list_and_an_encrypted_aegis_file(
    qtbot: QtBot, unlocked, tmp_path: Path
) -> None:
    out = tmp_path / "accounts.txt"
    _export(qtbot, unlocked, "otpauth", out)
    lines = out.read_text().split()
    assert len(lines) == 3 and GITHUB.split("?")[0] in {line.split("?")[0] for line in lines}
    assert out.stat().st_mode & 0o777 == 0o600
    notice = unlocked.codes_page.notice.label.text()
    assert "Exported 3 accounts" in notice and "not encrypted" in notice
    aegis = tmp_path / "aegis.json"
    _export(qtbot, unlocked, "aegis", aegis)
    assert json.loads(aegis.read_text())["header"]["slots"]  # encrypted with the export password


def test_export_qr_images_into_a_new_folder(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    folder = tmp_path / "codes"
    _export(qtbot, unlocked, "qr-png", folder)
    assert len(list(folder.glob("*.png"))) == 3


def test_export_never_writes_over_the_vault(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    dialog = _export(qtbot, unlocked, "otpauth", vault_path)
    assert "vault itself" in dialog.message.text()
    assert vault_path.read_bytes() == before


def _reveal(qtbot: QtBot, win, what: str, password: str = PASSWORD, seconds: int = 60):
    github = next(a for a in win.session.data.accounts if a.issuer == "GitHub")
    win.select_account(github.id)
    dialog = win.accounts.show_qr() if what == "qr" else win.accounts.show_secret()
    assert isinstance(dialog, RevealDialog)
    dialog.seconds = seconds
    dialog.password.setText(password)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    return dialog, github


def test_show_qr_code_needs_the_password_and_shows_the_account(qtbot: QtBot, unlocked) -> None:
    dialog, github = _reveal(qtbot, unlocked, "qr", password="wrong")
    assert dialog.stack.currentIndex() == 0 and "does not open" in dialog.message.text()
    dialog.password.setText(PASSWORD)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=10_000)
    pixels = to_array(
        dialog.picture.pixmap().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    )
    assert isinstance(pixels, np.ndarray)
    (text,) = decode_array(pixels, "the dialog")
    assert uri.parse(text).params == github.params  # a phone scanning it gets this account


def test_show_secret_then_hidden_after_the_time(qtbot: QtBot, unlocked) -> None:
    dialog, github = _reveal(qtbot, unlocked, "secret", seconds=1)
    assert dialog.secret.text().replace(" ", "") == encode_secret(github.params.secret)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == encode_secret(github.params.secret)
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        pass
    assert dialog.secret.text() == ""


def test_lock_hides_a_shown_secret(qtbot: QtBot, unlocked) -> None:
    dialog, _ = _reveal(qtbot, unlocked, "secret")
    assert dialog.isVisible()
    unlocked.lock()
    assert not dialog.isVisible()
    assert QGuiApplication.clipboard().text() == ""


def test_the_damaged_vault_page_has_a_place_for_restore(
    qtbot: QtBot, window, stored_vault, vault_path: Path
) -> None:
    stored_vault()
    envelope = json.loads(vault_path.read_text())
    envelope["checksum"] = "0" * 64
    vault_path.write_text(json.dumps(envelope))
    page = window.unlock_page
    page.reset()
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000):
        page.button.click()
    assert page.restore_button.isVisible()
    with qtbot.waitSignal(page.restore_requested):
        page.restore_button.click()
