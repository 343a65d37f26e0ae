"""Light and dark: follow the system's colour scheme, or the user's override.

Qt reports the system's scheme (`QStyleHints.colorScheme`, Qt 6.5+) and says
when it changes; `Theme.SYSTEM` follows it. Light and dark are whole palettes
set on the application, so every window, dialog and the codes list (which
paints with the palette) follow at once. The choice lives in the vault's
settings; before the first unlock the app follows the system.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop_2fa.vault.model import Theme

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#26272b",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#3c4043",
    QPalette.ColorRole.Midlight: "#333538",
    QPalette.ColorRole.Mid: "#4a4d51",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7be0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
}
_DISABLED = {
    QPalette.ColorRole.WindowText: "#7c7f83",
    QPalette.ColorRole.Text: "#7c7f83",
    QPalette.ColorRole.ButtonText: "#7c7f83",
    QPalette.ColorRole.HighlightedText: "#b8bcc2",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark(theme: Theme) -> bool:
    return theme is Theme.DARK or (theme is Theme.SYSTEM and system_is_dark())


class ThemeKeeper(QObject):
    """Applies a theme to the application and re-applies it when the system's changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.theme = Theme.SYSTEM
        self.dark = False
        # The platform's own (light) palette, put back when leaving dark.
        self._light = QGuiApplication.palette()
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self._apply())
        self._apply()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._apply()

    def _apply(self) -> None:
        dark = is_dark(self.theme)
        if dark == self.dark:
            return
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        self.dark = dark
        app.setPalette(dark_palette() if dark else self._light)
