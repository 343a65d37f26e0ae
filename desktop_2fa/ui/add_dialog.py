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
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.core import uri as otpauth
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.base32 import decode_secret
from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.migration import is_migration_uri
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.importers.session import SourceFile
from desktop_2fa.ui import messages
from desktop_2fa.ui.add_sources import CameraTab, ImageTab, LinkTab, ScreenTab
from desktop_2fa.ui.clipboard import pasted
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault import edits
from desktop_2fa.vault.errors import VaultError

KIND_TITLES = {
    OtpKind.TOTP: "Time-based (TOTP)",
    OtpKind.HOTP: "Counter-based (HOTP)",
    OtpKind.STEAM: "Steam Guard",
}


def describe_params(params: OtpParams) -> str:
    """ "Time-based, 6 digits, every 30 s, SHA1" for the summary line."""
    kind = {OtpKind.TOTP: "Time-based", OtpKind.HOTP: "Counter-based", OtpKind.STEAM: "Steam"}
    parts = [
        kind[params.kind],
        f"{params.digits} characters"
        if params.kind is OtpKind.STEAM
        else f"{params.digits} digits",
    ]
    if params.kind is OtpKind.HOTP:
        parts.append(f"next counter {params.counter}")
    else:
        parts.append(f"every {params.period} s")
    parts.append(params.algorithm.value)
    return ", ".join(parts)


class ManualTab(QWidget):
    """Type the secret and its parameters; the core validates them (errors as text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.secret = QLineEdit()
        self.secret.setPlaceholderText("JBSW Y3DP EHPK 3PXP")
        self.secret.setAccessibleName("Secret key")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type")
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind.value)  # Qt turns StrEnums into plain str
        self.algorithm = QComboBox()
        self.algorithm.setAccessibleName("Algorithm")
        for algorithm in Algorithm:
            self.algorithm.addItem(algorithm.value, algorithm.value)
        self.digits = QSpinBox()
        self.digits.setRange(5, 10)
        self.digits.setValue(6)
        self.digits.setAccessibleName("Digits")
        self.period = QSpinBox()
        self.period.setRange(1, 300)
        self.period.setValue(30)
        self.period.setSuffix(" s")
        self.period.setAccessibleName("Period in seconds")
        self.counter = QSpinBox()
        self.counter.setRange(0, 2**31 - 1)
        self.counter.setAccessibleName("Counter")
        form = QFormLayout(self)
        form.addRow("Secret &key:", self.secret)
        form.addRow("&Type:", self.kind)
        form.addRow("&Algorithm:", self.algorithm)
        form.addRow("&Digits:", self.digits)
        form.addRow("&Period:", self.period)
        form.addRow("C&ounter:", self.counter)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def current_kind(self) -> OtpKind:
        return OtpKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.period.setEnabled(kind is not OtpKind.HOTP)
        self.counter.setEnabled(kind is OtpKind.HOTP)
        self.digits.setEnabled(kind is not OtpKind.STEAM)
        if kind is OtpKind.STEAM:
            self.digits.setValue(5)
        elif self.digits.value() < 6:
            self.digits.setValue(6)

    def params(self) -> OtpParams:
        """The parameters as typed.

        Raises:
            InvalidSecret, InvalidParams: with a sentence naming the bad field.
        """
        return OtpParams(
            kind=self.current_kind(),
            secret=decode_secret(self.secret.text()),
            algorithm=Algorithm(self.algorithm.currentData()),
            digits=self.digits.value(),
            period=self.period.value(),
            counter=self.counter.value(),
        )


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
        self.tabs.addTab(self.camera_tab, "Ca&mera")
        for tab in (self.link_tab, self.image_tab, self.screen_tab, self.camera_tab):
            tab.found.connect(self._take_texts)
            tab.status.connect(self._status)
            tab.file_found.connect(self._take_file)
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
        self.group.addItems(["", *sorted({a.group for a in session.data.accounts if a.group})])
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

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(details)
        layout.addWidget(self.message)
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
        self.issuer.setText(spec.issuer)
        self.name.setText(spec.name)
        where = "" if source == "the link" else f" in {source}"
        self.message.setText(f"Found {spec.issuer or spec.name}{where}; check the name, then Add.")
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
        try:
            spec = self.spec()
        except (CoreError, ValueError) as e:
            self.message.setText(messages.sentence(str(e)))
            return
        now = self.session.services.now()
        try:
            account = self.session.update_with(
                lambda data: edits.add_account(
                    data,
                    spec,
                    now,
                    note=self.note.text().strip(),
                    group=self.group.currentText().strip(),
                    favourite=self.favourite.isChecked(),
                )
            )
        except VaultError as e:
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
        if found.text is not None:
            self.set_uri(found.text)
        elif found.image is not None:
            self.load_image(found.image)
        elif found.path is not None:
            self.load_file(found.path)

    def done(self, result: int) -> None:
        self.camera_tab.stop()
        super().done(result)
