"""Subcommands that change the vault: init, add, remove, passwd, backup-codes.

Reading (`list`, `code`) is in `read_commands.py`. Heavy modules are imported
inside the handlers.
"""

from __future__ import annotations

import argparse
import sys

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.read_commands import print_json
from desktop_2fa.cli.unlock import open_vault as _open
from desktop_2fa.core.text import shown
from desktop_2fa.vault.kdf import KdfParams
from desktop_2fa.vault.store import VaultFile


def options_init(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kdf-memory-mib", type=int, default=256, metavar="MIB",
                   help="Argon2id memory in MiB (at least 64; default 256)")  # fmt: skip
    p.add_argument("--kdf-passes", type=int, default=3, metavar="N",
                   help="Argon2id passes (at least 3; default 3)")  # fmt: skip
    p.add_argument("--kdf-lanes", type=int, default=4, metavar="N",
                   help="Argon2id lanes (default 4)")  # fmt: skip
    p.add_argument("--new-password-file", metavar="PATH", help="read the new password from PATH")


def options_add(p: argparse.ArgumentParser) -> None:
    p.add_argument("uri", metavar="URI", help="otpauth://... ('-' reads it from stdin)")
    p.add_argument("--note", default="", help="a note kept with the account")
    p.add_argument("--group", default="", help="a group name to sort the account under")
    p.add_argument("--favourite", action="store_true", help="list the account first")


def options_remove(p: argparse.ArgumentParser) -> None:
    p.add_argument("account", metavar="ACCOUNT", help="issuer, name or id of the account")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def options_passwd(p: argparse.ArgumentParser) -> None:
    p.add_argument("--new-password-file", metavar="PATH",
                   help="read the new password from PATH "
                   "(default: $DESKTOP_2FA_NEW_PASSWORD, else asked twice)")  # fmt: skip


def options_backup_codes(p: argparse.ArgumentParser) -> None:
    p.add_argument("account", metavar="ACCOUNT", help="issuer, name or id of the account")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--add", nargs="+", metavar="CODE",
                        help="add codes ('-' reads a pasted block from stdin)")  # fmt: skip
    action.add_argument("--use", metavar="CODE", help="mark a code used")
    action.add_argument("--unuse", metavar="CODE", help="mark a code unused again")
    action.add_argument("--json", action="store_true", help="print JSON")


def _kdf(args: argparse.Namespace) -> KdfParams:
    """The Argon2id parameters `init` was asked for, within what a vault may use."""
    from desktop_2fa.vault import header
    from desktop_2fa.vault.errors import InvalidKdfParams, KdfTooCostly

    if args.kdf_memory_mib * 1024 < header.MIN_MEMORY_KIB or args.kdf_passes < header.MIN_TIME_COST:
        raise UserError("key derivation must use at least 64 MiB and 3 passes")
    try:
        return KdfParams.new(
            time_cost=args.kdf_passes, memory_kib=args.kdf_memory_mib * 1024, lanes=args.kdf_lanes
        )
    except KdfTooCostly as e:
        # The same ceilings every unlock enforces: a vault made here always opens.
        raise UserError(
            f"key derivation {e.parameter} {e.value} is more than desktop-2fa allows "
            f"(at most {e.limit}: no more than a few seconds to unlock)"
        ) from e
    except InvalidKdfParams as e:
        raise UserError(str(e)) from e


def cmd_init(args: argparse.Namespace) -> int:
    path = context.vault_path(args)
    if path.exists():
        raise UserError(f"a vault already exists at {path}; refusing to overwrite it")
    kdf = _kdf(args)
    VaultFile(path).create(context.new_password(args, for_init=True), kdf=kdf)
    print(f"Created an empty vault at {path}")
    return 0


def _read_uri(arg: str) -> str:
    if arg == "-":  # keeps the secret out of shell history and `ps`
        return sys.stdin.readline().strip()
    return arg


def _extra_text(value: str, what: str) -> str:
    from desktop_2fa.core.text import check_label

    return check_label(value, what)


def cmd_add(args: argparse.Namespace) -> int:
    from desktop_2fa.core import uri
    from desktop_2fa.vault import edits

    spec = uri.parse(_read_uri(args.uri))
    note, group = _extra_text(args.note, "note"), _extra_text(args.group, "group")
    vault = _open(args)
    account = vault.apply_with(
        lambda data: edits.add_account(
            data, spec, context.now_dt(), note=note, group=group, favourite=args.favourite
        )
    )
    print(f"Added {shown(account.label)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop_2fa.vault import edits, search

    vault = _open(args)
    account = search.select_one(vault.data, args.account)
    label = shown(account.label)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(f"refusing to remove {label} without --yes")
        answer = input(f"Remove {label} and its backup codes? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return 0
    vault.apply(lambda data: edits.remove_account(data, account.id))
    print(f"Removed {label}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    vault = _open(args)
    vault.change_password(context.new_password(args, for_init=False))
    print("Password changed.")
    return 0


def _split_codes(values: list[str]) -> list[str]:
    """Codes from arguments, or from stdin for '-': a pasted block, any separators."""
    from desktop_2fa.vault import edits

    out: list[str] = []
    for value in values:
        out.extend(edits.split_backup_codes(sys.stdin.read() if value == "-" else value))
    return out


def cmd_backup_codes(args: argparse.Namespace) -> int:
    from desktop_2fa.vault import edits, search

    vault = _open(args)
    account = search.select_one(vault.data, args.account)
    label = shown(account.label)
    now = context.now_dt()
    if args.add:
        codes = _split_codes(args.add)
        added = vault.apply_with(lambda d: edits.add_backup_codes(d, account.id, codes, now))
        print(f"Added {added} backup code(s) to {label}")
        return 0
    if args.use or args.unuse:
        wanted, used = args.use or args.unuse, bool(args.use)
        code = vault.apply_with(
            lambda d: edits.set_backup_code_used(d, account.id, wanted, now, used=used)
        )
        state = "used" if code.used else "unused"
        print(f"Marked {shown(code.code)} {state} for {label}")
        return 0
    backup = account.backup_codes
    if args.json:
        print_json(
            {
                "account": {"id": account.id, "issuer": account.issuer, "name": account.name},
                "source": backup.source.value,
                "codes": [
                    {
                        "code": c.code,
                        "used": c.used,
                        "used_at": None if c.used_at is None else c.used_at.isoformat(),
                    }
                    for c in backup.codes
                ],
            }
        )
        return 0
    if not backup.codes:
        print(f"{label} has no backup codes. Add them with --add CODE...")
        return 0
    print(f"{label}: {backup.unused} of {len(backup.codes)} unused ({backup.source.value})")
    for c in backup.codes:
        if c.used:
            when = c.used_at.strftime("%Y-%m-%d %H:%M UTC") if c.used_at else ""
            print(f"  {shown(c.code)}  used {when}".rstrip())
        else:
            print(f"  {shown(c.code)}")
    return 0
