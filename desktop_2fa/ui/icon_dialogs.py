"""Choose an account's icon, and manage the installed icon packs (Aegis's format).

The icon dialog offers the icon packs' icons for the account's issuer first
(Aegis's suggestions), a filter over every installed icon, the generated
letter avatar, "automatic" (a pack's icon for the issuer when there is one)
and a picture from a file. A chosen picture is copied into the vault, so it
stays when the pack goes. Nothing is fetched from the network.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core.text import shown
from desktop_2fa.iconpacks.errors import IconPackError
from desktop_2fa.iconpacks.library import IconRef
from desktop_2fa.iconpacks.pack import MAX_PACK_BYTES, looks_like, mime_of
from desktop_2fa.ui import messages
from desktop_2fa.ui.avatars import Avatars, render
from desktop_2fa.ui.prompts import close_box, message_line
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import MAX_ICON_BYTES, AccountIcon, IconKind

ICON = 40
PICTURES = "Pictures (*.svg *.png *.jpg *.jpeg)"


def read_picture(path: Path) -> AccountIcon:
    """A picture file as an account icon.

    Raises:
        ValueError: not an SVG, PNG or JPEG that draws, or larger than 256 KB.
        OSError: the file cannot be read.
    """
    mime = mime_of(path.name)
    if mime is None:
        raise ValueError(f"{path.name} is not an SVG, PNG or JPEG picture")
    with path.open("rb") as f:
        data = f.read(MAX_ICON_BYTES + 1)
    if len(data) > MAX_ICON_BYTES:
        raise ValueError(f"{path.name} is larger than 256 KB; choose a smaller picture")
    if not looks_like(mime, data) or render(data, mime, 16) is None:
        raise ValueError(f"{path.name} cannot be drawn as a {mime.split('/')[1].upper()} picture")
    return AccountIcon(IconKind.IMAGE, data, mime)


class IconDialog(QDialog):
    """Pick one account's icon; the choice is saved when OK is pressed."""

    def __init__(  # noqa: PLR0915 - a flat list of widgets and layouts
        self,
        session: VaultSession,
        avatars: Avatars,
        account_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.avatars = avatars
        self.account_id = account_id
        account = session.account(account_id)
        self.issuer = account.issuer if account is not None else ""
        self.chosen: AccountIcon | None = account.icon if account is not None else None
        self.setWindowTitle(f"Icon: {shown(account.label) if account is not None else ''}")
        self.setAccessibleName("Choose an icon")

        self.preview = QLabel()
        self.preview.setAccessibleName("Chosen icon")
        self.preview.setFixedSize(64, 64)
        self.preview_text = QLabel()
        self.preview_text.setWordWrap(True)
        self.preview_text.setAccessibleName("Chosen icon description")
        top = QHBoxLayout()
        top.addWidget(self.preview)
        top.addWidget(self.preview_text, 1)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter the icon packs' icons")
        self.filter.setAccessibleName("Filter icons")
        self.filter.textChanged.connect(self._fill)
        self.icons = QListWidget()
        self.icons.setAccessibleName("Icons")
        self.icons.setViewMode(QListView.ViewMode.IconMode)
        self.icons.setIconSize(QSize(ICON, ICON))
        self.icons.setResizeMode(QListView.ResizeMode.Adjust)
        self.icons.setGridSize(QSize(ICON + 48, ICON + 36))
        self.icons.setWordWrap(True)
        self.icons.currentItemChanged.connect(lambda item, _old: self._picked(item))
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No icon packs")

        auto = QPushButton("&Automatic")
        auto.setAccessibleName("Automatic icon")
        auto.setToolTip("An icon pack's icon for the issuer when there is one, else the letter")
        auto.clicked.connect(lambda: self._set(AccountIcon(IconKind.AUTO)))
        letter = QPushButton("&Letter")
        letter.setAccessibleName("Letter avatar")
        letter.clicked.connect(lambda: self._set(AccountIcon(IconKind.LETTER)))
        picture = QPushButton("From a &file…")
        picture.setAccessibleName("Icon from a file")
        picture.clicked.connect(self.choose_file)
        packs = QPushButton("Icon &packs…")
        packs.setAccessibleName("Manage icon packs")
        packs.clicked.connect(self.manage_packs)
        row = QHBoxLayout()
        for button in (auto, letter, picture, packs):
            row.addWidget(button)
        row.addStretch(1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setAccessibleName("Use this icon")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.icons, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 480)
        self._fill()
        self._show_choice()

    def _fill(self) -> None:
        library = self.avatars.library
        text = self.filter.text()
        refs = library.search(text) if text.strip() else library.suggestions(self.issuer)
        if not text.strip():  # the issuer's icons first, then the rest of the packs
            seen = {ref.key for ref in refs}
            refs += [ref for ref in library.search("") if ref.key not in seen]
        self.icons.clear()
        for ref in refs[:300]:
            item = QListWidgetItem(shown(ref.icon.name))  # names come from the pack's file
            item.setData(Qt.ItemDataRole.UserRole, ref)
            item.setToolTip(f"{shown(ref.icon.name)} ({shown(ref.pack.name)})")
            pixmap = self._pack_pixmap(ref)
            if pixmap is not None:
                item.setIcon(QIcon(pixmap))
            self.icons.addItem(item)
        if not library.packs:
            self.empty.setText(
                "No icon pack is installed. Icon packs in Aegis's format (a .zip file, "
                "such as the aegis-icons pack) are added with Icon packs…."
            )
        self.empty.setVisible(not library.packs)

    def _pack_pixmap(self, ref: IconRef):  # type: ignore[no-untyped-def]
        try:
            return render(self.avatars.library.read(ref), ref.icon.mime, ICON)
        except IconPackError:
            return None

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        ref: IconRef = item.data(Qt.ItemDataRole.UserRole)
        try:
            data = self.avatars.library.read(ref)
        except IconPackError as e:
            self.message.setText(messages.describe(e))
            return
        self._set(AccountIcon(IconKind.IMAGE, data, ref.icon.mime), ref.icon.name)

    def _set(self, icon: AccountIcon, name: str = "") -> None:
        self.chosen = icon
        self._show_choice(name)

    def _show_choice(self, name: str = "") -> None:
        account = self.session.account(self.account_id)
        if account is None or self.chosen is None:
            return
        import dataclasses

        shown = dataclasses.replace(account, icon=self.chosen)
        self.preview.setPixmap(self.avatars.pixmap(shown, 64))
        kind = self.chosen.kind
        self.preview_text.setText(
            name
            or {
                IconKind.AUTO: "Automatic: an icon pack's icon for the issuer, else the letter.",
                IconKind.LETTER: "The letter avatar.",
                IconKind.IMAGE: "A picture of its own.",
            }[kind]
        )

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a picture", "", PICTURES)
        if path:
            self.use_file(Path(path))

    def use_file(self, path: Path) -> None:
        try:
            self._set(read_picture(path), path.name)
        except (ValueError, OSError) as e:
            self.message.setText(
                messages.describe(e) if isinstance(e, OSError) else messages.sentence(str(e))
            )

    def manage_packs(self) -> None:
        dialog = IconPacksDialog(self.avatars, self)
        dialog.changed.connect(self._fill)
        dialog.changed.connect(self._show_choice)
        dialog.open()

    def save(self) -> None:
        if self.chosen is None:
            self.reject()
            return
        icon, now = self.chosen, self.session.services.now()
        try:
            self.session.update(lambda d: edits.set_icon(d, self.account_id, icon, now))
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.accept()


class IconPacksDialog(QDialog):
    """The installed icon packs: add one from a .zip file, remove one.

    Signals:
        changed(): a pack was installed or removed (pictures must be drawn again).
    """

    changed = Signal()

    def __init__(self, avatars: Avatars, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.avatars = avatars
        self.setWindowTitle("Icon packs")
        self.setAccessibleName("Icon packs")
        intro = QLabel(
            "Icon packs give accounts the logo of their service, matched by issuer. They "
            "use Aegis's format: a .zip file with a pack.json (the aegis-icons pack is "
            "one). Nothing is downloaded: choose a pack file you have."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Explanation")
        self.list = QListWidget()
        self.list.setAccessibleName("Installed icon packs")
        add = QPushButton("&Add a pack…")
        add.setAccessibleName("Add an icon pack")
        add.clicked.connect(self.choose_file)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setAccessibleName("Remove the icon pack")
        self.remove_button.clicked.connect(self.remove_current)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.message = message_line()
        buttons = close_box(self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(480, 360)
        self._fill()

    def _fill(self) -> None:
        library = self.avatars.library
        self.list.clear()
        for pack in library.packs:
            item = QListWidgetItem(
                f"{shown(pack.name)} (version {pack.version}, {len(pack.icons)} icons)"
            )
            item.setData(Qt.ItemDataRole.UserRole, pack.uuid)
            self.list.addItem(item)
        if library.problems:
            self.message.setText("Could not read: " + "; ".join(library.problems[:3]))
        self.remove_button.setEnabled(bool(library.packs))
        if library.packs:
            self.list.setCurrentRow(0)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose an icon pack", "", "Icon packs (*.zip)")
        if path:
            self.install(Path(path))

    def install(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_PACK_BYTES:
                raise IconPackError(f"The file {path.name} is larger than 64 MB: not an icon pack")
            pack = self.avatars.library.install(path.read_bytes(), path.name)
        except (IconPackError, OSError) as e:
            self.message.setText(messages.describe(e))
            return
        self.avatars.clear()
        self._fill()
        self.message.setText(f"Installed {shown(pack.name)} ({len(pack.icons)} icons).")
        self.changed.emit()

    def remove_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self.avatars.library.remove(item.data(Qt.ItemDataRole.UserRole))
        except OSError as e:
            self.message.setText(messages.describe(e))
            return
        self.avatars.clear()
        self._fill()
        self.message.setText("Removed. Accounts that chose one of its icons keep their copy.")
        self.changed.emit()
