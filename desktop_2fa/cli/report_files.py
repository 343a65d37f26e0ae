"""Write a report file (JUnit XML, HTML) whole or not at all."""

from __future__ import annotations

from pathlib import Path


def write_report(path: str, text: str) -> Path:
    """Replace `path` with `text` durably (temp file, fsync, rename), mode 0600.

    A report names the server and the audit account, so it is the owner's
    only. Returns the path written (a symlink's target is written through).

    Raises:
        OSError: the folder is missing or not writable.
    """
    from desktop_2fa.vault.durable import replace_durably, write_lock

    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    with write_lock(target):
        replace_durably(target, text.encode("utf-8"), keep=0)
    return target
