"""Pure changes to `VaultData`: each takes the old value and returns a new one.

Time comes in as `now`; nothing here reads the clock or touches the disk.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.vault.errors import (
    AccountNotFound,
    BackupCodeNotFound,
    DuplicateAccount,
)
from desktop_2fa.vault.model import (
    Account,
    AccountIcon,
    BackupCode,
    BackupCodeSet,
    BackupSource,
    Enrollment,
    Settings,
    VaultData,
)

# Finding accounts by what a user types lives in `search` (`desktop-2fa code`
# loads it without the edits); still here for the callers of `edits.find`.
from desktop_2fa.vault.search import choose, find, matches, select_one  # noqa: F401


def _identity(kind: object, secret: bytes) -> tuple[object, bytes]:
    return (kind, secret)


def find_duplicate(data: VaultData, spec: AccountSpec) -> Account | None:
    """The stored account with the same kind and secret, if any.

    Names are not compared: the same secret under another label still produces
    the same codes, so it is the same account to the user.
    """
    wanted = _identity(spec.params.kind, spec.params.secret)
    for account in data.accounts:
        if _identity(account.params.kind, account.params.secret) == wanted:
            return account
    return None


@dataclass(frozen=True, slots=True)
class Draft:
    """An account to add, with the extras other apps' exports carry."""

    spec: AccountSpec
    note: str = ""
    group: str = ""
    favourite: bool = False


def add_accounts(
    data: VaultData, drafts: Iterable[Draft], now: datetime
) -> tuple[VaultData, tuple[Account, ...], tuple[int, ...]]:
    """Add many accounts at once (an import), skipping duplicates.

    Linear in the vault's size: the secrets are indexed once, where calling
    `add_account` per entry would rescan and copy the vault each time.

    Returns:
        the new data, the accounts added, and the positions of the drafts
        skipped as duplicates (of the vault or of an earlier draft).
    """
    import uuid

    seen = {_identity(a.params.kind, a.params.secret) for a in data.accounts}
    added: list[Account] = []
    skipped: list[int] = []
    for index, draft in enumerate(drafts):
        key = _identity(draft.spec.params.kind, draft.spec.params.secret)
        if key in seen:
            skipped.append(index)
            continue
        seen.add(key)
        added.append(
            Account(
                id=uuid.uuid4().hex,
                issuer=draft.spec.issuer,
                name=draft.spec.name,
                params=draft.spec.params,
                created_at=now,
                updated_at=now,
                note=draft.note,
                group=draft.group,
                favourite=draft.favourite,
            )
        )
    return (
        dataclasses.replace(data, accounts=(*data.accounts, *added)),
        tuple(added),
        tuple(skipped),
    )


def add_account(
    data: VaultData,
    spec: AccountSpec,
    now: datetime,
    *,
    note: str = "",
    group: str = "",
    favourite: bool = False,
    backup_codes: Iterable[str] = (),
    backup_source: BackupSource = BackupSource.MANUAL,
    enrollment: Enrollment | None = None,
) -> tuple[VaultData, Account]:
    """Add an account; refuse one whose secret is already stored.

    Raises:
        DuplicateAccount: an account with the same kind and secret exists.
    """
    existing = find_duplicate(data, spec)
    if existing is not None:
        raise DuplicateAccount(existing.label)
    import uuid  # only adding needs it; keeps `desktop-2fa code` light

    codes = _dedupe(backup_codes)
    account = Account(
        id=uuid.uuid4().hex,
        issuer=spec.issuer,
        name=spec.name,
        params=spec.params,
        created_at=now,
        updated_at=now,
        note=note,
        group=group,
        favourite=favourite,
        backup_codes=BackupCodeSet(
            codes=tuple(BackupCode(c) for c in codes),
            source=backup_source,
            updated_at=now if codes else None,
        ),
        enrollment=enrollment,
    )
    return dataclasses.replace(data, accounts=(*data.accounts, account)), account


def replace_account(data: VaultData, account: Account) -> VaultData:
    """Store `account` in place of the one with the same id."""
    if not any(a.id == account.id for a in data.accounts):
        raise AccountNotFound(account.id)
    return dataclasses.replace(
        data, accounts=tuple(account if a.id == account.id else a for a in data.accounts)
    )


def restore_account(data: VaultData, account: Account, index: int) -> VaultData:
    """Put a removed account back at its old position (undo), id and codes intact."""
    accounts = list(data.accounts)
    accounts.insert(min(max(index, 0), len(accounts)), account)
    return dataclasses.replace(data, accounts=tuple(accounts))


def remove_account(data: VaultData, account_id: str) -> VaultData:
    remaining = tuple(a for a in data.accounts if a.id != account_id)
    if len(remaining) == len(data.accounts):
        raise AccountNotFound(account_id)
    return dataclasses.replace(data, accounts=remaining)


def get_account(data: VaultData, account_id: str) -> Account:
    for account in data.accounts:
        if account.id == account_id:
            return account
    raise AccountNotFound(account_id)


def advance_counter(data: VaultData, account_id: str, now: datetime) -> VaultData:
    """Move an HOTP account to its next counter (RFC 4226 section 7.2)."""
    account = get_account(data, account_id)
    params = dataclasses.replace(account.params, counter=account.params.counter + 1)
    return replace_account(data, dataclasses.replace(account, params=params, updated_at=now))


