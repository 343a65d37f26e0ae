"""Exceptions of the icon packs package: one clear sentence each."""

from __future__ import annotations


class IconPackError(Exception):
    """Base of everything `desktop_2fa.iconpacks` raises. Nothing was installed."""


class NotAnIconPack(IconPackError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name} is not an icon pack in Aegis's format ({detail})")
        self.name = name
        self.detail = detail


class IconPackTooLarge(IconPackError):
    def __init__(self, name: str, what: str, limit: str) -> None:
        super().__init__(f"{name} is too large to be an icon pack ({what}; the limit is {limit})")
        self.name = name
        self.what = what
        self.limit = limit
