"""A password box with a show/hide toggle, and the check of the vault password.

The toggle is a checkable action inside the box (an eye); `conceal()` hides
the text again (on lock, on reset). `check_vault_password` is what "behind the
vault password" means for export, Show QR code and Show secret: the password
is checked against the vault file itself (Argon2id, in a worker), never
compared with anything kept in memory.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_2fa.ui import jobs
from desktop_2fa.ui.session import VaultSession


def _eye(open_: bool, colour: QColor) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2.4))
    outline = QPainterPath(QPointF(3, 16))
    outline.quadTo(QPointF(16, 2), QPointF(29, 16))
    outline.quadTo(QPointF(16, 30), QPointF(3, 16))
    painter.drawPath(outline)
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(12, 12, 8, 8))
    if not open_:
        painter.drawLine(QPointF(5, 27), QPointF(27, 5))
    painter.end()
    return QIcon(pixmap)


class PasswordField(QLineEdit):
    """A `QLineEdit` in password mode with a "Show password" toggle."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setAccessibleName(name)
        self._icons = self._draw()
        self.toggle = QAction(self._icons[0], "Show password", self)
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Show password")
        self.toggle.toggled.connect(self._toggled)
        self.addAction(self.toggle, QLineEdit.ActionPosition.TrailingPosition)

    def _draw(self) -> tuple[QIcon, QIcon]:
        colour = self.palette().text().color()
        return _eye(True, colour), _eye(False, colour)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: the eye follows
            self._icons = self._draw()
            self.toggle.setIcon(self._icons[1] if self.toggle.isChecked() else self._icons[0])

    def _toggled(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setIcon(self._icons[1] if shown else self._icons[0])
        text = "Hide password" if shown else "Show password"
        self.toggle.setText(text)
        self.toggle.setToolTip(text)

    def conceal(self) -> None:
        """Hide the text again."""
        self.toggle.setChecked(False)


def check_vault_password(
    session: VaultSession, password: str, parent: QObject | None = None
) -> jobs.Job:
    """Check `password` against the vault file in a worker.

    The job succeeds (with None) when it opens the vault, and fails with
    `WrongPassword` (or what else opening raised) otherwise. The copy it opened
    is locked at once; the session's vault is not touched.
    """
    vault_file = session.services.vault_file

    def work() -> None:
        vault_file.unlock(password).lock()

    return jobs.start(work, parent)