# "1.", "2)", "#3", bullets: list decorations around codes pasted from a web page.
_DECORATION = re.compile(r"^(\d{1,3}[.)]|#\d{1,3}|[-•*·])$")


_HALF = re.compile(r"\d{4}")


def _tokens_to_codes(tokens: list[str]) -> list[str]:
    """Pair Google's half codes: `1234 5678` is one 8-digit code printed in two groups."""
    codes: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _HALF.fullmatch(token) and _HALF.fullmatch(following):
            codes.append(f"{token} {following}")
            i += 2
        else:
            codes.append(token)
            i += 1
    return codes


def split_backup_codes(text: str) -> list[str]:
    """The codes in a pasted block, minus list numbering and bullets.

    Codes are split on newlines, commas and semicolons; within a line, on
    spaces too, except that two 4-digit groups in a row are one code (Google
    prints its 8-digit codes as `1234 5678`; issue 9). A line of several
    8-digit codes, or of `abcde-fghij` codes side by side, keeps each one.
    """
    codes: list[str] = []
    for line in re.split(r"[\n\r,;]+", text):
        tokens = [t for t in line.split() if not _DECORATION.match(t)]
        codes.extend(_tokens_to_codes(tokens))
    return codes


def _dedupe(codes: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for raw in codes:
        code = raw.strip()
        if code and code not in seen:
            seen.add(code)
            out.append(code)
    return out


def _normal(code: str) -> str:
    return code.replace("-", "").replace(" ", "").casefold()


def add_backup_codes(
    data: VaultData,
    account_id: str,
    codes: Iterable[str],
    now: datetime,
    *,
    source: BackupSource = BackupSource.MANUAL,
    replace: bool = False,
) -> tuple[VaultData, int]:
    """Add codes to an account's set (or replace the set); returns how many were new."""
    account = get_account(data, account_id)
    current = () if replace else account.backup_codes.codes
    known = {c.code for c in current}
    new = [BackupCode(c) for c in _dedupe(codes) if c not in known]
    backup = BackupCodeSet(
        codes=(*current, *new),
        source=source if (replace or not current) else account.backup_codes.source,
        updated_at=now,
    )
    updated = dataclasses.replace(account, backup_codes=backup, updated_at=now)
    return replace_account(data, updated), len(new)


def set_backup_code_used(
    data: VaultData, account_id: str, code: str, now: datetime, *, used: bool = True
) -> tuple[VaultData, BackupCode]:
    """Mark one backup code used (or unused again).

    The code is looked up exactly first, then ignoring case, spaces and hyphens,
    because people retype codes from paper.

    Raises:
        BackupCodeNotFound: no stored code matches.
    """
    account = get_account(data, account_id)
    codes = account.backup_codes.codes
    index = next((i for i, c in enumerate(codes) if c.code == code.strip()), None)
    if index is None:
        loose = [i for i, c in enumerate(codes) if _normal(c.code) == _normal(code)]
        if len(loose) != 1:
            raise BackupCodeNotFound(account.label)
        index = loose[0]
    changed = BackupCode(codes[index].code, used=used, used_at=now if used else None)
    new_codes = (*codes[:index], changed, *codes[index + 1 :])
    backup = dataclasses.replace(account.backup_codes, codes=new_codes, updated_at=now)
    updated = dataclasses.replace(account, backup_codes=backup, updated_at=now)
    return replace_account(data, updated), changed


# --- organisation (issue 11): usage, custom order, icons, view settings -------------------


def record_use(data: VaultData, account_id: str, at: datetime) -> VaultData:
    """Count one use (a copied code) for the "most used" and "recently used" sorts.

    Not an edit of the account: `updated_at` stays as it was.
    """
    account = get_account(data, account_id)
    used = dataclasses.replace(account, use_count=account.use_count + 1, last_used=at)
    return replace_account(data, used)


def move_account(data: VaultData, account_id: str, before_id: str | None) -> VaultData:
    """Put an account in front of another (the custom order is the vault's order).

    `before_id` None moves it to the end.

    Raises:
        AccountNotFound: either account is not in the vault.
    """
    moving = get_account(data, account_id)
    if before_id == account_id:
        return data
    rest = [a for a in data.accounts if a.id != account_id]
    if before_id is None:
        index = len(rest)
    else:
        index = next((i for i, a in enumerate(rest) if a.id == before_id), -1)
        if index < 0:
            raise AccountNotFound(before_id)
    rest.insert(index, moving)
    return dataclasses.replace(data, accounts=tuple(rest))


def set_icon(data: VaultData, account_id: str, icon: AccountIcon, now: datetime) -> VaultData:
    """Give an account its own picture, the letter avatar, or back the automatic one."""
    account = get_account(data, account_id)
    return replace_account(data, dataclasses.replace(account, icon=icon, updated_at=now))


def mark_enrollment_activated(data: VaultData, account_id: str) -> VaultData:
    """The server accepted the first code: the account's enrollment is no longer pending."""
    account = get_account(data, account_id)
    if account.enrollment is None or not account.enrollment.pending:
        return data
    enrollment = dataclasses.replace(account.enrollment, pending=False)
    return replace_account(data, dataclasses.replace(account, enrollment=enrollment))


def replace_settings(data: VaultData, settings: Settings) -> VaultData:
    return dataclasses.replace(data, settings=settings)
