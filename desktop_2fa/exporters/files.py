"""Put an export on disk: mode 0600 from the first byte, never over an existing path unless asked.

A single-file format writes OUT itself; a multi-file format writes into the
folder OUT (created with mode 0700). A replaced file is swapped in with
`os.replace`, so a crash leaves the old or the new file, never half of one.
"""

from __future__ import annotations

from pathlib import Path

from desktop_2fa.exporters.base import ExportResult
from desktop_2fa.exporters.errors import OutputExists, OutputNotAFolder
from desktop_2fa.vault.durable import write_private_file


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
        write_private_file(out, result.files[0].data)
        return [out]
    if out.exists() and not out.is_dir():
        raise OutputNotAFolder(out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for file in result.files:
        target = out / file.name
        write_private_file(target, file.data)
        written.append(target)
    return written
