"""`dataclasses` for `desktop-2fa code` and `list`: without `inspect`, methods compiled once.

`dataclasses` imports `inspect` (and with it ast, dis, opcode, tokenize and
linecache: about 5 ms of CPU, while the key derivation wants both cores,
issue 13) for one use only: to write a docstring for a class that has none,
from `inspect.signature` (CPython 3.11-3.13, `dataclasses._process_class`).
Every dataclass on the path of `code` and `list` has a docstring, so that
use never comes there (`tests/cli/test_imports.py` fails if `inspect` loads).

So the quick path imports `dataclasses` with a stand-in under the name
`inspect` that imports the real module the first time anything is asked of
it, and takes the stand-in out of `sys.modules` as soon as `dataclasses` has
it: any other `import inspect`, before or after, gets the real module, and a
class without a docstring still gets its signature, a little later.

Then the methods. For each class, `dataclasses` writes `__init__`,
`__repr__`, `__eq__`, `__hash__` and, frozen, `__setattr__` and
`__delattr__` as source text and compiles every one on every start (`exec`
in `_create_fn`; one text a class from CPython 3.13): for the 13 frozen
dataclasses `code` loads, about 4 ms of CPU, a quarter of what `code` adds
to its floor. The quick path gives `dataclasses` an `exec` of its own (a
module's global comes before the builtin) that keeps the code object of each
text in a file beside this package's bytecode, `__pycache__/
dataclass-methods.<cache tag>.bin`, where the next start finds it. It is
the code object `exec` compiles from that very text (file name "<string>",
no `__future__` flag: dataclasses.py has none). The file is written as
Python writes bytecode: after a quick command that compiled a new text,
unless PYTHONDONTWRITEBYTECODE, with one `os.replace`; and `make` writes it
when it installs, as it runs compileall (`python -m
desktop_2fa.cli.quick_dataclasses`). It is trusted as the bytecode next to
it is; a file that does not read as ours, or was written by another Python,
is not used.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from types import CodeType, ModuleType

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from typing import Any

CACHE_FILE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "__pycache__",
    f"dataclass-methods.{sys.implementation.cache_tag}.bin",
)
# Code objects are only good for the interpreter that compiled them.
_HEADER = ("desktop-2fa dataclass methods", sys.hexversion, marshal.version)
MAX_BYTES = 2**20  # the quick path's methods take about 100 KB
MAX_TEXTS = 1000  # about 100 are in use; past this, only those are kept
# What `code` and `list` import that defines dataclasses (an HOTP code saves
# through `edits`); `warm` compiles their methods ahead of the first start.
QUICK_MODULES = (
    "desktop_2fa.cli.read_commands",
    "desktop_2fa.core.otp",
    "desktop_2fa.vault.store",
    "desktop_2fa.vault.vault_data",
    "desktop_2fa.vault.edits",
)


class _InspectOnFirstUse(ModuleType):
    """`inspect`, imported when an attribute is first asked for."""

    def __getattr__(self, name: str) -> object:
        real = __import__("inspect")
        if real is self:  # pragma: no cover - only while `dataclasses` is being imported
            raise AttributeError(name)
        return getattr(real, name)


class MethodCache:
    """The code objects of the method texts `dataclasses` compiles, kept in a file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.codes: dict[str, CodeType] = {}
        self.used: set[str] = set()
        self.added = False

    def load(self) -> None:
        """Take the file's code objects: none when it is missing, damaged, or another Python's."""
        try:
            with open(self.path, "rb") as f:
                raw = f.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return
            header, codes = marshal.loads(raw)  # noqa: S302 - ours, trusted as our bytecode
        except (OSError, EOFError, ValueError, TypeError):
            return
        if header != _HEADER or type(codes) is not dict:
            return
        self.codes = {t: c for t, c in codes.items() if type(t) is str and type(c) is CodeType}

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        """`exec`, compiling each text only the first time it is seen."""
        if globals is None:  # as the builtin: the caller's namespaces, not this module's
            caller = sys._getframe(1)
            globals = caller.f_globals
            locals = caller.f_locals if locals is None else locals
        if type(source) is str:
            code = self.codes.get(source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.codes[source] = code
                self.added = True
            self.used.add(source)
            source = code
        exec(source, globals, locals)  # noqa: S102 - what `dataclasses` asked for

    def save(self, *, only_used: bool = False) -> None:
        """Write the file when a text was compiled; best effort, never half-written.

        Args:
            only_used: keep only the texts this process used, not also those
                the file held (which may be of classes since changed).
        """
        if not self.added and not only_used:
            return
        codes = self.codes
        if only_used or len(codes) > MAX_TEXTS:
            codes = {t: c for t, c in codes.items() if t in self.used}
        temp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with open(fd, "wb") as f:
                f.write(marshal.dumps((_HEADER, codes)))
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(temp)
            return
        self.added = False


# The one this process gives `dataclasses`, once `import_dataclasses` did.
_in_use: list[MethodCache] = []


def import_dataclasses() -> None:
    """Import `dataclasses` now, without `inspect`, with the methods kept in `CACHE_FILE`.

    Only in a fresh interpreter: where either module is loaded already,
    nothing changes.
    """
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    sys.modules["inspect"] = _InspectOnFirstUse("inspect")
    try:
        import dataclasses
    finally:
        del sys.modules["inspect"]
    cache = MethodCache(CACHE_FILE)
    cache.load()
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    _in_use.append(cache)


def save() -> None:
    """Keep the methods this quick command compiled, as Python keeps bytecode."""
    if _in_use and not sys.dont_write_bytecode:
        _in_use[0].save()


def warm() -> None:
    """Compile and keep the methods of every dataclass a quick command loads."""
    import importlib

    import_dataclasses()
    if not _in_use:
        sys.exit("dataclasses was imported before the cache could be set up")
    for name in QUICK_MODULES:
        importlib.import_module(name)
    _in_use[0].save(only_used=True)


if __name__ == "__main__":
    warm()
