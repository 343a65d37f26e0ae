"""What the vault holds, as frozen values. Changes make new values (see `edits.py`).

The accounts are here; `VaultData` (all of it) and `Settings` with the
view's choices are in `vault_data.py`, and made only when first used: each
frozen dataclass costs about half a millisecond to make, and `desktop-2fa
code` builds accounts only (issue 13). They are names of this module too.

Every class has a docstring: for one without, `dataclasses` works one out
with `inspect.signature`, time that `desktop-2fa code` does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_2fa.core.params import OtpParams

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from desktop_2fa.vault.vault_data import (
        Density,
        DigitGrouping,
        Settings,
        SortMode,
        Theme,
        VaultData,
    )

_IN_VAULT_DATA = ("Density", "DigitGrouping", "Settings", "SortMode", "Theme", "VaultData")
__all__ = [
    "AUTO_ICON",
    "ICON_TYPES",
    "MAX_ICON_BYTES",
    "Account",
    "AccountIcon",
    "BackupCode",
    "BackupCodeSet",
    "BackupSource",
    "Density",
    "DigitGrouping",
    "Enrollment",
    "IconKind",
    "Settings",
    "SortMode",
    "Theme",
    "VaultData",
]


def __getattr__(name: str) -> object:
    """`VaultData`, `Settings` and the view's enums, made on first use (PEP 562)."""
    if name in _IN_VAULT_DATA:
        from desktop_2fa.vault import vault_data

        return getattr(vault_data, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class BackupCode:
    """One backup code, and whether (and when) it was used."""

    code: str
    used: bool = False
    used_at: datetime | None = None


class BackupSource(StrEnum):
    """Where a set of backup codes came from."""

    MANUAL = "manual"
    ENROLLMENT = "enrollment"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class BackupCodeSet:
    """An account's backup codes and where they came from."""

    codes: tuple[BackupCode, ...] = ()
    source: BackupSource = BackupSource.MANUAL
    updated_at: datetime | None = None

    @property
    def unused(self) -> int:
        return sum(1 for c in self.codes if not c.used)


@dataclass(frozen=True, slots=True)
class Enrollment:
    """The two-factor server and e-mail an account was enrolled against."""

    server: str
    email: str
    enrolled_at: datetime
    # Stored before the server turned two-factor sign-in on (the flow's rule);
    # cleared once the first code was accepted. A pending account's codes are
    # not yet asked for anywhere: the list marks it, to finish or remove.
    pending: bool = False


# --- organisation and view (issue 11) -----------------------------------------------------


class IconKind(StrEnum):
    """Where an account's picture comes from."""

    AUTO = "auto"  # an installed icon pack's icon for the issuer, else the letter avatar
    LETTER = "letter"  # always the letter avatar
    IMAGE = "image"  # the picture stored with the account


# An account's own picture is kept in the vault (as Aegis does), so it survives
# the removal of the icon pack it came from; this bounds the vault's growth.
MAX_ICON_BYTES = 256 * 1024
ICON_TYPES = ("image/svg+xml", "image/png", "image/jpeg")


@dataclass(frozen=True, slots=True)
class AccountIcon:
    """An account's picture: found by its issuer, the letter avatar, or an image of its own."""

    kind: IconKind = IconKind.AUTO
    data: bytes = b""
    mime: str = ""  # one of ICON_TYPES when kind is IMAGE

    def __repr__(self) -> str:
        return f"AccountIcon({self.kind.value}, {len(self.data)} bytes {self.mime})"


AUTO_ICON = AccountIcon()


@dataclass(frozen=True, slots=True)
class Account:
    """One account: its OTP parameters and what the user keeps with it."""

    id: str  # uuid4 hex
    issuer: str
    name: str
    params: OtpParams
    created_at: datetime
    updated_at: datetime
    note: str = ""
    group: str = ""
    favourite: bool = False
    backup_codes: BackupCodeSet = field(default_factory=BackupCodeSet)
    enrollment: Enrollment | None = None
    # --- organisation (issue 11): how it looks and how often it is used ---
    icon: AccountIcon = AUTO_ICON
    use_count: int = 0
    last_used: datetime | None = None

    @property
    def label(self) -> str:
        """How the account is named to a user: "Issuer (name)" or just the name."""
        if self.issuer and self.name:
            return f"{self.issuer} ({self.name})"
        return self.issuer or self.name
