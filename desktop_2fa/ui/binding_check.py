"""Refuse to run on a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on CPython 3.11 (measured here) releases a reference to None
on every call of a void C++ method (`painter.setFont(...)`) and one to True
on every `signal.emit()`. Before CPython 3.12 those objects are not immortal,
so the app aborts with "Fatal Python error: none_dealloc" after some seconds
of painting. 6.11.3 is correct. The check costs a few microseconds; a broken
binding gets one clear line instead of a crash (and a failing test).
"""

from __future__ import annotations

import sys

_CALLS = 64


def broken_binding() -> str | None:
    """Why the installed PySide6 cannot be used, or None when it is sound."""
    if sys.version_info >= (3, 12):
        return None  # None and True are immortal: the bug cannot hurt
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_CALLS):
        probe.setObjectName("probe")  # a void method
    lost = before - sys.getrefcount(None)
    if lost < _CALLS // 2:
        return None
    return (
        f"PySide6 {PySide6.__version__} corrupts reference counts on Python "
        f"{sys.version_info.major}.{sys.version_info.minor} and would crash; "
        "install PySide6-Essentials<6.12 (or use Python 3.12 or later)"
    )
