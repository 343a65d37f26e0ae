"""Add an account: one dialog, one tab per way in (issue 6, deliverable 3).

Link, manual entry, image file (or a dropped/pasted image), screen and camera.
Whatever the source, one account ends up in the "Account" box below the tabs
where its name, group and favourite mark can be checked before adding. A
Google Authenticator export, several QR codes at once or another app's export
file go to the import dialog instead (`import_requested`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core import uri as otpauth
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.migration import is_migration_uri
from desktop_2fa.core.text import check_label, shown
from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui import messages
from desktop_2fa.ui.add_sources import CameraTab, ImageTab, LinkTab, ScreenTab
from desktop_2fa.ui.intake import Pasted, pasted
from desktop_2fa.ui.manual_entry import ManualTab, describe_params
from desktop_2fa.ui.prompts import scrolling
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.vault import edits


class AddDialog(QDialog):
    """See the module docstring.

    Signals:
        added(str): the new account's id.
        import_requested(object): a list of `SourceFile` for the import dialog.
    """

    added = Signal(str)
    import_requested = Signal(object)

    def __init__(  # noqa: PLR0915 - a flat list of widgets and layouts
        self,
        session: VaultSession,
        parent: QWidget | None = None,
        *,
        grab: Callable[[], list] | None = None,
        open_camera: Callable[[int], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Add an account")
        self.setAccessibleName("Add an account")
        self.setAcceptDrops(True)
        self._spec: AccountSpec | None = None

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Ways to add an account")
        self.link_tab = LinkTab()
        self.manual_tab = ManualTab()
        self.image_tab = ImageTab()
        self.screen_tab = ScreenTab(grab)
        self.camera_tab = CameraTab(session.services.camera_index, open_camera)
        self.tabs.addTab(self.link_tab, "&Link")
        self.tabs.addTab(self.manual_tab, "&Manual")
        self.tabs.addTab(self.image_tab, "&Image")
        self.tabs.addTab(self.screen_tab, "&Screen")
        self.tabs.addTab(self.camera_tab, "Cam&era")
        for tab in (self.link_tab, self.image_tab, self.screen_tab, self.camera_tab):
            tab.found.connect(self._take_texts)
            tab.status.connect(self._status)
            tab.file_found.connect(self._take_file)
            tab.started.connect(self._forget_found)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.issuer = QLineEdit()
        self.issuer.setAccessibleName("Issuer")
        self.issuer.setPlaceholderText("GitHub")
        self.name = QLineEdit()
        self.name.setAccessibleName("Account name")
        self.name.setPlaceholderText("alice@example.com")
        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.setAccessibleName("Group")
        groups = sorted({shown(a.group) for a in session.data.accounts if a.group})
        self.group.addItems(["", *groups])
        self.favourite = QCheckBox("&Favourite (listed first)")
        self.favourite.setAccessibleName("Favourite")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.summary = QLabel()
        self.summary.setAccessibleName("Account summary")
        details = QGroupBox("Account")
        form = QFormLayout(details)
        form.addRow("Iss&uer:", self.issuer)
        form.addRow("Accou&nt:", self.name)
        form.addRow("&Group:", self.group)
        form.addRow("N&ote:", self.note)
        form.addRow("", self.favourite)
        form.addRow("", self.summary)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add")
        self.add_button.setAccessibleName("Add account")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.tabs)
        inner.addWidget(details)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(content), 1)  # a small screen scrolls; Add stays in sight
        layout.addWidget(self.message)  # and so does what a scan or Add answered
        layout.addWidget(self.buttons)
        for widget in (
            self.manual_tab.secret,
            self.manual_tab.digits,
            self.manual_tab.period,
            self.manual_tab.counter,
        ):
            signal = getattr(widget, "textChanged", None) or widget.valueChanged
            signal.connect(self._update)
        self.manual_tab.kind.currentIndexChanged.connect(self._update)
        self.manual_tab.algorithm.currentIndexChanged.connect(self._update)
        self.issuer.textChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self._update()
        self.resize(560, 520)

    # --- inputs from outside (window paste, drop, URL handler) --------------------
    def take(self, found: Pasted) -> None:
        """A link, image or image file from the window's intake or a drop here."""
        if found.text is not None:
            self.set_uri(found.text)
        elif found.image is not None:
            self.load_image(found.image)
        elif found.path is not None:
            self.load_file(found.path)

    def set_uri(self, text: str) -> None:
        self.tabs.setCurrentWidget(self.link_tab)
        self.link_tab.set_text(text)

    def load_image(self, image: QImage) -> None:
        self.tabs.setCurrentWidget(self.image_tab)
        self.image_tab.load_image(image)

    def load_file(self, path: Path) -> None:
        self.tabs.setCurrentWidget(self.image_tab)
        self.image_tab.load_file(path)

    # --- what the sources found -------------------------------------------------------
    def _status(self, text: str) -> None:
        self.message.setText(text)

    def _forget_found(self) -> None:
        """A new scan started: what an earlier one found is no longer what Add adds."""
        self._spec = None
        self._update()

    def _take_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as e:
            self.message.setText(messages.describe(e))
            return
        self.import_requested.emit([SourceFile(path.name, data)])
        self.accept()

    def _take_texts(self, texts: tuple[str, ...], source: str) -> None:
        values = [t.strip() for t in texts if t.strip()]
        if len(values) > 1 or any(is_migration_uri(v) for v in values):
            self.import_requested.emit([SourceFile(source, "\n".join(values).encode())])
            self.accept()
            return
        self._spec = None
        if not values or not values[0].lower().startswith("otpauth://"):
            self.message.setText(
                "That is not an otpauth:// link."
                if source == "the link"
                else f"The QR code in {source} does not hold an otpauth:// link."
            )
            self._update()
            return
        try:
            spec = otpauth.parse(values[0])
        except CoreError as e:
            self.message.setText(messages.describe(e))
            self._update()
            return
        self._spec = spec
        self.manual_tab.fill(spec.params)  # Manual shows (and keeps) what was found
        self.issuer.setText(spec.issuer)
        self.name.setText(spec.name)
        where = "" if source == "the link" else f" in {source}"
        found = shown(spec.issuer or spec.name)
        self.message.setText(f"Found {found}{where}; check the name, then Add.")
        self._update()
        if source != "the link":
            self.issuer.setFocus()

    def _tab_changed(self) -> None:
        if self.tabs.currentWidget() is not self.camera_tab:
            self.camera_tab.stop()
        self._update()

    # --- the account to add -------------------------------------------------------------
    def spec(self) -> AccountSpec:
        """The account as it will be added.

        Raises:
            CoreError: manual entry that the core refuses (the message says why).
            ValueError: no account yet / no name.
        """
        if self.tabs.currentWidget() is self.manual_tab:
            params = self.manual_tab.params()
        elif self._spec is not None:
            params = self._spec.params
        else:
            raise ValueError("Paste a link, scan a QR code or enter the key by hand.")
        issuer, name = self.issuer.text().strip(), self.name.text().strip()
        if not issuer and not name:
            raise ValueError("Give the account an issuer or a name.")
        check_label(issuer, "issuer")  # typed names as strictly as links (issue 9)
        check_label(name, "name")
        if self._spec is not None and self.tabs.currentWidget() is not self.manual_tab:
            return dataclasses.replace(self._spec, issuer=issuer, name=name)
        return AccountSpec(issuer, name, params)

    def _update(self) -> None:
        manual = self.tabs.currentWidget() is self.manual_tab
        try:
            spec = self.spec()
        except (CoreError, ValueError) as e:
            self.add_button.setEnabled(False)
            self.summary.setText("")
            if manual and self.manual_tab.secret.text():
                self.message.setText(messages.sentence(str(e)))
            elif manual:
                self.message.setText("")
            return
        self.add_button.setEnabled(True)
        self.summary.setText(describe_params(spec.params))
        if manual:
            self.message.setText("")

    def add(self) -> None:
        note, group = self.note.text().strip(), self.group.currentText().strip()
        try:
            spec = self.spec()
            check_label(group, "group")
            check_label(note, "note")
        except (CoreError, ValueError) as e:
            self.message.setText(messages.sentence(str(e)))
            return
        now = self.session.services.now()
        favourite = self.favourite.isChecked()
        try:
            account = self.session.update_with(
                lambda data: edits.add_account(
                    data, spec, now, note=note, group=group, favourite=favourite
                )
            )
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.added.emit(account.id)
        self.accept()

    # --- drops ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if pasted(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        found = pasted(event.mimeData())
        if found is None:
            return
        event.acceptProposedAction()
        self.take(found)

    def done(self, result: int) -> None:
        self.camera_tab.stop()
        super().done(result)
