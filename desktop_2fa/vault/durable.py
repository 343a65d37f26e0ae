"""Crash-safe file replacement and the backups folder (DESIGN.md, house style 7).

Temp file in the same folder (mode 0600, O_EXCL), write, fsync, keep the old
file as a hard link in `backups/`, `os.replace`, fsync the folder. A kill at
any instant leaves either the old or the new file under the real name.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

KEEP_VERSIONS = 10


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows cannot open folders
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups_dir(path: Path) -> Path:
    return path.parent / "backups"


def list_backups(path: Path) -> list[Path]:
    """Kept versions of `path` (`<name>.<mtime ns>.bak`), oldest first.

    Anything else in the folder (another vault's versions, a user's copy) is
    not ours and is left alone.
    """
    folder = backups_dir(path)
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(path.name) + r"\.(\d+)\.bak")
    found = []
    for p in folder.iterdir():
        match = pattern.fullmatch(p.name)
        if match:
            found.append((int(match.group(1)), p))
    return [p for _, p in sorted(found)]


def _keep_old_version(path: Path) -> None:
    """Put the current file into backups/, named by its own mtime (no clock read)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    folder = backups_dir(path)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{path.name}.{st.st_mtime_ns}.bak"
    if target.exists():
        return
    try:
        os.link(path, target)  # no data copied; the old inode simply lives on
    except OSError:
        import shutil  # rare fallback for file systems without hard links

        shutil.copy2(path, target)
        os.chmod(target, 0o600)


def _prune(path: Path, keep: int) -> None:
    for old in list_backups(path)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def _remove_stale_temps(path: Path) -> None:
    # Left behind by a process killed mid-write; only called under the write lock.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Serialise writers (the app and the CLI may run at once)."""
    if os.name != "posix":  # pragma: no cover
        yield
        return
    import fcntl  # POSIX only

    fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def replace_durably(path: Path, data: bytes, *, keep: int = KEEP_VERSIONS) -> os.stat_result:
    """Atomically make `path` hold `data`, keeping the previous content in backups/.

    `path` must be the real file (symlinks resolved), so that saving through a
    link updates its target rather than replacing the link. Must be called
    under `write_lock(path)`. Returns the new file's stat.
    """
    _remove_stale_temps(path)
    tmp = path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep > 0:
            _keep_old_version(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    # The new content is in place: nothing after this point may report the save
    # as failed (a caller would then believe the old content is still there).
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)
    if keep > 0:
        with contextlib.suppress(OSError):
            _prune(path, keep)
    return path.stat()
