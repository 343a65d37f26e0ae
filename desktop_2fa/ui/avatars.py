"""Account pictures: the account's own icon, an icon pack's, or a generated letter avatar.

Every picture is drawn once per size and kept (`Avatars.pixmap`), so the list
paints a cached pixmap per row; the once-a-second refresh draws no icon at all
(only the countdown pies). Pictures come from the vault or from installed icon
packs on disk, never from the network. An SVG is drawn by Qt's SVG renderer
(no scripts, no external references); a picture that does not render falls
back to the letter avatar.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QBuffer, QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPainterPath, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop_2fa.iconpacks.errors import IconPackError
from desktop_2fa.iconpacks.library import IconLibrary
from desktop_2fa.vault.model import Account, IconKind

# A picture's bytes are bounded (MAX_ICON_BYTES), but a PNG or JPEG of a few KB can
# declare millions of pixels: decoding one such "icon" took 170 MB and a pause on the
# UI thread. Icons are drawn at 64 pixels at most; no real one needs more than this.
MAX_ICON_PIXELS = 1024 * 1024

# Letter avatar colours: mid-tone, legible with white text on light and dark themes.
COLOURS = (
    "#1f6feb", "#8250df", "#bf3989", "#cf222e", "#bc4c00", "#9a6700",
    "#1a7f37", "#0a7d8c", "#5a5fcf", "#6e7781", "#b35900", "#2f7d5b",
)  # fmt: skip


def letter_of(account: Account) -> str:
    for char in account.issuer or account.name:
        if char.isalnum():
            return char.upper()
    return "?"


def colour_of(account: Account) -> QColor:
    # crc32, not hash(): the same account keeps its colour across runs.
    key = (account.issuer or account.name).casefold().encode()
    return QColor(COLOURS[zlib.crc32(key) % len(COLOURS)])


def letter_avatar(letter: str, colour: QColor, size: int, ratio: float = 1.0) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(0, 0, size, size))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, round(size * 0.5)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return pixmap


def render(data: bytes, mime: str, size: int, ratio: float = 1.0) -> QPixmap | None:
    """An icon's bytes drawn into a `size` square (aspect kept), or None if they do not draw."""
    side = round(size * ratio)
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if mime == "image/svg+xml":
        renderer = QSvgRenderer(QByteArray(data))
        if not renderer.isValid():
            return None
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, side, side))
        painter.end()
    else:
        buffer = QBuffer()  # kept in a name: the reader does not own its device
        buffer.setData(QByteArray(data))
        reader = QImageReader(buffer)
        declared = reader.size()  # from the header, before anything is decoded
        if not declared.isValid() or declared.width() * declared.height() > MAX_ICON_PIXELS:
            return None
        source = reader.read()
        if source.isNull():
            return None
        scaled = source.scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(0, 0, side, side), side * 0.2, side * 0.2)
        painter.setClipPath(clip)
        painter.drawImage((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
        painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class Avatars:
    """Pixmaps for accounts, drawn once per picture and size."""

    def __init__(self, library: IconLibrary) -> None:
        self.library = library
        self._cache: dict[object, QPixmap] = {}

    def clear(self) -> None:
        """Forget every drawn picture (on lock, or when packs change)."""
        self._cache.clear()

    def pixmap(self, account: Account, size: int, ratio: float = 1.0) -> QPixmap:
        icon = account.icon
        if icon.kind is IconKind.IMAGE:
            key: object = ("own", account.id, hash(icon.data), size, ratio)
            found = self._cache.get(key)
            if found is None:
                found = render(icon.data, icon.mime, size, ratio) or self._letter(
                    account, size, ratio
                )
                self._cache[key] = found
            return found
        if icon.kind is IconKind.AUTO:
            ref = self.library.match(account.issuer)
            if ref is not None:
                key = ("pack", ref.key, size, ratio)
                found = self._cache.get(key)
                if found is None:
                    found = self._from_pack(ref, size, ratio) or self._letter(account, size, ratio)
                    self._cache[key] = found
                return found
        return self._letter(account, size, ratio)

    def _from_pack(self, ref: object, size: int, ratio: float) -> QPixmap | None:
        try:
            data = self.library.read(ref)  # type: ignore[arg-type]
        except IconPackError:
            return None
        return render(data, ref.icon.mime, size, ratio)  # type: ignore[attr-defined]

    def _letter(self, account: Account, size: int, ratio: float) -> QPixmap:
        letter, colour = letter_of(account), colour_of(account)
        key = ("letter", letter, colour.rgb(), size, ratio)
        found = self._cache.get(key)
        if found is None:
            found = letter_avatar(letter, colour, size, ratio)
            self._cache[key] = found
        return found
