"""Copying codes safely (what the clipboard offers to add is `intake.py`'s).

A copied code is marked as a secret for clipboard managers
(`x-kde-passwordManagerHint: secret`, honoured by Klipper and others) and is
cleared after `Settings.clipboard_clear_seconds`, but only if the clipboard
still holds our code: something the user copied since is never thrown away.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard

MANAGER_HINT = "x-kde-passwordManagerHint"  # clipboard managers: do not keep this


class ClipboardGuard(QObject):
    """Puts codes on the clipboard and takes them off again.

    Signals:
        copied(): a code was put on the clipboard.
        cleared(): our code was removed (timer, lock or quit).
    """

    copied = Signal()
    cleared = Signal()

    def __init__(self, clipboard: QClipboard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._ours: str | None = None
        self.clear_seconds = 30
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_if_ours)

    @property
    def holds_ours(self) -> bool:
        return self._ours is not None and self._clipboard.text() == self._ours

    def copy(self, text: str) -> None:
        mime = QMimeData()
        mime.setText(text)
        mime.setData(MANAGER_HINT, b"secret")
        self._clipboard.setMimeData(mime)
        self._ours = text
        if self.clear_seconds > 0:
            self._timer.start(self.clear_seconds * 1000)
        self.copied.emit()

    def clear_if_ours(self) -> None:
        """Clear the clipboard if it still holds the code we put there."""
        self._timer.stop()
        if self.holds_ours:
            self._clipboard.clear()
            self.cleared.emit()
        self._ours = None
