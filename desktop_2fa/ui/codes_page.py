"""The unlocked page: search box, group filter, the codes list and the undo bar.

Keyboard: type anywhere in the list to search; Down moves from the search box
into the list; Enter copies (from the box: the first match); Escape clears.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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

from desktop_2fa.ui.codes_filter import CodesFilter
from desktop_2fa.ui.codes_model import CodesModel
from desktop_2fa.ui.codes_view import CodesView

UNDO_SECONDS = 15
ALL_GROUPS = "All groups"


class UndoBar(QFrame):
    """ "Deleted X. [Undo]" for a few seconds after a delete.

    Signals:
        undo(): the Undo button was pressed.
    """

    undo = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setAccessibleName("Deleted account")
        self.button = QPushButton("&Undo")
        self.button.setAccessibleName("Undo delete")
        self.button.clicked.connect(self.undo)
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

    def show_for(self, text: str) -> None:
        self.label.setText(text)
        self.show()
        self._timer.start(UNDO_SECONDS * 1000)


class CodesPage(QWidget):
    """Signals:
    copy_requested(): Enter in the search box (copy the current or first match).
    """

    copy_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CodesModel(self)
        self.proxy = CodesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = CodesView()
        self.view.setModel(self.proxy)

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

        self.empty = QLabel()
        self.empty.setAccessibleName("No accounts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(24)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.undo_bar = UndoBar()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.undo_bar)

        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.copy_requested)
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

    # --- search and groups -----------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        if text and self.proxy.rowCount():
            self.view.select_first()

    def _group_changed(self) -> None:
        data = self.groups.currentData()
        self.proxy.set_group(data if isinstance(data, str) else None)

    def refresh_groups(self) -> None:
        groups = self.model.groups()
        current = self.groups.currentData()
        self.groups.blockSignals(True)
        self.groups.clear()
        self.groups.addItem(ALL_GROUPS, None)
        for group in groups:
            self.groups.addItem(group, group)
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
        self.undo_bar.hide()
        self.model.clear()
        self.refresh_groups()

    def _update_empty(self) -> None:
        if self.proxy.rowCount():
            self.stack.setCurrentWidget(self.view)
            return
        if self.model.rowCount():
            self.empty.setText(f"No account matches “{self.search.text()}”.")
        else:
            self.empty.setText(
                "No accounts yet.\n\nAdd one with Ctrl+N, paste an otpauth:// link or a QR "
                "image with Ctrl+V, or drop a QR code image on this window."
            )
        self.stack.setCurrentWidget(self.empty)

    # --- keyboard ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
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
