"""Auto-lock: notice when nobody has used the app for a while (issue 6, default 5 minutes).

An application-wide event filter notes the time of the last key press, click,
scroll or mouse move; a single-shot timer checks it when the idle time could
have run out, and re-arms itself for the remainder when there was activity.
Nothing is restarted per event, so watching costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` once after `minutes` without user input while `start`ed.

    Signals:
        idle(): the idle time ran out.
    """

    idle = Signal()

    def __init__(self, monotonic: Callable[[], float], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._last = monotonic()
        self._seconds = 5 * 60.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        """0 turns auto-lock off."""
        self._seconds = max(0.0, minutes * 60.0)
        if self._timer.isActive():
            self.start()

    def start(self) -> None:
        self._last = self._monotonic()
        if self._seconds > 0:
            self._timer.start(int(self._seconds * 1000))

    def stop(self) -> None:
        self._timer.stop()

    def touch(self) -> None:
        """Count as activity (e.g. a code copied from the tray)."""
        self._last = self._monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = self._monotonic()
        return False

    def _check(self) -> None:
        remaining = self._seconds - (self._monotonic() - self._last)
        if remaining <= 0:
            self.idle.emit()
        else:
            self._timer.start(max(100, int(remaining * 1000)))
