"""Exceptions of the vault package. Each is a different thing to a user (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path


class VaultError(Exception):
    """Base of everything `desktop_2fa.vault` raises."""


class VaultNotFound(VaultError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"no vault at {path}; create one with 'desktop-2fa init'")
        self.path = path


class VaultExists(VaultError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"a vault already exists at {path}; refusing to overwrite it")
        self.path = path


class WrongPassword(VaultError):
    def __init__(self) -> None:
        super().__init__("wrong password for this vault")


class CorruptVault(VaultError):
    """The file is damaged, truncated or was changed outside desktop-2fa."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the vault file is damaged or was tampered with ({detail})")
        self.detail = detail


class UnsupportedVersion(VaultError):
    def __init__(self, version: object, supported: int) -> None:
        super().__init__(
            f"this vault uses format version {version}, newer than this desktop-2fa "
            f"understands (up to {supported}); update desktop-2fa to open it"
        )
        self.version = version


class VaultChangedOnDisk(VaultError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} was changed by another program since it was opened; "
            "nothing was saved, open it again and repeat the change"
        )
        self.path = path


class InvalidKdfParams(VaultError):
    pass


class AccountNotFound(VaultError):
    def __init__(self, query: str) -> None:
        super().__init__(f"no account matches {query!r}")
        self.query = query


class NoAccountNamed(VaultError):
    def __init__(self) -> None:
        super().__init__("name an account: part of its issuer or name, or its id")


class AmbiguousAccount(VaultError):
    def __init__(self, query: str, labels: list[str]) -> None:
        shown = ", ".join(labels[:5]) + (", ..." if len(labels) > 5 else "")
        super().__init__(
            f"{query!r} matches {len(labels)} accounts ({shown}); be more specific or use the id"
        )
        self.query = query
        self.labels = labels


class DuplicateAccount(VaultError):
    def __init__(self, label: str) -> None:
        super().__init__(f"{label} is already in the vault with the same secret")
        self.label = label


class BackupCodeNotFound(VaultError):
    def __init__(self, label: str) -> None:
        super().__init__(f"{label} has no backup code like that")
        self.label = label
