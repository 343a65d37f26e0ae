"""The unlocked page: the rollback bar, search box, group filter, the codes list, the empty
state, a notice bar.

Keyboard: type anywhere in the list to search; Down moves from the search box
into the list; Enter in the search box copies the top match; Escape clears.
The window's shortcuts (Ctrl+C, Ctrl+B, Ctrl+E...) work from the search box
too: a line edit would otherwise claim them (Ctrl+E is "end of line" on X11),
so the box keeps only the editing keys it really uses.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core.text import shown
from desktop_2fa.ui.avatars import Avatars
from desktop_2fa.ui.codes_filter import CodesFilter
from desktop_2fa.ui.codes_model import CodesModel
from desktop_2fa.ui.codes_view import CodesView
from desktop_2fa.ui.rollback_banner import RollbackBanner

ALL_GROUPS = "All groups"
Key = QKeySequence.StandardKey


class NoticeBar(QFrame):
    """A sentence under the list, wrapped to any width, with an optional button
    ("Deleted X. [Undo]"); it goes away after a while or when dismissed.

    Signals:
        action(): the button was pressed.
    """

    action = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Notice")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.setAccessibleName("Notice action")
        self.button.clicked.connect(self.action)
        close = QPushButton("✕")
        close.setFlat(True)
        close.setAccessibleName("Dismiss")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_text(self, text: str, seconds: int = 8, button: str = "") -> None:
        self.label.setText(text)
        self.button.setText(button)
        self.button.setAccessibleName(button.replace("&", "") or "Notice action")
        self.button.setVisible(bool(button))
        self.show()
        self._timer.start(seconds * 1000)


class CodesPage(QWidget):
    """Signals:
    copy_top_requested(): Enter in the search box (copy the top match).
    add_requested(), import_requested(): the empty list's buttons.
    """

    copy_top_requested = Signal()
    add_requested = Signal()
    import_requested = Signal()

    def __init__(self, avatars: Avatars, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CodesModel(self)
        self.proxy = CodesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = CodesView(avatars)
        self.view.setModel(self.proxy)
        self.window_shortcuts: set[QKeySequence] = set()  # set by the window

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search accounts (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search accounts")
        self.groups = QComboBox()
        self.groups.setAccessibleName("Show group")
        self.groups.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.groups.hide()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.groups)

        self.stack = QStackedLayout()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self._empty_page())
        self.notice = NoticeBar()
        self.banner = RollbackBanner()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.notice)

        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.copy_top_requested)
        self.groups.currentIndexChanged.connect(self._group_changed)
        self.search.installEventFilter(self)
        self.view.installEventFilter(self)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_empty)
        self._update_empty()

    def _empty_page(self) -> QWidget:
        page = QWidget()
        self.empty = QLabel()
        self.empty.setAccessibleName("No accounts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty_add = QPushButton("Add an account (Ctrl+N)")
        self.empty_add.setAccessibleName("Add an account")
        self.empty_add.clicked.connect(self.add_requested)
        self.empty_import = QPushButton("Import from another app (Ctrl+I)")
        self.empty_import.setAccessibleName("Import from another app")
        self.empty_import.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.empty_add)
        buttons.addWidget(self.empty_import)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addWidget(self.empty)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    # --- search and groups -----------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        if text and self.proxy.rowCount():
            self.view.select_first()
        self._keep_current_in_sight()
        self._update_empty()  # the text names the query, which changed even if no count did

    def _group_changed(self) -> None:
        data = self.groups.currentData()
        self.proxy.set_group(data if isinstance(data, str) else None)
        self._keep_current_in_sight()

    def _keep_current_in_sight(self) -> None:
        """The row the keyboard acts on stays on screen when more rows come back."""
        current = self.view.currentIndex()
        if current.isValid():
            self.view.scrollTo(current)

    def refresh_groups(self) -> None:
        groups = self.model.groups()
        current = self.groups.currentData()
        self.groups.blockSignals(True)
        self.groups.clear()
        self.groups.addItem(ALL_GROUPS, None)
        for group in groups:
            self.groups.addItem(shown(group), group)  # the raw name filters
        if groups:
            self.groups.addItem("No group", "")
        index = self.groups.findData(current) if isinstance(current, str) else 0
        self.groups.setCurrentIndex(max(index, 0))
        self.groups.blockSignals(False)
        self.groups.setVisible(bool(groups))
        self._group_changed()

    def reset(self) -> None:
        """Forget everything shown (on lock)."""
        self.search.clear()
        self.notice.hide()
        self.banner.hide()
        self.model.clear()
        self.refresh_groups()

    def _update_empty(self) -> None:
        if self.proxy.rowCount():
            self.stack.setCurrentWidget(self.view)
            return
        searching = bool(self.model.rowCount())
        if searching:
            self.empty.setText(f"No account matches “{self.search.text()}”.")
        else:
            self.empty.setText(
                "No accounts yet. Add one, paste an otpauth:// link or a QR code image "
                "(Ctrl+V), drop a QR code image or an export file on this window, or import "
                "the accounts of another authenticator."
            )
        self.empty_add.setVisible(not searching)
        self.empty_import.setVisible(not searching)
        self.stack.setCurrentIndex(1)

    # --- keyboard ------------------------------------------------------------------------
    def _keeps(self, event: QKeyEvent) -> bool:
        """Whether the search box itself needs this key (else the window's shortcut wins)."""
        if event.matches(Key.Copy):
            return self.search.hasSelectedText()
        if event.matches(Key.Undo):
            return self.search.isUndoAvailable()
        return any(event.matches(k) for k in (Key.Paste, Key.Cut, Key.SelectAll, Key.Delete))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isinstance(event, QKeyEvent):
            return False
        if watched is self.search and kind == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            if pressed in self.window_shortcuts and not self._keeps(event):
                event.ignore()  # not claimed: the window's action runs
                return True
            return False
        if kind != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.search:
            if key == Qt.Key.Key_Down and self.proxy.rowCount():
                self.view.setFocus()
                self.view.ensure_current()
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        elif watched is self.view:
            text = event.text()
            plain = not event.modifiers() & ~(
                Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
            )
            if plain and text and text.isprintable() and not text.isspace():
                self.search.setFocus()
                self.search.insert(text)
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return False
