"""`desktop-2fa restore`: list the kept versions, restore one, or keep the current vault.

    desktop-2fa restore                 # list: number, time, generation, accounts
    desktop-2fa restore 2               # restore the second one listed
    desktop-2fa restore --newest        # restore the one with the highest generation
    desktop-2fa restore --keep-current  # after a rollback warning: this one is right

Restoring is explicit and durable, and the current file becomes a kept
version too, so a restore can itself be undone. When the current file is too
damaged to open, the kept versions are opened with the password alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.unlock import PROG, open_vault, when
from desktop_2fa.core.text import shown
from desktop_2fa.vault.errors import CorruptVault, KdfTooCostly, VaultNotFound, VersionNotFound

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop_2fa.vault.versions import KeptVersion, UnlockedVersion


def _table(versions: Sequence[KeptVersion]) -> list[str]:
    lines = [f"  {'#':>3}  {'saved':<23}  {'generation':>10}  {'accounts':>8}"]
    for number, v in enumerate(versions, start=1):
        lines.append(f"  {number:>3}  {when(v.saved_at):<23}  {v.generation:>10}  {v.accounts:>8}")
    return lines


def _chosen(args: argparse.Namespace, versions: Sequence[KeptVersion]) -> int | None:
    """The index of the version the arguments name, or None to only list."""
    if args.newest:
        from desktop_2fa.vault.versions import newest

        best = newest(list(versions))
        if best is None:
            raise UserError("there is no kept version to restore")
        return list(versions).index(best)
    if args.version is None:
        return None
    text = args.version.strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= len(versions)):
        raise VersionNotFound(shown(text, 20))
    return int(text) - 1


def _print_list(versions: Sequence[KeptVersion], current: str) -> None:
    print(current)
    if not versions:
        print("There are no kept versions yet (one is kept on every save).")
        return
    print("Kept versions, newest first:")
    for line in _table(versions):
        print(line)
    print(
        f"Restore one with '{PROG} restore NUMBER' (or --newest); "
        "the current vault is kept as a version too."
    )


def _restored(version: KeptVersion) -> str:
    return (
        f"Restored the version saved {when(version.saved_at)} (generation "
        f"{version.generation}, {version.accounts} accounts); the vault it replaced is kept "
        f"as a version ('{PROG} restore' lists them)."
    )


def _restore_unopened(args: argparse.Namespace, path: Path, why: str) -> int:
    """The current file does not open: work from the kept versions and the password."""
    from desktop_2fa.vault.store import VaultFile

    if args.keep_current:
        raise UserError(f"the current vault cannot be kept: {why}")
    vault_file = VaultFile(path)
    unlocked: list[UnlockedVersion] = vault_file.kept_versions(context.password(args))
    versions = [u.version for u in unlocked]
    index = _chosen(args, versions)
    if index is None:
        _print_list(versions, f"The current vault does not open ({why}).")
        return 0 if versions else 1
    vault_file.restore(unlocked[index])
    print(_restored(versions[index]))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if args.version is not None and (args.newest or args.keep_current):
        raise UserError("give a VERSION number, --newest or --keep-current, not two of them")
    path = context.vault_path(args)
    try:
        vault = open_vault(args, warn=False)
    except CorruptVault as e:
        return _restore_unopened(args, path, f"damaged: {e.detail}")
    except KdfTooCostly as e:  # a hand-made header: the kept versions may be fine
        return _restore_unopened(
            args, path, f"its header asks Argon2id for {e.parameter} {e.value}"
        )
    except VaultNotFound:
        return _restore_unopened(args, path, "there is no file at that path")
    status = vault.rollback
    if args.keep_current:
        vault.keep_current()
        if status is None:
            print(f"Nothing to decide: generation {vault.generation} is the newest seen here.")
        else:
            print(
                f"Kept the current vault (generation {status.opened}); it is now generation "
                f"{vault.generation} and HOTP codes are given again."
            )
        return 0
    versions = vault.kept_versions()
    index = _chosen(args, versions)
    if index is None:
        current = (
            f"Current vault: generation {vault.generation}, {len(vault.data.accounts)} accounts"
        )
        if status is not None:
            current += (
                f", older than generation {status.highest_seen} opened before on this computer"
            )
        _print_list(versions, current + ".")
        return 0
    rekeyed = vault.restore(versions[index])
    print(_restored(versions[index]))
    if rekeyed:
        print(
            "The restored vault opens with the password that version was saved with, "
            "not the one given now: the old copy predates a password change."
        )
    return 0


def options_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("version", nargs="?", metavar="VERSION",
                   help="the number of a kept version, as listed")  # fmt: skip
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--newest", action="store_true",
                        help="restore the kept version with the highest generation")  # fmt: skip
    choice.add_argument("--keep-current", action="store_true",
                        help="keep the current vault after a rollback warning; "
                        "HOTP codes are given again")  # fmt: skip
