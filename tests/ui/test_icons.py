"""Account icons: icon packs in Aegis's format, a chosen icon per account, letter avatars."""

from __future__ import annotations

from pathlib import Path

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
