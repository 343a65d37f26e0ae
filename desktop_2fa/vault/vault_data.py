"""Everything a vault holds: its accounts and the settings that travel with it.

Apart from the accounts (`model.py`) so that `desktop-2fa code`, which builds
only the accounts it prints, does not make these classes (issue 13);
`model` gives every name here as its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from desktop_2fa.vault.model import Account

# --- the view (issue 11) -----------------------------------------------------------------


class SortMode(StrEnum):
    """The list's order; favourites always come first (as in Aegis)."""

    CUSTOM = "custom"  # the vault's own order, changed by drag and drop
    NAME = "name"
    ISSUER = "issuer"
    MOST_USED = "most-used"
    RECENTLY_USED = "recently-used"


class Density(StrEnum):
    NORMAL = "normal"
    COMPACT = "compact"
    SMALL = "small"


class DigitGrouping(StrEnum):
    HALVES = "halves"  # 123 456
    PAIRS = "pairs"  # 12 34 56
    NONE = "none"  # 123456


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Settings:
    """User preferences that travel with the vault."""

    clipboard_clear_seconds: int = 30
    auto_lock_minutes: int = 5
    show_next_code: bool = True
    # --- the view (issue 11) ---
    sort: SortMode = SortMode.ISSUER
    density: Density = Density.NORMAL
    digit_grouping: DigitGrouping = DigitGrouping.HALVES
    tap_to_reveal: bool = False
    theme: Theme = Theme.SYSTEM
    # The wizard's last non-bundled server ("" while the bundled one is used).
    wizard_server: str = ""


@dataclass(frozen=True, slots=True)
class VaultData:
    """Everything the vault holds."""

    accounts: tuple[Account, ...] = ()
    settings: Settings = field(default_factory=Settings)
