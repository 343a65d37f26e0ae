"""Exceptions of the vault package. Each is a different thing to a user (DESIGN.md)."""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: the CLI's head start imports this module
if TYPE_CHECKING:
    from pathlib import Path


def _shown(text: str) -> str:
    # core.text compiles its patterns on import; the head start never needs them.
    from desktop_2fa.core.text import shown

    return shown(text)


def _listed(items: list[str]) -> str:
    from desktop_2fa.core.text import listed

    return listed(items)


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


class KdfTooCostly(InvalidKdfParams):
    """The header asks Argon2id for more than desktop-2fa allows (refused before deriving).

    Attributes:
        parameter: "memory", "passes", "memory x passes" or "lanes".
        value, limit: as shown to a user ("4096 MiB", "1024 MiB").
    """

    def __init__(self, parameter: str, value: str, limit: str) -> None:
        super().__init__(
            f"the vault header asks Argon2id for {parameter} {value}, above the "
            f"{limit} desktop-2fa allows; it was refused before deriving any key"
        )
        self.parameter = parameter
        self.value = value
        self.limit = limit


class UnknownKeySlot(VaultError):
    """A key slot of a type this version does not know (it would be lost on the next save)."""

    def __init__(self, slot_type: str) -> None:
        super().__init__(
            f"the vault has a key slot of type {slot_type!r} that this desktop-2fa does not "
            "know; update desktop-2fa to open it (nothing was changed)"
        )
        self.slot_type = slot_type


class VaultLocked(VaultError):
    def __init__(self) -> None:
        super().__init__("the vault is locked; unlock it and repeat the change")


class VersionNotFound(VaultError):
    """`restore VERSION` named no kept version."""

    def __init__(self, wanted: str) -> None:
        super().__init__(
            f"there is no kept version {wanted} of this vault; 'desktop-2fa restore' lists them"
        )
        self.wanted = wanted


class RollbackHold(VaultError):
    """An HOTP code was asked for from a vault older than one opened before."""

    def __init__(self, opened: int, highest: int) -> None:
        super().__init__(
            f"no HOTP code is given from this vault: it is generation {opened}, older than "
            f"generation {highest} opened before, so its counters may repeat codes already used"
        )
        self.opened = opened
        self.highest = highest


class RollbackPending(VaultError):
    """A change was asked of a vault older than one opened before, before the user chose.

    Each save is one generation more: saving the old copy a few times would
    lift it to the newest one's generation and the rollback would no longer
    be noticed (issue 9, item 3).
    """

    def __init__(self, opened: int, highest: int) -> None:
        super().__init__(
            f"nothing is saved to this vault: it is generation {opened}, older than "
            f"generation {highest} opened before; restore a newer kept version or keep "
            "this one first"
        )
        self.opened = opened
        self.highest = highest


class AccountNotFound(VaultError):
    def __init__(self, query: str) -> None:
        super().__init__(f"no account matches '{_shown(query)}'")
        self.query = query


class NoAccountNamed(VaultError):
    def __init__(self) -> None:
        super().__init__("name an account: part of its issuer or name, or its id")


class AmbiguousAccount(VaultError):
    def __init__(self, query: str, labels: list[str]) -> None:
        super().__init__(
            f"'{_shown(query)}' matches {len(labels)} accounts ({_listed(labels)}); "
            "be more specific or use the id"
        )
        self.query = query
        self.labels = labels


class DuplicateAccount(VaultError):
    def __init__(self, label: str) -> None:
        super().__init__(f"{_shown(label)} is already in the vault with the same secret")
        self.label = label


class BackupCodeNotFound(VaultError):
    def __init__(self, label: str) -> None:
        super().__init__(f"{_shown(label)} has no backup code like that")
        self.label = label
