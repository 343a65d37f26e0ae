"""File names for one-file-per-account exports: readable, unique, safe on every system."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_MAX_STEM = 80


def safe_stem(label: str) -> str:
    """A file name stem from an account label: no separators, no control characters."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", label)).strip(" ._")
    return cleaned[:_MAX_STEM] or "account"


def unique_names(stems: list[str], suffix: str) -> list[str]:
    """`stem.suffix` for each, numbered when two accounts would share a name."""
    seen: dict[str, int] = {}
    out = []
    for stem in stems:
        key = stem.casefold()  # case-insensitive file systems (macOS, Windows)
        count = seen.get(key, 0) + 1
        seen[key] = count
        out.append(f"{stem}.{suffix}" if count == 1 else f"{stem} ({count}).{suffix}")
    return out
