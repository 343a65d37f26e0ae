"""The vault's plaintext contents <-> JSON-ready dicts (format 1).

Only this module knows the field names inside the encrypted payload. The payload
is authenticated, so a shape error here means a bug or a hand-made file; it is
reported as a damaged vault, never as a traceback.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.params import Algorithm, OtpKind, OtpParams
from desktop_2fa.vault.errors import CorruptVault
from desktop_2fa.vault.model import (
    AUTO_ICON,
    ICON_TYPES,
    MAX_ICON_BYTES,
    Account,
    AccountIcon,
    BackupCode,
    BackupCodeSet,
    BackupSource,
    Enrollment,
    IconKind,
)

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from typing import Any

    from desktop_2fa.vault.vault_data import Settings, VaultData


def _ts(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _code_to_dict(c: BackupCode) -> dict[str, Any]:
    if c.used_at is None:  # most codes: unused
        return {"code": c.code, "used": c.used}
    return {"code": c.code, "used": c.used, "used_at": _ts(c.used_at)}


def _account_to_dict(a: Account) -> dict[str, Any]:
    p = a.params
    out: dict[str, Any] = {
        "id": a.id,
        "issuer": a.issuer,
        "name": a.name,
        "kind": p.kind.value,
        # base64, not base32: the C decoder keeps unlocking 1,000 accounts fast.
        "secret": base64.b64encode(p.secret).decode("ascii"),
        "algorithm": p.algorithm.value,
        "digits": p.digits,
        "period": p.period,
        "counter": p.counter,
        "created_at": _ts(a.created_at),
        "updated_at": _ts(a.updated_at),
    }
    # A member at its default is left out (the reader gives the default, and
    # reads the files that spell it out the same): an empty note, group and
    # backup-code set were a fifth of a plain account's bytes, which every
    # `desktop-2fa code` reads, hashes, decodes and searches (issue 13).
    if a.note:
        out["note"] = a.note
    if a.group:
        out["group"] = a.group
    if a.favourite:
        out["favourite"] = True
    b = a.backup_codes
    if b != _NO_BACKUP_CODES:
        out["backup_codes"] = {
            "source": b.source.value,
            "updated_at": _ts(b.updated_at),
            "codes": [_code_to_dict(c) for c in b.codes],
        }
    if a.enrollment is not None:
        e = a.enrollment
        out["enrollment"] = {
            "server": e.server,
            "email": e.email,
            "enrolled_at": _ts(e.enrolled_at),
        }
        if e.pending:
            out["enrollment"]["pending"] = True
    _organisation_to_dict(a, out)
    return out


# Plain dict look-ups: Enum(value) calls cost a third of unlocking 1,000 accounts.
_KINDS = {k.value: k for k in OtpKind}
_ALGORITHMS = {a.value: a for a in Algorithm}
_SOURCES = {s.value: s for s in BackupSource}
_NO_BACKUP_CODES = BackupCodeSet()


# What a malformed payload raises while it is read; each becomes CorruptVault.
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, binascii.Error, CoreError)


def account_from_dict(d: Any) -> Account:
    """One account of a format-1 payload (`LazyContents` builds them one by one).

    Raises:
        CorruptVault: it is not an account of a format-1 payload.
    """
    try:
        return _account_from_dict(d)
    except _SHAPE_ERRORS as e:
        raise CorruptVault(f"unreadable contents: {type(e).__name__}") from e


def _account_from_dict(d: dict[str, Any]) -> Account:
    params = OtpParams(
        kind=_KINDS[d["kind"]],
        secret=base64.b64decode(d["secret"], validate=True),
        algorithm=_ALGORITHMS[d["algorithm"]],
        digits=int(d["digits"]),
        period=int(d["period"]),
        counter=int(d["counter"]),
    )
    b = d.get("backup_codes")
    if not b or (not b["codes"] and b.get("updated_at") is None and b["source"] == "manual"):
        backup = _NO_BACKUP_CODES
    else:
        backup = BackupCodeSet(
            codes=tuple(
                BackupCode(c["code"], bool(c["used"]), _dt(c.get("used_at"))) for c in b["codes"]
            ),
            source=_SOURCES[b["source"]],
            updated_at=_dt(b.get("updated_at")),
        )
    e = d.get("enrollment")
    enrollment = (
        None
        if e is None
        else Enrollment(
            e["server"],
            e["email"],
            datetime.fromisoformat(e["enrolled_at"]),
            pending=bool(e.get("pending", False)),
        )
    )
    return Account(
        id=d["id"],
        issuer=d["issuer"],
        name=d["name"],
        params=params,
        created_at=datetime.fromisoformat(d["created_at"]),
        updated_at=datetime.fromisoformat(d["updated_at"]),
        note=d.get("note", ""),
        group=d.get("group", ""),
        favourite=bool(d.get("favourite", False)),
        backup_codes=backup,
        enrollment=enrollment,
        **_organisation_from_dict(d),
    )


def to_dict(data: VaultData) -> dict[str, Any]:
    s = data.settings
    return {
        "accounts": [_account_to_dict(a) for a in data.accounts],
        "settings": {
            "clipboard_clear_seconds": s.clipboard_clear_seconds,
            "auto_lock_minutes": s.auto_lock_minutes,
            "show_next_code": s.show_next_code,
            **_view_to_dict(s),
        },
    }


def from_dict(d: Any) -> VaultData:
    """Raises CorruptVault when the decrypted payload is not a format-1 payload."""
    # Only now: `desktop-2fa code` builds single accounts (`vault_data.py`).
    from desktop_2fa.vault.vault_data import Settings, VaultData

    try:
        accounts = tuple(_account_from_dict(a) for a in d["accounts"])
        raw = d.get("settings") or {}
        defaults = Settings()
        settings = Settings(
            clipboard_clear_seconds=int(
                raw.get("clipboard_clear_seconds", defaults.clipboard_clear_seconds)
            ),
            auto_lock_minutes=int(raw.get("auto_lock_minutes", defaults.auto_lock_minutes)),
            show_next_code=bool(raw.get("show_next_code", defaults.show_next_code)),
            **_view_from_dict(raw),
        )
    except _SHAPE_ERRORS as e:
        raise CorruptVault(f"unreadable contents: {type(e).__name__}") from e
    return VaultData(accounts=accounts, settings=settings)


# --- organisation and view (issue 11) -----------------------------------------------------
# Every field is optional on read: vaults written before these existed open
# unchanged, with the defaults. Unknown enum values (a newer app's) fall back
# to the default instead of making the vault unreadable.

_ICON_KINDS = {k.value: k for k in IconKind}


def _organisation_to_dict(a: Account, out: dict[str, Any]) -> None:
    if a.icon.kind is not IconKind.AUTO:
        icon: dict[str, Any] = {"kind": a.icon.kind.value}
        if a.icon.kind is IconKind.IMAGE:
            icon["mime"] = a.icon.mime
            icon["data"] = base64.b64encode(a.icon.data).decode("ascii")
        out["icon"] = icon
    if a.use_count:
        out["use_count"] = a.use_count
    if a.last_used is not None:
        out["last_used"] = _ts(a.last_used)


def _icon_from_dict(raw: Any) -> AccountIcon:
    if not raw:
        return AUTO_ICON
    kind = _ICON_KINDS.get(str(raw.get("kind")), IconKind.AUTO)
    if kind is IconKind.LETTER:
        return AccountIcon(IconKind.LETTER)
    if kind is not IconKind.IMAGE:
        return AUTO_ICON
    data = base64.b64decode(raw["data"], validate=True)
    mime = raw.get("mime")
    if mime not in ICON_TYPES or not data or len(data) > MAX_ICON_BYTES:
        return AUTO_ICON  # a picture we would refuse to store is shown as the default
    return AccountIcon(IconKind.IMAGE, data, mime)


def _organisation_from_dict(d: dict[str, Any]) -> dict[str, Any]:
    if "icon" not in d and "use_count" not in d and "last_used" not in d:
        return {}  # the common case stays as fast as before (unlock of 1,000 accounts)
    return {
        "icon": _icon_from_dict(d.get("icon")),
        "use_count": max(0, int(d.get("use_count", 0))),
        "last_used": _dt(d.get("last_used")),
    }


def _view_to_dict(s: Settings) -> dict[str, Any]:
    return {
        "sort": s.sort.value,
        "density": s.density.value,
        "digit_grouping": s.digit_grouping.value,
        "tap_to_reveal": s.tap_to_reveal,
        "theme": s.theme.value,
        "wizard_server": s.wizard_server,
    }


def _view_from_dict(raw: dict[str, Any]) -> dict[str, Any]:
    from desktop_2fa.vault.vault_data import Density, DigitGrouping, Settings, SortMode, Theme

    defaults = Settings()
    sorts = {m.value: m for m in SortMode}
    densities = {m.value: m for m in Density}
    groupings = {m.value: m for m in DigitGrouping}
    themes = {m.value: m for m in Theme}
    return {
        "sort": sorts.get(str(raw.get("sort")), defaults.sort),
        "density": densities.get(str(raw.get("density")), defaults.density),
        "digit_grouping": groupings.get(str(raw.get("digit_grouping")), defaults.digit_grouping),
        "tap_to_reveal": bool(raw.get("tap_to_reveal", defaults.tap_to_reveal)),
        "theme": themes.get(str(raw.get("theme")), defaults.theme),
        "wizard_server": str(raw.get("wizard_server", defaults.wizard_server)),
    }
