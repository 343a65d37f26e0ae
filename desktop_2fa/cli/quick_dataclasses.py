"""Import `dataclasses` for `desktop-2fa code` and `list` without `inspect`.

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
"""

from __future__ import annotations

import sys
from types import ModuleType


class _InspectOnFirstUse(ModuleType):
    """`inspect`, imported when an attribute is first asked for."""

    def __getattr__(self, name: str) -> object:
        real = __import__("inspect")
        if real is self:  # pragma: no cover - only while `dataclasses` is being imported
            raise AttributeError(name)
        return getattr(real, name)


def import_dataclasses() -> None:
    """Import `dataclasses` now, without `inspect` unless it is loaded already."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    sys.modules["inspect"] = _InspectOnFirstUse("inspect")
    try:
        import dataclasses  # noqa: F401  (kept in sys.modules for every later import)
    finally:
        del sys.modules["inspect"]
