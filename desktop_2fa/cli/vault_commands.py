"""Subcommands that work on the vault: init, add, list, code, remove, passwd, backup-codes.

Heavy modules are imported inside the handlers: `desktop-2fa code` has a
150 ms budget in a fresh process and must load only what it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.unlock import RESTORE_ADVICE
from desktop_2fa.cli.unlock import open_vault as _open
from desktop_2fa.core.text import json_safe, shown
from desktop_2fa.vault.errors import AmbiguousAccount, RollbackHold
from desktop_2fa.vault.kdf import KdfParams
from desktop_2fa.vault.model import Account, VaultData
from desktop_2fa.vault.store import OpenVault, VaultFile

if TYPE_CHECKING:
    from desktop_2fa.core.params import Code


def _kdf(args: argparse.Namespace) -> KdfParams:
    """The Argon2id parameters `init` was asked for, within what a vault may use."""
    from desktop_2fa.vault import kdf
    from desktop_2fa.vault.errors import InvalidKdfParams, KdfTooCostly

    if args.kdf_memory_mib * 1024 < kdf.MIN_MEMORY_KIB or args.kdf_passes < kdf.MIN_TIME_COST:
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


def _account_json(a: Account) -> dict[str, Any]:
    p = a.params
    return {
        "id": a.id,
        "issuer": a.issuer,
        "name": a.name,
        "kind": p.kind.value,
        "algorithm": p.algorithm.value,
        "digits": p.digits,
        "period": p.period if p.is_time_based else None,
        "counter": None if p.is_time_based else p.counter,
        "group": a.group,
        "favourite": a.favourite,
        "note": a.note,
        "backup_codes": {"total": len(a.backup_codes.codes), "unused": a.backup_codes.unused},
        "enrollment": None
        if a.enrollment is None
        else {"server": a.enrollment.server, "email": a.enrollment.email},
    }


def _print_json(value: object) -> None:
    # Control characters inside strings are escaped by JSON itself; C1 controls
    # and bidi overrides are not with ensure_ascii=False, so `json_safe` does it.
    print(json_safe(json.dumps(value, ensure_ascii=False, indent=2)))


def _sorted(data: VaultData) -> list[Account]:
    return sorted(
        data.accounts, key=lambda a: (not a.favourite, a.issuer.casefold(), a.name.casefold())
    )


def cmd_list(args: argparse.Namespace) -> int:
    accounts = _sorted(_open(args).data)
    if args.json:
        _print_json([_account_json(a) for a in accounts])
        return 0
    if not accounts:
        print("The vault is empty. Add an account with 'desktop-2fa add URI'.")
        return 0
    for a in accounts:
        star = "*" if a.favourite else " "
        codes = f"{a.backup_codes.unused}/{len(a.backup_codes.codes)} backup codes"
        group = f"  [{shown(a.group)}]" if a.group else ""
        print(f"{star} {a.id[:8]}  {shown(a.label):<40} {a.params.kind.value:<5} {codes}{group}")
    return 0


def _hotp_code(vault: OpenVault, account: Account, at: float) -> Code:
    """Use up the account's next HOTP counter, durably, before its code is shown.

    The code is computed inside the edit, from the latest counter in the
    file, so two programs never hand out the same counter value.
    """
    from desktop_2fa.core.otp import generate
    from desktop_2fa.vault import edits

    try:
        vault.check_hotp_allowed()
    except RollbackHold as e:
        raise UserError(f"{e}; {RESTORE_ADVICE}") from e
    issued: list[Code] = []

    def step(data: VaultData) -> VaultData:
        issued.append(generate(edits.get_account(data, account.id).params, at))
        return edits.advance_counter(data, account.id, context.now_dt())

    vault.apply(step)
    return issued[-1]


def cmd_code(args: argparse.Namespace) -> int:
    from desktop_2fa.core.otp import generate
    from desktop_2fa.vault import edits

    vault = _open(args)
    at = context.now() if args.at is None else args.at
    found = edits.find(vault.data, args.query or "")
    if args.query and not found:
        raise UserError(f"no account matches '{shown(args.query)}'")
    if args.query and len(found) > 1:
        # an exact name picks one account out of several substring matches
        with contextlib.suppress(AmbiguousAccount):
            found = [edits.select_one(vault.data, args.query)]
    # HOTP: generating a code uses up its counter (RFC 4226 section 7.2), so a
    # code is only produced when that one account was asked for.
    single = len(found) == 1 and bool(args.query)
    rows = []
    for a in _sorted(VaultData(accounts=tuple(found))):
        p = a.params
        if p.is_time_based:
            code: Code | None = generate(p, at)
        elif single:
            code = _hotp_code(vault, a, at)
        else:
            code = None
        left = None if code is None else code.seconds_left(at)
        rows.append((a, code, left))

    if args.json:
        _print_json(
            [
                {
                    "id": a.id,
                    "issuer": a.issuer,
                    "name": a.name,
                    "kind": a.params.kind.value,
                    "code": None if c is None else c.value,
                    "valid_from": None if c is None else c.valid_from,
                    "valid_to": None if c is None else c.valid_to,
                    "seconds_left": None if left is None else math.ceil(left),
                    "counter": None if c is None else c.counter,
                }
                for a, c, left in rows
            ]
        )
        return 0
    if not rows:
        print("The vault is empty. Add an account with 'desktop-2fa add URI'.")
    for a, c, left in rows:
        label = shown(a.label)
        if c is None:
            print(f"{'-':<10}  {'':>4}  {label}  (HOTP: ask for it by name to use a code)")
        elif left is None:
            print(f"{c.value:<10}  {'':>4}  {label}  (HOTP counter {c.counter})")
        else:
            print(f"{c.value:<10}  {math.ceil(left):>3}s  {label}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop_2fa.vault import edits

    vault = _open(args)
    account = edits.select_one(vault.data, args.account)
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
    from desktop_2fa.vault import edits

    vault = _open(args)
    account = edits.select_one(vault.data, args.account)
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
        _print_json(
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
