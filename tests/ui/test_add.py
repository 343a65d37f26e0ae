"""Adding accounts: paste, image file, drop, manual entry, screen, camera, import; edit, delete."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from desktop_2fa.core import migration, uri
from desktop_2fa.scan.errors import NoCamera
from desktop_2fa.ui import prompts
from desktop_2fa.ui.add_dialog import AddDialog
from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.ui.import_dialog import ImportDialog
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import GITHUB, PASSWORD

DROPBOX = "otpauth://totp/Dropbox:bob%40example.com?secret=NBSWY3DPO5XXE3DE&issuer=Dropbox"


def qr_png(path: Path, text: str) -> Path:
    segno.make(text, error="m").save(str(path), scale=6, border=4)
    return path


def qr_pixels(text: str) -> np.ndarray:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=4)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    return image


def stored_issuers(vault_path: Path) -> set[str]:
    return {a.issuer for a in VaultFile(vault_path).unlock(PASSWORD).data.accounts}


def _dialog(win, kind):
    found = [d for d in win.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def test_add_by_paste_anywhere_in_the_window(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    QGuiApplication.clipboard().setText(DROPBOX)
    qtbot.keyClick(unlocked, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(unlocked, AddDialog)
    assert dialog.tabs.currentWidget() is dialog.link_tab
    assert dialog.issuer.text() == "Dropbox" and dialog.name.text() == "bob@example.com"
    assert dialog.add_button.isEnabled()
    dialog.group.setCurrentText("Work")
    dialog.add_button.click()
    assert not dialog.isVisible()
    assert "Dropbox" in stored_issuers(vault_path)
    added = unlocked.current_account()
    assert added.issuer == "Dropbox" and added.group == "Work"


def test_paste_in_the_search_box_takes_a_link(qtbot: QtBot, unlocked) -> None:
    QGuiApplication.clipboard().setText(DROPBOX)
    unlocked.codes_page.search.setFocus()
    qtbot.keyClick(unlocked.codes_page.search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert _dialog(unlocked, AddDialog).issuer.text() == "Dropbox"
    assert unlocked.codes_page.search.text() == ""


def test_paste_typed_into_the_link_tab(qtbot: QtBot, unlocked) -> None:
    dialog = unlocked.dialogs.add_account()
    dialog.link_tab.edit.setPlainText("otpauth://totp/X?secret=123")
    assert "secret" in dialog.message.text().lower() and not dialog.add_button.isEnabled()
    dialog.link_tab.edit.setPlainText("https://example.com")
    assert "not an otpauth" in dialog.message.text()
    dialog.link_tab.edit.setPlainText(DROPBOX)
    assert dialog.add_button.isEnabled()


def test_add_by_image_file(qtbot: QtBot, unlocked, tmp_path: Path, vault_path: Path) -> None:
    png = qr_png(tmp_path / "qr.png", DROPBOX)
    dialog = unlocked.dialogs.add_account()
    dialog.load_file(png)
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=10_000)
    assert dialog.issuer.text() == "Dropbox"
    assert "qr.png" in dialog.message.text()
    dialog.add_button.click()
    assert "Dropbox" in stored_issuers(vault_path)


def test_image_without_a_qr_code_says_so(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    QImage(120, 120, QImage.Format.Format_RGB32).save(str(blank))
    dialog = unlocked.dialogs.add_account()
    dialog.load_file(blank)
    qtbot.waitUntil(lambda: "No QR code" in dialog.message.text(), timeout=10_000)
    assert not dialog.add_button.isEnabled()


def test_drop_an_image_file_on_the_window(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    png = qr_png(tmp_path / "drop.png", DROPBOX)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png))])
    point = QPoint(10, 10).toPointF()
    with warnings.catch_warnings():  # PySide6 marks the only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            point.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
    enter.setAccepted(False)
    unlocked.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    # QApplication only delivers drops during a real drag; call the handler as Qt would.
    unlocked.dropEvent(drop)
    dialog = _dialog(unlocked, AddDialog)
    qtbot.waitUntil(lambda: dialog.issuer.text() == "Dropbox", timeout=10_000)


def test_paste_a_qr_image(qtbot: QtBot, unlocked) -> None:
    pixels = cv2.cvtColor(qr_pixels(DROPBOX), cv2.COLOR_BGR2RGB)
    height, width = pixels.shape[:2]
    image = QImage(
        pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888
    ).copy()
    QGuiApplication.clipboard().setImage(image)
    unlocked.paste()
    dialog = _dialog(unlocked, AddDialog)
    qtbot.waitUntil(lambda: dialog.issuer.text() == "Dropbox", timeout=10_000)


def test_manual_entry_validates_with_the_core(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    dialog = unlocked.dialogs.add_account()
    dialog.tabs.setCurrentWidget(dialog.manual_tab)
    dialog.issuer.setText("Example")
    dialog.manual_tab.secret.setText("JBSW Y3DP EHPK 3PX!")
    assert "not valid base32" in dialog.message.text()
    assert not dialog.add_button.isEnabled()
    dialog.manual_tab.secret.setText("jbsw y3dp ehpk 3pxq")
    dialog.manual_tab.digits.setValue(8)
    assert dialog.add_button.isEnabled()
    assert "8 digits" in dialog.summary.text()
    dialog.add_button.click()
    stored = VaultFile(vault_path).unlock(PASSWORD).data.accounts
    example = next(a for a in stored if a.issuer == "Example")
    assert example.params.digits == 8


def test_duplicate_is_refused_in_words(qtbot: QtBot, unlocked) -> None:
    dialog = unlocked.dialogs.add_account()
    dialog.set_uri(GITHUB)
    dialog.add_button.click()
    assert dialog.isVisible()
    assert "already in the vault" in dialog.message.text()


def test_scan_screen(qtbot: QtBot, unlocked) -> None:
    screen = np.full((900, 1400, 3), 255, np.uint8)
    qr = qr_pixels(DROPBOX)
    screen[100 : 100 + qr.shape[0], 600 : 600 + qr.shape[1]] = qr
    unlocked.grab_screens = lambda: [screen]
    dialog = unlocked.dialogs.add_account()
    dialog.tabs.setCurrentWidget(dialog.screen_tab)
    dialog.screen_tab.hide_windows = False
    dialog.screen_tab.button.click()
    qtbot.waitUntil(lambda: dialog.issuer.text() == "Dropbox", timeout=10_000)
    assert "the screen" in dialog.message.text()


class FakeCamera:
    def __init__(self, frames: list[np.ndarray]) -> None:
        self.frames = frames
        self.index = 0
        self.closed = False

    def read(self) -> np.ndarray:
        return self.frames[min(len(self.frames) - 1, 0)] if self.frames else None

    def __enter__(self) -> FakeCamera:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


def test_camera_preview_stops_on_the_first_qr(qtbot: QtBot, unlocked) -> None:
    camera = FakeCamera([qr_pixels(DROPBOX)])
    unlocked.open_camera = lambda index: camera
    dialog = unlocked.dialogs.add_account()
    dialog.tabs.setCurrentWidget(dialog.camera_tab)
    dialog.camera_tab.button.click()
    qtbot.waitUntil(lambda: dialog.issuer.text() == "Dropbox", timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.camera_tab.running, timeout=5000)
    assert camera.closed
    assert dialog.camera_tab.preview.pixmap() is not None


def test_no_camera_is_a_clear_message(qtbot: QtBot, unlocked) -> None:
    def no_camera(index: int) -> None:
        raise NoCamera(index)

    unlocked.open_camera = no_camera
    dialog = unlocked.dialogs.add_account()
    dialog.tabs.setCurrentWidget(dialog.camera_tab)
    dialog.camera_tab.start()
    qtbot.waitUntil(lambda: "No camera was found" in dialog.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: not dialog.camera_tab.running, timeout=5000)


def test_google_migration_goes_to_the_import_flow(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    specs = [
        uri.parse(DROPBOX),
        uri.parse("otpauth://totp/Slack:carol?secret=ORSXG5BAMFRGG3DF&issuer=Slack"),
    ]
    payload = migration.MigrationPayload(
        tuple(migration.from_account(s) for s in specs), 1, 1, 0, 7
    )
    link = migration.format_uri(payload)
    dialog = unlocked.dialogs.add_account()
    dialog.set_uri(link)
    importer = _dialog(unlocked, ImportDialog)
    qtbot.waitUntil(lambda: importer.entries.count() == 2, timeout=10_000)
    assert importer.import_button.isEnabled()
    with qtbot.waitSignal(importer.imported, timeout=10_000):
        importer.import_button.click()
    assert {"Dropbox", "Slack"} <= stored_issuers(vault_path)


def test_import_an_export_file_marks_duplicates(qtbot: QtBot, unlocked, tmp_path: Path) -> None:
    export = tmp_path / "accounts.txt"
    export.write_text(f"{GITHUB}\n{DROPBOX}\n")
    dialog = unlocked.dialogs.open_import()
    dialog.add_paths([export])
    qtbot.waitUntil(lambda: dialog.entries.count() == 2, timeout=10_000)
    assert "already in the vault" in dialog.entries.item(0).text()
    assert dialog.import_button.text() == "&Import 1 account"
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    assert unlocked.model.rowCount() == 4


def test_edit_an_account(qtbot: QtBot, unlocked) -> None:
    index = next(
        unlocked.proxy.index(r, 0)
        for r in range(3)
        if unlocked.proxy.index(r, 0).data(CodeRole.ISSUER) == "GitHub"
    )
    unlocked.view.setCurrentIndex(index)
    dialog = unlocked.accounts.edit_current()
    dialog.issuer.setText("GitHub Enterprise")
    dialog.group.setCurrentText("Work")
    dialog.save()
    assert unlocked.current_account().issuer == "GitHub Enterprise"
    assert unlocked.codes_page.groups.isVisible()


@pytest.mark.parametrize("answer", [True, False])
def test_delete_asks_and_can_be_undone(
    qtbot: QtBot, unlocked, monkeypatch: pytest.MonkeyPatch, vault_path: Path, answer: bool
) -> None:
    monkeypatch.setattr(prompts, "confirm", lambda *args: answer)
    unlocked.view.setCurrentIndex(unlocked.proxy.index(0, 0))
    account = unlocked.current_account()
    unlocked.delete_action.trigger()
    if not answer:
        assert unlocked.model.rowCount() == 3
        return
    assert unlocked.model.rowCount() == 2
    assert unlocked.codes_page.notice.isVisible()
    assert unlocked.codes_page.notice.button.isVisible()
    assert account.issuer not in stored_issuers(vault_path)
    qtbot.keyClick(unlocked.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert unlocked.model.rowCount() == 3
    restored = unlocked.session.account(account.id)
    assert restored == account  # same id, secret, backup codes and dates
    assert account.issuer in stored_issuers(vault_path)


def test_link_given_while_locked_opens_after_unlock(qtbot: QtBot, window, stored_vault) -> None:
    from tests.ui.conftest import unlock

    stored_vault()
    window.unlock_page.reset()
    window.open_uri(DROPBOX)
    assert not window.findChildren(AddDialog)
    unlock(qtbot, window)
    assert _dialog(window, AddDialog).issuer.text() == "Dropbox"


def test_a_failed_image_leaves_nothing_to_add(
    qtbot: QtBot, unlocked, tmp_path: Path, vault_path: Path
) -> None:
    dialog = unlocked.dialogs.add_account()
    dialog.load_file(qr_png(tmp_path / "qr.png", DROPBOX))
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=10_000)
    blank = tmp_path / "blank.png"
    QImage(120, 120, QImage.Format.Format_RGB32).save(str(blank))
    dialog.load_file(blank)
    qtbot.waitUntil(lambda: "No QR code" in dialog.message.text(), timeout=10_000)
    assert not dialog.add_button.isEnabled()
    dialog.add()
    assert "Dropbox" not in stored_issuers(vault_path)
    assert unlocked.model.rowCount() == 3


def test_the_manual_tab_keeps_the_scanned_secret(qtbot: QtBot, unlocked, vault_path: Path) -> None:
    dialog = unlocked.dialogs.add_account()
    dialog.set_uri(DROPBOX)
    assert dialog.add_button.isEnabled()
    dialog.tabs.setCurrentWidget(dialog.manual_tab)
    assert dialog.manual_tab.secret.text().replace(" ", "") == "NBSWY3DPO5XXE3DE"
    assert dialog.add_button.isEnabled()
    dialog.manual_tab.digits.setValue(8)
    dialog.add_button.click()
    stored = VaultFile(vault_path).unlock(PASSWORD).data.accounts
    dropbox = next(a for a in stored if a.issuer == "Dropbox")
    assert dropbox.params.secret == uri.parse(DROPBOX).params.secret
    assert dropbox.params.digits == 8


def test_import_names_the_stored_account_a_secret_belongs_to(
    qtbot: QtBot, unlocked, tmp_path: Path
) -> None:
    same_secret = "otpauth://totp/Work%20Git:alice?secret=JBSWY3DPEHPK3PXP&issuer=Work%20Git"
    export = tmp_path / "accounts.txt"
    export.write_text(f"{same_secret}\n")
    dialog = unlocked.dialogs.open_import()
    dialog.add_paths([export])
    qtbot.waitUntil(lambda: dialog.entries.count() == 1, timeout=10_000)
    text = dialog.entries.item(0).text()
    assert "Work Git" in text and "GitHub (alice)" in text


def test_drop_an_export_file_on_the_window_opens_the_import(
    qtbot: QtBot, unlocked, tmp_path: Path
) -> None:
    export = tmp_path / "accounts.txt"
    export.write_text(f"{DROPBOX}\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    drop = QDropEvent(
        QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    unlocked.dropEvent(drop)
    importer = _dialog(unlocked, ImportDialog)
    qtbot.waitUntil(lambda: importer.entries.count() == 1, timeout=10_000)
    assert "Dropbox" in importer.entries.item(0).text()
