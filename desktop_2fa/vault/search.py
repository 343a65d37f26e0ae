"""Finding accounts by what a user types: part of an issuer, name or group, or an id.

Apart from `edits` so that `desktop-2fa code QUERY` loads only this (issue
13); `edits` re-exports every name.
"""

from __future__ import annotations

from desktop_2fa.vault.errors import AccountNotFound, AmbiguousAccount, NoAccountNamed

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from desktop_2fa.vault.model import Account, VaultData


def matches(account: Account, query: str) -> bool:
    """Case-insensitive match on issuer, name, "issuer:name", group or id prefix."""
    q = query.casefold().strip()
    if not q:
        return True
    haystack = (
        account.issuer.casefold(),
        account.name.casefold(),
        f"{account.issuer}:{account.name}".casefold(),
        account.group.casefold(),
    )
    return any(q in h for h in haystack) or account.id.startswith(q)


def find(data: VaultData, query: str) -> list[Account]:
    return [a for a in data.accounts if matches(a, query)]


def select_one(data: VaultData, query: str) -> Account:
    """The single account `query` names.

    An exact match on the label, "issuer:name", the name or the id wins over
    substring matches, so "GitHub" can be chosen even next to "GitHub Enterprise".

    Raises:
        NoAccountNamed: the query is blank (it would match every account).
        AccountNotFound, AmbiguousAccount
    """
    if not query.strip():
        raise NoAccountNamed()
    return choose(find(data, query), query)


def choose(found: list[Account], query: str) -> Account:
    """The one account of `found` (what `find` gave for `query`) the query names.

    Raises:
        AccountNotFound, AmbiguousAccount
    """
    if not found:
        raise AccountNotFound(query)
    if len(found) == 1:
        return found[0]
    q = query.casefold().strip()
    exact = [
        a
        for a in found
        if q
        in (
            a.id,
            a.label.casefold(),
            a.issuer.casefold(),
            a.name.casefold(),
            f"{a.issuer}:{a.name}".casefold(),
        )
    ]
    if len(exact) == 1:
        return exact[0]
    raise AmbiguousAccount(query, [a.label for a in (exact or found)])
