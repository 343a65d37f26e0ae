"""Exceptions of the importers package (DESIGN.md, house style 2).

Every message is one sentence a user can act on. `source` (the file name) is
filled in by the import session, so one file among several can be named.
Messages never contain a secret.
"""

from __future__ import annotations


class ImportFailed(Exception):
    """Base of everything `desktop_2fa.importers` raises. Nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.source: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class UnknownFormat(ImportFailed):
    def __init__(self, supported: str) -> None:
        super().__init__(f"not a file desktop-2fa can import (it reads {supported})")


class WrongFormat(ImportFailed):
    """The user named a format and the file is clearly another one."""

    def __init__(self, expected: str, actual: str, actual_name: str) -> None:
        super().__init__(
            f"this file is not in {expected} format, it looks like {actual} "
            f"(leave the format out, or choose '{actual_name}')"
        )
        self.actual_name = actual_name


class CorruptFile(ImportFailed):
    def __init__(self, title: str, detail: str) -> None:
        super().__init__(f"not a readable {title} file ({detail})")
        self.detail = detail


class TruncatedFile(ImportFailed):
    def __init__(self, title: str) -> None:
        super().__init__(f"the {title} file ends too early; it was probably cut off while copying")


class FileTooLarge(ImportFailed):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"the file is {size // 2**20} MB, too large to be an authenticator export "
            f"(limit {limit // 2**20} MB)"
        )


class TooManyEntries(ImportFailed):
    """More entries than any authenticator holds: refused whole, before any is converted
    (each would cost memory and time, and an error line; issue 14's bounded work)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the file holds more than {limit:,} entries, more than any authenticator "
            "export; nothing was imported"
        )


class PasswordRequired(ImportFailed):
    def __init__(self, title: str) -> None:
        super().__init__(f"this {title} file is encrypted; its password is needed")


class WrongPassword(ImportFailed):
    def __init__(self, title: str) -> None:
        super().__init__(f"wrong password for this {title} file")


class UnsupportedFile(ImportFailed):
    """A real export of a known app that this version cannot read (says which and why)."""


class NoQrCode(ImportFailed):
    def __init__(self) -> None:
        super().__init__("no QR code found in the image")


class IncompleteExport(ImportFailed):
    """Parts of a multi-code Google Authenticator export are missing; nothing is imported."""

    def __init__(self, description: str) -> None:
        super().__init__(
            f"{description}; add every QR code of the export and import them together "
            "(nothing was imported)"
        )
