"""Subcommands that read the vault: list, code.

Apart from the vault-editing commands (`vault_commands.py`) so that `code`,
which scripts call in a loop, loads only what it uses (issue 13). `code
QUERY` unlocks lazily and searches once: of a 10,000-account vault it builds
only the accounts it prints. An HOTP code still moves its counter and saves,
through the one writer, which builds (and writes back) every account.
"""

from __future__ import annotations

import contextlib
import json
import math

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.unlock import RESTORE_ADVICE
from desktop_2fa.cli.unlock import open_vault as _open
from desktop_2fa.core.text import json_safe, shown
from desktop_2fa.vault.errors import AmbiguousAccount, NoAccountNamed, RollbackHold

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable
    from typing import Any

    from desktop_2fa.core.params import Code
    from desktop_2fa.vault.model import Account, VaultData
    from desktop_2fa.vault.store import OpenVault


def options_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def options_code(p: argparse.ArgumentParser) -> None:
    from desktop_2fa.cli.parser import unix_time  # not at the top: `code` may skip argparse

    p.add_argument("query", nargs="?", metavar="QUERY",
                   help="part of an issuer, name, group or id; an HOTP account's "
                   "code is only produced (and its counter advanced) when it alone "
                   "matches")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--at", type=unix_time, metavar="UNIX_TIME",
                   help="compute codes for this time instead of now")  # fmt: skip


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


def print_json(value: object) -> None:
    # Control characters inside strings are escaped by JSON itself; C1 controls
    # and bidi overrides are not with ensure_ascii=False, so `json_safe` does it.
    print(json_safe(json.dumps(value, ensure_ascii=False, indent=2)))


def _sorted(accounts: Iterable[Account]) -> list[Account]:
    return sorted(accounts, key=lambda a: (not a.favourite, a.issuer.casefold(), a.name.casefold()))


def cmd_list(args: argparse.Namespace) -> int:
    accounts = _sorted(_open(args).data.accounts)
    if args.json:
        print_json([_account_json(a) for a in accounts])
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


def _found(vault: OpenVault, query: str | None) -> list[Account]:
    """The accounts `code QUERY` shows: every match, or the one an exact name picks."""
    found = vault.find(query or "")  # the one search: only these accounts are built
    if query and not found:
        raise UserError(f"no account matches '{shown(query)}'")
    if query and len(found) > 1:
        if not query.strip():
            raise NoAccountNamed()
        from desktop_2fa.vault import search

        # an exact name picks one account out of several substring matches
        with contextlib.suppress(AmbiguousAccount):
            found = [search.choose(found, query)]
    return found


def cmd_code(args: argparse.Namespace) -> int:
    from desktop_2fa.core.otp import generate

    vault = _open(args, lazy=True)
    at = context.now() if args.at is None else args.at
    found = _found(vault, args.query)
    # HOTP: generating a code uses up its counter (RFC 4226 section 7.2), so a
    # code is only produced when that one account was asked for.
    single = len(found) == 1 and bool(args.query)
    rows = []
    for a in _sorted(found):
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
        print_json(
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
