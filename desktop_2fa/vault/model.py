"""What the vault holds, as frozen values. Changes make new values (see `edits.py`).

Every class has a docstring: for one without, `dataclasses` works one out
with `inspect.signature`, time that `desktop-2fa code` does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_2fa.core.params import OtpParams


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

    @property
    def label(self) -> str:
        """How the account is named to a user: "Issuer (name)" or just the name."""
        if self.issuer and self.name:
            return f"{self.issuer} ({self.name})"
        return self.issuer or self.name


@dataclass(frozen=True, slots=True)
class Settings:
    """User preferences that travel with the vault."""

    clipboard_clear_seconds: int = 30
    auto_lock_minutes: int = 5
    show_next_code: bool = True


@dataclass(frozen=True, slots=True)
class VaultData:
    """Everything the vault holds."""

    accounts: tuple[Account, ...] = ()
    settings: Settings = field(default_factory=Settings)
