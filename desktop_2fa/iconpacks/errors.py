"""Exceptions of the icon packs package: one clear sentence each."""

from __future__ import annotations


class IconPackError(Exception):
    """Base of everything `desktop_2fa.iconpacks` raises. Nothing was installed."""


class NotAnIconPack(IconPackError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"No icon pack in Aegis's format could be read from {name} ({detail})")
        self.name = name
        self.detail = detail


class IconPackTooLarge(IconPackError):
    def __init__(self, name: str, what: str, limit: str) -> None:
        super().__init__(f"The icon pack {name} is too large ({what}; the limit is {limit})")
        self.name = name
        self.what = what
        self.limit = limit
