"""The list's order and the codes' grouping: plain functions the model and the tray share.

The order depends on the chosen sort and the accounts only (issue 11: "a list
that stays put"), never on what was searched or filtered before. Favourites
come first in every sort, as in Aegis; ties end in the vault's own order, so
two accounts never swap places by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from desktop_2fa.core.params import OtpKind
from desktop_2fa.vault.model import Account, DigitGrouping, SortMode

_NEVER = float("inf")


def _sort_key(mode: SortMode, account: Account, position: int) -> tuple[object, ...]:
    favourite = 0 if account.favourite else 1
    issuer = (account.issuer or account.name).casefold()
    name = account.name.casefold()
    if mode is SortMode.CUSTOM:
        return (favourite, position)
    if mode is SortMode.NAME:
        return (favourite, name or issuer, issuer, position)
    if mode is SortMode.MOST_USED:
        return (favourite, -account.use_count, issuer, name, position)
    if mode is SortMode.RECENTLY_USED:
        last: datetime | None = account.last_used
        return (favourite, -last.timestamp() if last else _NEVER, issuer, name, position)
    return (favourite, issuer, name, position)


def ordered(accounts: Sequence[Account], mode: SortMode) -> list[Account]:
    """`accounts` (in the vault's order) in the order the list shows them."""
    # Sort positions, not accounts: Account values do not compare.
    keyed = sorted(range(len(accounts)), key=lambda i: _sort_key(mode, accounts[i], i))
    return [accounts[i] for i in keyed]


def move_target(accounts: Sequence[Account], account_id: str, before_id: str | None) -> str | None:
    """Where an account goes in the vault's order (`edits.move_account`'s `before_id`) when
    it is put in front of `before_id` in the custom sort's list (None: at the end).

    Favourites are listed first, so the list has two parts: put in the other part, an
    account goes to the nearest end of its own (a favourite after the last favourite,
    another account before the first other one), never to wherever the vault keeps the
    row it was put next to.
    """
    by_id = {a.id: a for a in accounts}
    moving, before = by_id.get(account_id), by_id.get(before_id or "")
    if moving is None or before is None or before.favourite == moving.favourite:
        return before_id
    if moving.favourite:
        return None  # the end of the vault: the last favourite
    return accounts[0].id  # the start of the vault: the first of the others


def ranks(accounts: Sequence[Account], mode: SortMode) -> dict[str, int]:
    """Each account's place in the list (by id)."""
    return {account.id: rank for rank, account in enumerate(ordered(accounts, mode))}


def group_code(code: str, grouping: DigitGrouping = DigitGrouping.HALVES) -> str:
    """Split a code for reading.

    HALVES: 123 456, 1234 5678, 123 456 789. PAIRS: 12 34 56, 12 34 56 78.
    NONE: 123456. Steam codes (letters) stay whole in every mode.
    """
    if grouping is DigitGrouping.NONE or not code.isdigit():
        return code
    n = len(code)
    if grouping is DigitGrouping.PAIRS:
        cut = n if n % 2 == 0 else n - 3  # an odd length ends in a group of three
        parts = [code[i : i + 2] for i in range(0, cut, 2)]
        if cut < n:
            parts.append(code[cut:])
        return " ".join(parts)
    if n == 9:
        return f"{code[:3]} {code[3:6]} {code[6:]}"
    half = (n + 1) // 2 if n in (6, 8, 10) else 3
    return f"{code[:half]} {code[half:]}"


def hidden_code(digits: int, kind: OtpKind, grouping: DigitGrouping) -> str:
    """Dots in the code's shape (tap-to-reveal, an HOTP code not asked for yet)."""
    if kind is OtpKind.STEAM:
        return "•" * digits
    return group_code("0" * digits, grouping).replace("0", "•")
