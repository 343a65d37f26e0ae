"""A disk that fills up under the vault's temp file, for the tests of "the disk is full"."""

from __future__ import annotations

import errno
import os

import pytest


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write of more than 100 bytes (a vault, not a lock file) fails with ENOSPC."""
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if len(data) > 100:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
