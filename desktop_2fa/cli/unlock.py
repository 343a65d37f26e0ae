"""Unlocking the vault for a command, and saying so when it was rolled back.

Every command that opens the vault goes through `open_vault`: when the vault
is older than one this computer opened before (issue 9, item 3), one line on
stderr names both generations and the newest kept version, and says what to
do. Scripts reading stdout are not disturbed; a person sees it every time
until they choose.
"""

from __future__ import annotations

import sys

from desktop_2fa.cli import context

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from desktop_2fa.vault.rollback import RollbackStatus
    from desktop_2fa.vault.store import OpenVault

PROG = "desktop-2fa"
RESTORE_ADVICE = (
    f"'{PROG} restore' lists the kept versions and restores one; "
    f"'{PROG} restore --keep-current' keeps this one"
)


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def rollback_line(status: RollbackStatus) -> str:
    """One line naming both generations, the newest kept version, and the choice."""
    newest = status.newest_kept
    if newest is None:
        kept = "no kept version opens"
    else:
        saved = when(newest.saved_at)
        kept = f"the newest kept version is generation {newest.generation}, saved {saved}"
    return (
        f"{PROG}: warning: this vault is generation {status.opened}, older than generation "
        f"{status.highest_seen} opened before on this computer; "
        f"{kept}. HOTP codes are held: {RESTORE_ADVICE}"
    )


def open_vault(args: argparse.Namespace, *, warn: bool = True, lazy: bool = False) -> OpenVault:
    """Unlock the vault the arguments name; print the rollback line if it applies.

    Args:
        lazy: build accounts as they are used (`VaultFile.unlock`).
    """
    from desktop_2fa.vault.store import VaultFile

    vault = VaultFile(context.vault_location(args)).unlock(context.password(args), lazy=lazy)
    if warn and vault.rollback is not None:
        print(rollback_line(vault.rollback), file=sys.stderr)
    return vault
