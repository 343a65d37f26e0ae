"""Account icons: icon packs in Aegis's format, a chosen icon per account, letter avatars."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.avatars import colour_of, letter_of
from desktop_2fa.ui.icon_dialogs import IconDialog, IconPacksDialog
from desktop_2fa.vault.model import IconKind
from desktop_2fa.vault.store import VaultFile
from tests.iconpacks.conftest import SVG, make_pack
from tests.ui.conftest import PASSWORD


def _github(win):
    return next(a for a in win.session.data.accounts if a.issuer == "GitHub")


def _image(win, account):
    return win.avatars.pixmap(account, 32).toImage()


def _install(win, tmp_path: Path) -> IconPacksDialog:
    pack = tmp_path / "pack.zip"
    pack.write_bytes(make_pack())
    dialog = win.dialogs.manage_icon_packs()
    dialog.install(pack)
    return dialog


def test_an_icon_pack_gives_the_issuers_icon_and_removing_it_gives_the_letter_back(
    qtbot: QtBot, unlocked, tmp_path: Path
) -> None:
    github = _github(unlocked)
    letter = _image(unlocked, github)
    dialog = _install(unlocked, tmp_path)
    assert "Installed Test Pack (2 icons)" in dialog.message.text()
    assert dialog.list.count() == 1
    assert _image(unlocked, github) != letter  # "github" matches "GitHub", ignoring case
    assert (tmp_path / "data" / "icon-packs").is_dir()  # next to the vault
    dialog.remove_current()
    assert _image(unlocked, github) == letter


def test_a_bad_pack_is_one_sentence_and_installs_nothing(
    qtbot: QtBot, unlocked, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    dialog = unlocked.dialogs.manage_icon_packs()
    dialog.install(bad)
    assert dialog.message.text().startswith(
        "No icon pack in Aegis's format could be read from bad.zip"
    )
    assert dialog.list.count() == 0


def _stored_icon(vault_path: Path):
    data = VaultFile(vault_path).unlock(PASSWORD).data
    return next(a for a in data.accounts if a.issuer == "GitHub").icon


def test_choose_an_icon_per_account(
    qtbot: QtBot, unlocked, tmp_path: Path, vault_path: Path
) -> None:
    _install(unlocked, tmp_path).reject()
    unlocked.select_account(_github(unlocked).id)
    dialog = unlocked.accounts.choose_icon()
    assert isinstance(dialog, IconDialog)
    assert dialog.icons.item(0).text() == "GitHub"  # the issuer's icon first
    dialog.icons.setCurrentRow(0)
    dialog.save()
    icon = _stored_icon(vault_path)
    assert (icon.kind, icon.mime, icon.data) == (IconKind.IMAGE, "image/svg+xml", SVG)

    dialog = unlocked.accounts.choose_icon()
    letter = next(
        b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Letter avatar"
    )
    letter.click()
    dialog.save()
    assert _stored_icon(vault_path).kind is IconKind.LETTER


def test_a_picture_file_as_icon_is_checked(
    qtbot: QtBot, unlocked, tmp_path: Path, vault_path: Path
) -> None:
    unlocked.select_account(_github(unlocked).id)
    dialog = unlocked.accounts.choose_icon()
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 300_000)
    dialog.use_file(big)
    assert "larger than 256 KB" in dialog.message.text()
    fake = tmp_path / "fake.svg"
    fake.write_bytes(b"<html>not a picture</html>")
    dialog.use_file(fake)
    assert "cannot be drawn" in dialog.message.text()
    good = tmp_path / "logo.svg"
    good.write_bytes(SVG)
    dialog.use_file(good)
    dialog.save()
    assert _stored_icon(vault_path).data == SVG


def test_letter_avatars_are_steady(unlocked) -> None:
    github = _github(unlocked)
    assert letter_of(github) == "G"
    assert colour_of(github) == colour_of(github)
    assert _image(unlocked, github) == _image(unlocked, github)


def _grey_png(side: int) -> bytes:
    """A grey RGB PNG of `side` x `side` pixels, written by hand (compresses to little)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * side * 3
    body = b"".join(rows.compress(row) for _ in range(side)) + rows.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def test_an_icon_of_millions_of_pixels_is_not_decoded(qtbot: QtBot) -> None:
    """60 KB of PNG from an icon pack (or a chosen file) declared 4000 x 4000 pixels: each
    such icon took 170 MB and a noticeable pause on the UI thread, for every row."""
    from desktop_2fa.ui.avatars import render
    from desktop_2fa.vault.model import MAX_ICON_BYTES

    huge = _grey_png(4000)
    assert len(huge) < MAX_ICON_BYTES  # within every size limit of packs and the vault
    assert render(huge, "image/png", 32) is None  # the letter avatar instead
    drawn = render(_grey_png(256), "image/png", 32)
    assert drawn is not None and QColor(drawn.toImage().pixel(16, 16)).red() == 0x80
