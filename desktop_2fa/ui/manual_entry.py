"""Typing an account in by hand: the secret and its parameters, checked by the core.

Also where a scanned or pasted account's parameters show, so switching to the
Manual tab keeps what was found (issue 11) and lets the user adjust it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from desktop_2fa.core.base32 import decode_secret, encode_secret
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams

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
        form.addRow("&Hash algorithm:", self.algorithm)
        form.addRow("&Digits:", self.digits)
        form.addRow("&Period:", self.period)
        form.addRow("&Counter:", self.counter)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def current_kind(self) -> OtpKind:
        return OtpKind(self.kind.currentData())

    def fill(self, params: OtpParams) -> None:
        """Show a scanned or pasted account's secret and parameters (to check or adjust)."""
        text = encode_secret(params.secret)
        self.secret.setText(" ".join(text[i : i + 4] for i in range(0, len(text), 4)))
        self.kind.setCurrentIndex(self.kind.findData(params.kind.value))
        self.algorithm.setCurrentIndex(self.algorithm.findData(params.algorithm.value))
        self.digits.setValue(params.digits)
        self.period.setValue(params.period)
        self.counter.setValue(min(params.counter, self.counter.maximum()))

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
