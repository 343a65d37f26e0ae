"""File paths as strings, spelled exactly as `pathlib.Path` spells them.

`desktop-2fa code` reads the vault, the tails of its kept versions and the
remembered generations. Importing pathlib (with urllib.parse, ipaddress and
fnmatch) is about 3.5 ms of CPU of that start, while the key derivation
wants both cores (issue 13). So the read path works on strings, and a `Path`
is made where a caller wants one (`VaultFile.path`, a save, a listing).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from pathlib import Path


def normal(path: str | os.PathLike[str]) -> str:
    """`str(Path(path))`, importing pathlib only when `path` is not already spelled so.

    A POSIX path with no empty and no "." part is its own normal form: pathlib
    drops exactly those (and a trailing slash), and keeps ".." as it is.
    """
    text = os.fspath(path)
    if (
        os.sep == "/"
        and text not in ("", ".")
        and "//" not in text
        and "/./" not in text
        and not text.startswith("./")
        and not text.endswith(("/", "/."))
    ):
        return text
    return str(as_path(text))


def expanded(text: str) -> str:
    """`str(Path(text).expanduser())`, importing pathlib only where it would spell it otherwise.

    Only a leading "~" or "~user" is expanded; with no home folder to put
    there, pathlib raises RuntimeError, and so does this.
    """
    text = normal(text)  # "./~" is "~" to pathlib too
    if not text.startswith("~"):
        return text
    user, _, rest = text.partition("/")
    home = os.path.expanduser(user)
    if home.startswith("~") or home == "/" or normal(home) != home:
        return str(as_path(text).expanduser())
    return normal(f"{home}/{rest}") if rest else home


def as_path(text: str | os.PathLike[str]) -> Path:
    from pathlib import Path

    return Path(text)
