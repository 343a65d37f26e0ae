"""Put an export on disk: mode 0600 from the first byte, never over an existing path unless asked.

A single-file format writes OUT itself; a multi-file format writes into the
folder OUT (created with mode 0700). A replaced file is swapped in with
`os.replace`, so a crash leaves the old or the new file, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from desktop_2fa.exporters.base import ExportResult
from desktop_2fa.exporters.errors import OutputExists, OutputNotAFolder


def _write_private(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:  # name the file the user asked for, not our temp file
        raise OSError(e.errno, e.strerror, str(path)) from e
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def write_export(result: ExportResult, out: Path, *, multi_file: bool, force: bool) -> list[Path]:
    """Write the files of `result`; return the paths written.

    Raises:
        OutputExists: `out` exists and `force` is false.
        OutputNotAFolder: a multi-file export aimed at an existing file.
        OSError: the disk said no.
    """
    out = Path(out)
    if out.exists() and not force:
        raise OutputExists(out)
    if not multi_file:
        if out.is_dir():
            raise OutputExists(out)
        _write_private(out, result.files[0].data)
        return [out]
    if out.exists() and not out.is_dir():
        raise OutputNotAFolder(out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for file in result.files:
        target = out / file.name
        _write_private(target, file.data)
        written.append(target)
    return written
