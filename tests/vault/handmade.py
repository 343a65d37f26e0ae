"""Vault files and secrets made by hand for tests: what an attacker or a bug could write."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_2fa.vault.envelope import canonical

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rewrite_header(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Change a vault file's JSON and recompute its checksum, as a forger would."""
    body = json.loads(path.read_bytes())
    body.pop("checksum")
    change(body)
    body["checksum"] = hashlib.sha256(canonical(body)).hexdigest()
    path.write_bytes(canonical(body) + b"\n")


def with_kdf(path: Path, **kdf: int) -> None:
    """The vault at `path` with its Argon2id parameters changed (and a valid checksum)."""
    rewrite_header(path, lambda body: body["kdf"].update(kdf))


def numbered_secret(i: int) -> str:
    """A distinct 80-bit base32 secret for each `i` (accounts that are not duplicates)."""
    return "".join(_BASE32[(i >> (5 * k)) & 31] for k in range(16))
