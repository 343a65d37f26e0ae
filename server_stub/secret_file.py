"""The server secret kept beside a SQLite database, `<db>.secret` (mode 0600).

Created atomically: the secret is written and fsynced to a temporary file in
the same folder, then hard-linked to its name, which fails if another process
got there first. So two servers (or workers) starting at once on a new
database agree on one secret, and a kill at any moment leaves either no
secret file or a complete one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from pathlib import Path

from server_stub.settings import MIN_SECRET_LENGTH

#: Temporary files this old are leftovers of a process killed mid-way.
_STALE_SECONDS = 60.0


class BadSecretFile(Exception):
    """The secret file exists but cannot be used (unreadable or too short)."""


def secret_path(db: Path) -> Path:
    """Where the secret of database `db` lives."""
    return db.with_name(db.name + ".secret")


def _read(path: Path) -> str | None:
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise BadSecretFile(f"cannot read {path}: {e}") from e
    if len(secret) < MIN_SECRET_LENGTH:
        raise BadSecretFile(f"{path} holds a secret shorter than {MIN_SECRET_LENGTH}")
    return secret


def _sweep_leftovers(path: Path) -> None:
    now = time.time()
    for leftover in path.parent.glob(path.name + ".*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > _STALE_SECONDS:
                leftover.unlink()


def secret_beside(db: Path) -> str:
    """The secret of database `db`, created on first use.

    Raises:
        BadSecretFile: the file exists but is unreadable or too short.
        OSError: the folder is not writable.
    """
    path = secret_path(db)
    found = _read(path)
    if found is not None:
        return found
    _sweep_leftovers(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)  # atomic, and never replaces a secret in use
        except FileExistsError:
            pass  # another process was first: use its secret
        else:
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    secret = _read(path)
    if secret is None:  # pragma: no cover - someone deleted it this instant
        raise BadSecretFile(f"{path} vanished while it was created")
    return secret
