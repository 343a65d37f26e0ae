"""One way in for pasted or dropped links and images, and for the otpauth: URL handler.

Whatever arrives (Ctrl+V anywhere in the window, a drop, `desktop-2fa
otpauth://...` from a second start) becomes a `Pasted` here and is sent on:
a link, an image or an image file to the add dialog, any other file (another
app's export) to the import dialog. While the vault is locked the last one
waits and is sent on after unlock.

Signals (of `Intake`):
    add_requested(object): a `Pasted` for the add dialog.
    import_requested(object): a list of `SourceFile` for the import dialog.
    message(str): one sentence for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QKeySequence

from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui import messages

URI_SCHEMES = ("otpauth://", "otpauth-migration://")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
EXPORT_SUFFIXES = (".json", ".txt", ".2fas", ".aegis")
IMAGE_FILTER = (
    "Images and exports ("
    + " ".join(f"*{s}" for s in (*IMAGE_SUFFIXES, *EXPORT_SUFFIXES))
    + ");;All files (*)"
)


@dataclass(frozen=True, slots=True)
class Pasted:
    """What a paste or a drop offers: a link, an image, or a file."""

    text: str | None = None
    image: QImage | None = None
    path: Path | None = None

    @property
    def is_export_file(self) -> bool:
        return self.path is not None and not is_image_path(self.path)


def is_uri(text: str) -> bool:
    return text.strip().lower().startswith(URI_SCHEMES)


def is_image_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def pasted(mime: QMimeData | None, *, files: bool = False) -> Pasted | None:
    """An otpauth link, a QR image or an image file from clipboard or drop data, if any.

    Args:
        files: accept any local file too (a dropped export), not just images.
    """
    if mime is None:
        return None
    if mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            return Pasted(image=image)
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if is_image_path(path) or (files and path.is_file()):
                    return Pasted(path=path)
    if mime.hasText():
        text = mime.text().strip()
        if is_uri(text):
            return Pasted(text=text)
    return None


class Intake(QObject):
    """See the module docstring."""

    add_requested = Signal(object)
    import_requested = Signal(object)
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unlocked = False
        self._pending: Pasted | None = None

    def take(self, found: Pasted) -> None:
        """A link, image or file from paste, drop or the URL handler."""
        if not self.unlocked:
            self._pending = found
            self.message.emit("Unlock the vault to add the account.")
            return
        if found.is_export_file:
            assert found.path is not None
            try:
                data = found.path.read_bytes()
            except OSError as e:
                self.message.emit(messages.describe(e))
                return
            self.import_requested.emit([SourceFile(found.path.name, data)])
            return
        self.add_requested.emit(found)

    def set_unlocked(self, unlocked: bool) -> None:
        """After unlock, what waited is sent on; on lock, nothing waits any more."""
        self.unlocked = unlocked
        pending, self._pending = self._pending, None
        if unlocked and pending is not None:
            self.take(pending)

    def paste(self) -> None:
        """Ctrl+V: the clipboard's link or QR image."""
        found = pasted(QGuiApplication.clipboard().mimeData())
        if found is None:
            self.message.emit("The clipboard holds no otpauth:// link or QR code image.")
            return
        self.take(found)

    def drop_target(self, mime: QMimeData | None) -> Pasted | None:
        """What a drop on the window would bring (None: refuse the drag)."""
        return pasted(mime, files=True) if self.unlocked else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+V in a text field (the search box): a link or QR image is taken here."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and pasted(QGuiApplication.clipboard().mimeData()) is not None
        ):
            self.paste()
            return True
        return False
