"""The View menu: sort, density, digit grouping, next code, tap-to-reveal, theme.

Each choice is a vault setting (`Settings`), so it travels with the vault; the
menu is built from `CHOICES` and `TOGGLES`, checked from the settings, and a
pick is saved as one edit (`edits.replace_settings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from desktop_2fa.vault.model import Density, DigitGrouping, Settings, SortMode, Theme

CHOICES: tuple[tuple[str, str, tuple[tuple[str, Enum], ...]], ...] = (
    ("&Sort by", "sort", (
        ("&Custom (drag and drop)", SortMode.CUSTOM),
        ("&Name", SortMode.NAME),
        ("&Issuer", SortMode.ISSUER),
        ("&Most used", SortMode.MOST_USED),
        ("&Recently used", SortMode.RECENTLY_USED),
    )),
    ("&Density", "density", (
        ("&Normal", Density.NORMAL),
        ("&Compact", Density.COMPACT),
        ("&Small", Density.SMALL),
    )),
    ("Digit &grouping", "digit_grouping", (
        ("&Halves (123 456)", DigitGrouping.HALVES),
        ("&Pairs (12 34 56)", DigitGrouping.PAIRS),
        ("N&one (123456)", DigitGrouping.NONE),
    )),
    ("&Theme", "theme", (
        ("&System", Theme.SYSTEM),
        ("&Light", Theme.LIGHT),
        ("&Dark", Theme.DARK),
    )),
)  # fmt: skip

TOGGLES = (
    ("Show the &next code", "show_next_code"),
    ("Tap to &reveal codes", "tap_to_reveal"),
)


class ViewMenu:
    """Fills `menu`; `show(settings)` checks the current choices, `changed` saves one."""

    def __init__(self, menu: QMenu, changed: Callable[[Settings], object]) -> None:
        self.menu = menu
        self._changed = changed
        self._settings = Settings()
        self.actions: dict[tuple[str, object], QAction] = {}
        for title, field, options in CHOICES:
            sub = menu.addMenu(title)
            group = QActionGroup(sub)
            for text, value in options:
                action = QAction(text, sub, checkable=True)
                group.addAction(action)
                sub.addAction(action)
                action.triggered.connect(lambda _checked=False, f=field, v=value: self._pick(f, v))
                self.actions[(field, value)] = action
        menu.addSeparator()
        for text, field in TOGGLES:
            action = QAction(text, menu, checkable=True)
            menu.addAction(action)
            action.triggered.connect(lambda checked, f=field: self._pick(f, bool(checked)))
            self.actions[(field, True)] = action

    def show(self, settings: Settings) -> None:
        self._settings = settings
        for (field, value), action in self.actions.items():
            action.setChecked(getattr(settings, field) == value)

    def _pick(self, field: str, value: object) -> None:
        if getattr(self._settings, field) == value:
            return
        self._changed(dataclasses.replace(self._settings, **{field: value}))

    def action(self, field: str, value: object = True) -> QAction:
        return self.actions[(field, value)]
