"""Edit how an account is shown: issuer, name, group, favourite, note.

The secret and OTP parameters are not editable here on purpose: changing them
would silently break the account; a changed secret is a new account.

A name saved before issue 9 may hold control characters: the fields show it
escaped (what is shown is what is saved), and typed names are checked as
strictly as names from links (`core.text.check_label`).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.text import check_label, escaped, shown
from desktop_2fa.ui import messages
from desktop_2fa.ui.manual_entry import describe_params
from desktop_2fa.ui.prompts import lay_out_form_dialog
from desktop_2fa.ui.session import SAVE_ERRORS, VaultSession
from desktop_2fa.vault import edits
from desktop_2fa.vault.model import Account


class EditDialog(QDialog):
    def __init__(
        self, session: VaultSession, account: Account, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account.id
        self.setWindowTitle(f"Edit {shown(account.label)}")
        self.setAccessibleName("Edit account")
        self.issuer = QLineEdit(escaped(account.issuer))
        self.issuer.setAccessibleName("Issuer")
        self.name = QLineEdit(escaped(account.name))
        self.name.setAccessibleName("Account name")
        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.setAccessibleName("Group")
        groups = {a.group for a in session.data.accounts if a.group} | {account.group}
        self.group.addItems(sorted({escaped(g) for g in groups}))
        self.group.setCurrentText(escaped(account.group))
        self.favourite = QCheckBox("&Favourite (listed first)")
        self.favourite.setAccessibleName("Favourite")
        self.favourite.setChecked(account.favourite)
        self.note = QLineEdit(escaped(account.note))
        self.note.setAccessibleName("Note")
        kind = QLabel(describe_params(account.params))
        kind.setAccessibleName("Code type")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        form = QFormLayout()
        form.addRow("Iss&uer:", self.issuer)
        form.addRow("Accou&nt:", self.name)
        form.addRow("&Group:", self.group)
        form.addRow("N&ote:", self.note)
        form.addRow("", self.favourite)
        form.addRow("Codes:", kind)
        lay_out_form_dialog(self, form, self.message, self.save)

    def save(self) -> None:
        issuer, name = self.issuer.text().strip(), self.name.text().strip()
        group, note = self.group.currentText().strip(), self.note.text().strip()
        if not issuer and not name:
            self.message.setText("Give the account an issuer or a name.")
            return
        try:
            for text, what in (
                (issuer, "issuer"),
                (name, "name"),
                (group, "group"),
                (note, "note"),
            ):
                check_label(text, what)
        except CoreError as e:
            self.message.setText(messages.describe(e))
            return
        now = self.session.services.now()

        def edit(data):  # type: ignore[no-untyped-def]
            current = edits.get_account(data, self.account_id)
            changed = dataclasses.replace(
                current,
                issuer=issuer,
                name=name,
                group=group,
                favourite=self.favourite.isChecked(),
                note=note,
                updated_at=now,
            )
            return edits.replace_account(data, changed)

        try:
            self.session.update(edit)
        except SAVE_ERRORS as e:
            self.message.setText(messages.describe(e))
            return
        self.accept()
