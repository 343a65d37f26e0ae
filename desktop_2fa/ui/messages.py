"""Errors become words here, and only here (DESIGN.md, house style 3).

`describe(error)` gives one sentence a person can act on for every exception
the app expects, and a calm sentence (pointing at the log) for anything else.
The packages below already write their messages as sentences that never hold a
secret; where the desktop needs different advice than the command line (a
vault error that says "run desktop-2fa init"), the sentence is written here.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.text import LINE_LIMIT, shown
from desktop_2fa.exporters.errors import ExportFailed
from desktop_2fa.iconpacks.errors import IconPackError
from desktop_2fa.importers import errors as import_errors
from desktop_2fa.scan import errors as scan_errors
from desktop_2fa.vault import errors as vault_errors

Rule = tuple[type[BaseException], Callable[[BaseException], str]]
CHOOSE = "Choose “Restore newest” or “Keep this one” above first."


def sentence(text: str) -> str:
    """`text` with a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _own(error: BaseException) -> str:
    """The package's own message: already one sentence without secrets."""
    return sentence(str(error))


def _attr(error: BaseException, name: str) -> object:
    return getattr(error, name, "")


_VAULT: list[Rule] = [
    (
        vault_errors.WrongPassword,
        lambda e: "That password does not open this vault; check Caps Lock and try again.",
    ),
    (
        # The detail may itself say "changed outside desktop-2fa": name it once (issue 11).
        # Where the kept versions are is added by the unlock page, which knows the path.
        vault_errors.CorruptVault,
        lambda e: f"The vault file is damaged and cannot be opened: {_attr(e, 'detail')}.",
    ),
    (
        vault_errors.UnsupportedVersion,
        lambda e: (
            f"This vault was saved by a newer desktop-2fa (format version "
            f"{_attr(e, 'version')}); update desktop-2fa to open it."
        ),
    ),
    (vault_errors.VaultNotFound, lambda e: f"There is no vault at {_attr(e, 'path')}."),
    (
        vault_errors.VaultExists,
        lambda e: f"A vault already exists at {_attr(e, 'path')}; it was left untouched.",
    ),
    (
        vault_errors.VaultChangedOnDisk,
        lambda e: (
            "Another program changed the vault file since it was opened, so nothing was "
            "saved; lock, unlock and make the change again."
        ),
    ),
    (
        vault_errors.DuplicateAccount,
        lambda e: f"{_attr(e, 'label')} is already in the vault with the same secret.",
    ),
    (
        # Issue 9, item 3: the way out is the banner above the list.
        vault_errors.RollbackHold,
        lambda e: (
            f"No counter-based code yet: this copy of the vault (generation "
            f"{_attr(e, 'opened')}, {_attr(e, 'highest')} seen) may repeat used codes. {CHOOSE}"
        ),
    ),
    (
        vault_errors.RollbackPending,
        lambda e: (
            f"Nothing was changed: this copy of the vault is older than one opened before "
            f"(generation {_attr(e, 'opened')}, {_attr(e, 'highest')} seen). {CHOOSE}"
        ),
    ),
    (vault_errors.AccountNotFound, lambda e: "That account is no longer in the vault."),
    (vault_errors.BackupCodeNotFound, lambda e: "No stored backup code matches that."),
    (vault_errors.VaultError, _own),
]

_SCAN: list[Rule] = [
    (
        scan_errors.NoQrCodeFound,
        lambda e: (
            f"No QR code was found in {_attr(e, 'source')}; make sure the whole code is "
            "visible, sharp and not too small."
        ),
    ),
    (
        scan_errors.NoCamera,
        lambda e: "No camera was found; connect one, or scan the screen or an image file instead.",
    ),
    (
        scan_errors.CameraFailed,
        lambda e: (
            "The camera opened but gives no picture; close other programs that use it "
            "and try again."
        ),
    ),
    (
        scan_errors.ScreenUnavailable,
        lambda e: (
            f"The screen cannot be captured here ({_attr(e, 'detail')}); save a screenshot "
            "and open it as an image file instead."
        ),
    ),
    (scan_errors.ScanError, _own),
]

_IMPORT: list[Rule] = [
    (
        import_errors.WrongPassword,
        lambda e: "That password does not open this export file; try again.",
    ),
    (import_errors.ImportFailed, _own),
]


def _enroll_rules() -> list[Rule]:
    """The enrollment client's errors, when that package is present."""
    try:
        from desktop_2fa.enroll import errors as enroll_errors
    except ImportError:  # pragma: no cover - enroll is built in another issue
        return []
    base = getattr(enroll_errors, "EnrollError", None)
    return [(base, _own)] if isinstance(base, type) else []


def _os_error(error: BaseException) -> str:
    assert isinstance(error, OSError)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        # Every write goes to a temp file first (vault/durable.py): a full disk
        # stops it before anything is replaced.
        return "The disk is full; nothing was changed. Free some space and try again."
    where = f" {error.filename}" if error.filename else ""
    return f"Cannot use{where}: {error.strerror or error}."


_rules_cache: list[Rule] = []


def _rules() -> list[Rule]:
    if not _rules_cache:
        _rules_cache.extend(
            [
                *_VAULT,
                *_SCAN,
                *_IMPORT,
                *_enroll_rules(),
                (ExportFailed, _own),
                (IconPackError, _own),
                (CoreError, _own),  # InvalidUri, InvalidParams, migration errors
                (OSError, _os_error),
                (
                    MemoryError,
                    lambda e: "The computer ran out of memory; close other programs and retry.",
                ),
            ]
        )
    return _rules_cache


def describe(error: BaseException, log_path: Path | None = None) -> str:
    """One sentence for `error`, never a traceback.

    Args:
        log_path: where the details of an unexpected error were written, if anywhere.
    """
    for kind, text in _rules():
        if isinstance(error, kind):
            # Names, file names and server messages come from outside: shown
            # escaped and short (core/text.py, issue 9).
            return shown(text(error), LINE_LIMIT)
    where = f"; the details were written to {log_path}" if log_path else ""
    return f"Something unexpected went wrong ({type(error).__name__}){where}."
