"""Every command of the main window, in one table: text, shortcut, where it shows, when it works.

The menus, the toolbar, the list's context menu and the enabled states are all
built from `ACTIONS`, so a command is added in one place (issue 11: "one table
of actions"). `slot` names the method on the window or on one of its command
objects ("accounts.copy_current").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

Key = QKeySequence.StandardKey


class Needs(Enum):
    """When an action can run."""

    ALWAYS = auto()
    UNLOCKED = auto()
    ACCOUNT = auto()  # an account to act on: the current row, else the top match
    HOTP = auto()  # ... which is counter-based
    PENDING = auto()  # ... whose enrollment was never turned on
    CUSTOM = auto()  # ... in the custom sort (moving rows)
    UNDO = auto()  # a delete to undo


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str  # the window gets `<name>_action`
    text: str
    slot: str
    needs: Needs
    menu: str  # a key of MENUS
    shortcut: Key | str | None = None
    toolbar: int = 0  # its place on the toolbar (1, 2, ...); 0: not there
    context: bool = False  # in the list's right-click menu
    separator: bool = False  # a separator before it in its menu


MENUS = {"vault": "&Vault", "edit": "&Edit", "view": "Vie&w", "account": "&Account"}

ACTIONS: tuple[ActionSpec, ...] = (
    # --- Vault ---
    ActionSpec("add", "&Add account…", "dialogs.add_account", Needs.UNLOCKED, "vault",
               Key.New, toolbar=1),
    ActionSpec("import", "&Import…", "dialogs.open_import", Needs.UNLOCKED, "vault", "Ctrl+I"),
    ActionSpec("export", "E&xport…", "dialogs.open_export", Needs.UNLOCKED, "vault",
               "Ctrl+Shift+E"),
    ActionSpec("enroll", "&Enroll and test a server…", "dialogs.open_wizard", Needs.UNLOCKED,
               "vault", "Ctrl+E"),
    ActionSpec("icon_packs", "Icon pac&ks…", "dialogs.manage_icon_packs", Needs.UNLOCKED,
               "vault", separator=True),
    ActionSpec("settings", "&Settings…", "dialogs.open_settings", Needs.UNLOCKED, "vault"),
    ActionSpec("password", "Change &password…", "dialogs.change_password", Needs.UNLOCKED,
               "vault"),
    ActionSpec("restore", "&Restore from a kept version…", "dialogs.open_restore",
               Needs.UNLOCKED, "vault"),
    ActionSpec("lock", "&Lock", "lock", Needs.UNLOCKED, "vault", "Ctrl+L", toolbar=3,
               separator=True),
    ActionSpec("quit", "&Quit", "close", Needs.ALWAYS, "vault", Key.Quit),
    # --- Edit ---
    ActionSpec("paste", "&Paste link or QR image", "intake.paste", Needs.UNLOCKED, "edit",
               Key.Paste),
    ActionSpec("find", "&Find", "find", Needs.UNLOCKED, "edit", Key.Find),
    ActionSpec("undo", "&Undo delete", "accounts.undo_delete", Needs.UNDO, "edit", Key.Undo),
    # --- Account (and the list's context menu) ---
    ActionSpec("copy", "&Copy code", "accounts.copy_current", Needs.ACCOUNT, "account",
               Key.Copy, context=True),
    ActionSpec("next", "&Next code (counter-based)", "accounts.next_hotp", Needs.HOTP,
               "account", "Ctrl+Shift+N", context=True),
    ActionSpec("backup", "&Backup codes…", "accounts.show_backup_codes", Needs.ACCOUNT,
               "account", "Ctrl+B", toolbar=2, context=True),
    ActionSpec("favourite", "&Favourite", "accounts.toggle_favourite", Needs.ACCOUNT,
               "account", "Ctrl+D", context=True),
    ActionSpec("edit", "&Edit…", "accounts.edit_current", Needs.ACCOUNT, "account", "F2",
               context=True),
    ActionSpec("icon", "Choose &icon…", "accounts.choose_icon", Needs.ACCOUNT, "account",
               context=True),
    ActionSpec("move_up", "Move &up", "accounts.move_up", Needs.CUSTOM, "account",
               "Ctrl+Shift+Up", context=True),
    ActionSpec("move_down", "Move do&wn", "accounts.move_down", Needs.CUSTOM, "account",
               "Ctrl+Shift+Down", context=True),
    ActionSpec("qr", "Show &QR code…", "accounts.show_qr", Needs.ACCOUNT, "account",
               context=True, separator=True),
    ActionSpec("secret", "Show &secret…", "accounts.show_secret", Needs.ACCOUNT, "account",
               context=True),
    ActionSpec("finish", "Finis&h enrollment…", "accounts.finish_enrollment", Needs.PENDING,
               "account", context=True, separator=True),
    ActionSpec("delete", "&Delete…", "accounts.delete_current", Needs.ACCOUNT, "account",
               Key.Delete, context=True, separator=True),
)  # fmt: skip


def _slot(window: object, path: str) -> Callable[[], object]:
    target = window
    for part in path.split("."):
        target = getattr(target, part)
    return target  # type: ignore[return-value]


def plain(text: str) -> str:
    """An action's text as a name: no mnemonic, no ellipsis."""
    return text.replace("&", "").rstrip("…")


def build(window: QMainWindow, view: QWidget) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """QActions for the table, on the window (so shortcuts work everywhere in it),
    in the menus, the toolbar (`window.toolbar`) and the list's context menu."""
    actions: dict[str, QAction] = {}
    menus = {key: window.menuBar().addMenu(title) for key, title in MENUS.items()}
    toolbar = QToolBar("Main")
    toolbar.setAccessibleName("Main toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.toggleViewAction().setVisible(False)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        action.setToolTip(plain(spec.text))
        action.setStatusTip(plain(spec.text))
        slot = _slot(window, spec.slot)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        window.addAction(action)
        menu = menus[spec.menu]
        if spec.separator and menu.actions():
            menu.addSeparator()
        menu.addAction(action)
        if spec.context:
            if spec.separator:
                separator = QAction(view)
                separator.setSeparator(True)
                view.addAction(separator)
            view.addAction(action)
        actions[spec.name] = action
        setattr(window, f"{spec.name}_action", action)
    for spec in sorted((s for s in ACTIONS if s.toolbar), key=lambda s: s.toolbar):
        toolbar.addAction(actions[spec.name])
        button = toolbar.widgetForAction(actions[spec.name])
        if button is not None:
            button.setAccessibleName(plain(spec.text))
    window.addToolBar(toolbar)
    window.toolbar = toolbar  # type: ignore[attr-defined]
    return actions, menus


def update(actions: Mapping[str, QAction], state: Mapping[Needs, bool]) -> None:
    """Enable each action whose `needs` holds in `state`."""
    for spec in ACTIONS:
        actions[spec.name].setEnabled(spec.needs is Needs.ALWAYS or state.get(spec.needs, False))


def shortcuts(actions: Mapping[str, QAction]) -> set[QKeySequence]:
    """Every key sequence the table binds (the search box lets these through)."""
    return {s for action in actions.values() for s in action.shortcuts()}
