"""Exceptions of the exporters package: one clear sentence each, never a secret."""

from __future__ import annotations

from pathlib import Path


class ExportFailed(Exception):
    """Base of everything `desktop_2fa.exporters` raises. Nothing was written."""


class NothingToExport(ExportFailed):
    def __init__(self, detail: str) -> None:
        super().__init__(f"nothing to export: {detail}")


class ExportPasswordRequired(ExportFailed):
    def __init__(self, title: str) -> None:
        super().__init__(f"the {title} export is encrypted and needs a password")


class OutputExists(ExportFailed):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; choose another name or add --force to replace it")
        self.path = path


class OutputNotAFolder(ExportFailed):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is a file, but this format writes several files into a folder")
        self.path = path
