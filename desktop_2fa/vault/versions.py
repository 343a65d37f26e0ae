"""The kept versions in `backups/`: what each holds, read without changing anything.

Every save keeps the file it replaces as `backups/<name>.<mtime ns>.bak` (see
`durable.py`); this module tells them apart for a user choosing one to
restore: when it was the vault, its generation and how many accounts it holds.

Two ways in, for the two situations a user is in:

* `kept_versions(path, master)`: the vault opened; the master key opens
  every version of it, at the cost of one AES-GCM pass each.
* `kept_versions_with_password(path, password)`: the current file is damaged
  and will not open; each version's own header is used (one Argon2id run
  per distinct header, usually one in all).

Restoring is `OpenVault.restore(version)` or `VaultFile.restore(version,
password)` in `store.py`: it writes through the one writer, durably, and the
current file becomes a kept version too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop_2fa.vault import crypto, envelope, payload
from desktop_2fa.vault.durable import list_backups
from desktop_2fa.vault.errors import VaultError


@dataclass(frozen=True, slots=True)
class KeptVersion:
    """One kept version of the vault.

    Attributes:
        path: the file in backups/.
        saved_at: when it was the current vault (its modification time, UTC).
        generation: its generation number (0: saved before generations existed).
        accounts: how many accounts it holds.
        vault_id: the vault it belongs to.
    """

    path: Path
    saved_at: datetime
    generation: int
    accounts: int
    vault_id: str


@dataclass(frozen=True, slots=True)
class UnlockedVersion:
    """A kept version opened with a password alone: enough to restore it."""

    version: KeptVersion
    master: bytes
    env: envelope.Envelope


_STAMP = re.compile(r"\.(\d+)\.bak$")
# Distinct headers tried with a password alone: the vault's, an interrupted
# password change's, and one more.
MAX_HEADERS = 3


def _saved_at(path: Path) -> datetime:
    found = _STAMP.search(path.name)
    ns = int(found.group(1)) if found else path.stat().st_mtime_ns
    return datetime.fromtimestamp(ns / 1e9, UTC)


def _describe(path: Path, master: bytes, env: envelope.Envelope) -> KeptVersion | None:
    body = payload.decrypt(master, env)
    if body is None:
        return None
    stamp = payload.stamp_of(body, master)
    accounts = body.get("accounts")
    count = len(accounts) if isinstance(accounts, list) else 0
    return KeptVersion(path, _saved_at(path), stamp.generation, count, stamp.vault_id)


def _envelope(path: Path) -> envelope.Envelope | None:
    try:
        return envelope.decode(envelope.read_file(path))
    except (OSError, VaultError):
        return None  # unreadable: not offered for restoring


def _readable(vault_path: Path) -> list[tuple[Path, envelope.Envelope]]:
    found = ((path, _envelope(path)) for path in list_backups(vault_path))
    return [(path, env) for path, env in found if env is not None]


def _opened(
    kept: list[tuple[Path, envelope.Envelope]], key_for: Callable[[envelope.Envelope], bytes]
) -> list[UnlockedVersion]:
    """Every kept version `key_for` finds the master key of, newest first."""
    found = []
    for path, env in kept:
        try:
            master = key_for(env)
            version = _describe(path, master, env)
        except VaultError:  # WrongPassword too: not opened, not offered
            continue
        if version is not None:
            found.append(UnlockedVersion(version, master, env))
    return sorted(found, key=lambda u: u.version.saved_at, reverse=True)


def kept_versions(vault_path: Path, master: bytes) -> list[KeptVersion]:
    """The versions of this vault that open with its master key, newest first."""
    return [u.version for u in _opened(_readable(vault_path), lambda _env: master)]


def unlock_kept_versions(vault_path: Path, password: str) -> list[UnlockedVersion]:
    """The kept versions `password` opens, newest first, without the current file.

    For a current vault too damaged to open. One Argon2id run per distinct
    header: kept versions share the vault's header unless a password change
    was interrupted, so only the `MAX_HEADERS` most common are tried (each
    run may take seconds; files with headers of their own dropped into
    backups/ must not make a restore take minutes).
    """
    kept = _readable(vault_path)
    tried = {kdf for kdf, _ in Counter(env.kdf for _, env in kept).most_common(MAX_HEADERS)}
    keys: dict[crypto.KdfParams, bytes] = {}

    def key_for(env: envelope.Envelope) -> bytes:
        kek = keys.get(env.kdf)
        if kek is None:
            kek = keys[env.kdf] = crypto.derive_key(password, env.kdf)
        return payload.unwrap(password, env, kek)

    return _opened([(path, env) for path, env in kept if env.kdf in tried], key_for)


def newest(versions: list[KeptVersion]) -> KeptVersion | None:
    """The version most likely to be the real latest: highest generation, then latest saved."""
    if not versions:
        return None
    return max(versions, key=lambda v: (v.generation, v.saved_at))
