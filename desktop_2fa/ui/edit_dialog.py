"""Edit how an account is shown: issuer, name, group, favourite, note.

The secret and OTP parameters are not editable here on purpose: changing them
would silently break the account; a changed secret is a new account.
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

from desktop_2fa.ui import messages
from desktop_2fa.ui.manual_entry import describe_params
from desktop_2fa.ui.prompts import lay_out_form_dialog
from desktop_2fa.ui.session import VaultSession
from desktop_2fa.vault import edits
from desktop_2fa.vault.errors import VaultError
from desktop_2fa.vault.model import Account


class EditDialog(QDialog):
    def __init__(
        self, session: VaultSession, account: Account, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account.id
        self.setWindowTitle(f"Edit {account.label}")
        self.setAccessibleName("Edit account")
        self.issuer = QLineEdit(account.issuer)
        self.issuer.setAccessibleName("Issuer")
        self.name = QLineEdit(account.name)
        self.name.setAccessibleName("Account name")
        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.setAccessibleName("Group")
        groups = sorted({a.group for a in session.data.accounts if a.group} | {account.group})
        self.group.addItems(groups)
        self.group.setCurrentText(account.group)
        self.favourite = QCheckBox("&Favourite (listed first)")
        self.favourite.setAccessibleName("Favourite")
        self.favourite.setChecked(account.favourite)
        self.note = QLineEdit(account.note)
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
        if not issuer and not name:
            self.message.setText("Give the account an issuer or a name.")
            return
        now = self.session.services.now()

        def edit(data):  # type: ignore[no-untyped-def]
            current = edits.get_account(data, self.account_id)
            changed = dataclasses.replace(
                current,
                issuer=issuer,
                name=name,
                group=self.group.currentText().strip(),
                favourite=self.favourite.isChecked(),
                note=self.note.text().strip(),
                updated_at=now,
            )
            return edits.replace_account(data, changed)

        try:
            self.session.update(edit)
        except VaultError as e:
            self.message.setText(messages.describe(e))
            return
        self.accept()
