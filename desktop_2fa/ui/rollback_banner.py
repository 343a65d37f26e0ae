"""The bar above the list when the vault opened is older than one opened before.

Issue 9, item 3 (none of Aegis, KeePassXC or GNOME Authenticator notices a
rollback): someone or a sync tool copied an old backup over the vault. The
bar says so in one sentence naming both generations and when the newest kept
version was saved, and offers the two ways out: "Restore newest" and "Keep
this one". Until one is chosen, counter-based (HOTP) codes are held and
nothing is saved (`OpenVault.check_hotp_allowed`, `OpenVault.apply`).

The sentence wraps at any width (600x400 included); both buttons are in the
Tab order and have mnemonics (Alt+R, Alt+K).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.vault.rollback import RollbackStatus

# Amber reads as "attention" on light and dark themes alike.
BORDER = "#c77c02"


def saved_when(moment: datetime) -> str:
    """A kept version's time as a person reads it: local time, to the second (saves come fast)."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M:%S}"


def rollback_sentence(status: RollbackStatus) -> str:
    """One sentence: both generations, the newest kept version and its time, the hold."""
    head = (
        f"This vault is generation {status.opened}, older than generation "
        f"{status.highest_seen} already opened on this computer"
    )
    newest = status.newest_kept
    if newest is None:
        kept = "no kept version of it opens here"
    else:
        kept = (
            f"the newest kept version, generation {newest.generation}, was saved "
            f"{saved_when(newest.saved_at)}"
        )
    return f"{head}; {kept}; counter-based codes and changes wait until you choose."


class RollbackBanner(QFrame):
    """Signals:
    restore_requested(): "Restore newest" was pressed.
    keep_requested(): "Keep this one" was pressed.
    """

    restore_requested = Signal()
    keep_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rollbackBanner")
        self.setStyleSheet(
            f"QFrame#rollbackBanner {{ border: 2px solid {BORDER}; border-radius: 6px; }}"
        )
        self.setAccessibleName("Older vault warning")
        # Never squeezed below its text: on a small screen the list gives way (it scrolls).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Older vault")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_button = QPushButton("&Restore newest")
        self.restore_button.setAccessibleName("Restore newest")
        self.restore_button.setToolTip(
            "Make the newest kept version the vault again; this copy is kept as a version too"
        )
        self.restore_button.clicked.connect(self.restore_requested)
        self.keep_button = QPushButton("&Keep this one")
        self.keep_button.setAccessibleName("Keep this one")
        self.keep_button.setToolTip("This copy is the right one: use it from now on")
        self.keep_button.clicked.connect(self.keep_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        self.hide()

    def show_status(self, status: RollbackStatus | None) -> None:
        """Show the bar for `status`, or hide it (None: nothing to choose)."""
        if status is None:
            self.hide()
            return
        self.label.setText(rollback_sentence(status))
        self.restore_button.setEnabled(status.newest_kept is not None)
        self.show()
