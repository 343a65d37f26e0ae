"""Crash-safe file replacement and the backups folder (DESIGN.md, house style 7).

`write_private_file` is the one function that writes a private file, for the
vault, its kept versions, the remembered generations, exports and backup-code
sheets: temp file in the same folder (mode 0600, O_EXCL), write, fsync,
`os.replace`, fsync the folder. A kill at any instant leaves either the old or
the new file under the real name, and nothing is ever readable by others.
`replace_durably` adds the vault's history: the old file is kept as a hard
link in `backups/` just before the replace.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
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
    from pathlib import Path

    return [Path(p) for p in kept_version_files(os.fspath(path))]


def kept_version_files(path: str) -> list[str]:
    """`list_backups` as strings, for the read path (no pathlib: `paths.py`)."""
    folder = os.path.join(os.path.dirname(path), "backups")
    if not os.path.isdir(folder):
        return []
    pattern = re.compile(re.escape(os.path.basename(path)) + r"\.(\d+)\.bak")
    found = []
    for name in os.listdir(folder):
        match = pattern.fullmatch(name)
        if match:
            found.append((int(match.group(1)), os.path.join(folder, name)))
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
        with open(target, "rb") as f:
            os.fsync(f.fileno())
    # Before the vault is replaced: a power cut must not leave the new vault
    # without the version it replaced (a restore keeps the current file so).
    _fsync_dir(folder)


def _prune(path: Path, keep: int) -> None:
    for old in list_backups(path)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def _temp_name(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"


def _stale_temps(path: str) -> Iterator[str]:
    """The temp files a writer of `path` names (`_temp_name`), beside it and in its backups/.

    Matched as text, not by a glob: a vault named "v[1].json" would make the
    pattern match ".v1.json.*.tmp", the temp file of another vault in the same
    folder, which its own writer may be about to put in place.
    """
    directory = os.path.dirname(path)
    start = f".{os.path.basename(path)}."
    for folder in (directory or ".", os.path.join(directory, "backups")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue  # no such folder: nothing left there
        for name in names:
            if name.startswith(start) and name[len(start) :].endswith(".tmp"):
                yield os.path.join(folder, name)


def remove_stale_temps(path: str | os.PathLike[str]) -> None:
    """Remove temp files a killed writer left beside `path` and in its backups/.

    Only under `write_lock(path)`: no other writer of ours is mid-write then.
    """
    for stale in list(_stale_temps(os.fspath(path))):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stale)


def has_stale_temps(path: str | os.PathLike[str]) -> bool:
    """Whether `remove_stale_temps` has anything to remove (the read path's question)."""
    return any(True for _ in _stale_temps(os.fspath(path)))


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


def write_private_file(
    path: Path, data: bytes, *, before_replace: Callable[[], None] | None = None
) -> os.stat_result:
    """Atomically make `path` hold `data`, readable by its owner only (0600).

    Temp file in the same folder (created 0600 with O_EXCL, never another
    mode for a moment), write, fsync, `before_replace()`, `os.replace`, fsync
    the folder. On any failure before the replace the temp file is removed
    and `path` is untouched. Returns the new file's stat.

    Raises:
        OSError: named after `path`, not after the temp file (ENOSPC when the
            disk is full: nothing was changed then).
    """
    tmp = _temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:  # name the file the user knows, not our temp file
        raise OSError(e.errno, e.strerror, str(path)) from e
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if e.filename == str(tmp) or e.filename is None:
            raise OSError(e.errno, e.strerror, str(path)) from e
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    # The new content is in place: nothing after this point may report the
    # write as failed (a caller would then believe the old content is there).
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)
    return path.stat()


def replace_durably(path: Path, data: bytes, *, keep: int = KEEP_VERSIONS) -> os.stat_result:
    """`write_private_file`, keeping the previous content in backups/ (last `keep`).

    `path` must be the real file (symlinks resolved), so that saving through a
    link updates its target rather than replacing the link. Must be called
    under `write_lock(path)`. Returns the new file's stat.
    """
    remove_stale_temps(path)
    st = write_private_file(
        path, data, before_replace=(lambda: _keep_old_version(path)) if keep > 0 else None
    )
    if keep > 0:
        with contextlib.suppress(OSError):
            _prune(path, keep)
    return st
