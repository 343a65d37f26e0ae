"""The sealed payload: contents plus the stamp that makes a rollback visible.

The plaintext inside the AES-GCM ciphertext is the JSON of `contents.to_dict`
with two more members, both authenticated with the rest (issue 9):

* `vault_id`: 32 hex digits, random when the vault is created and never
  changed, so that the app can remember generations per vault without
  keeping anything secret. Payloads written before it existed get one
  derived from the master key (HMAC), the same for every old version.
* `generation`: 1 for a new vault, one more on every save. Opening a lower
  generation than one opened before means an older copy came back.

Also the two steps every reader needs: unwrapping the master key with a
password, and opening a payload with it. The payload is written one account
a line (`account_lines`), so that a reader that needs a few accounts builds
only those.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from desktop_2fa.vault import contents, crypto, envelope
from desktop_2fa.vault.account_lines import LazyContents, dumps, parsed
from desktop_2fa.vault.errors import CorruptVault, WrongPassword

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from typing import Any

    from desktop_2fa.vault.model import VaultData

_ID = re.compile(r"[0-9a-f]{32}")
MAX_GENERATION = 2**62  # saves, one at a time; far beyond any real count


@dataclass(frozen=True, slots=True)
class Stamp:
    """Which vault a payload belongs to and how many saves made it."""

    vault_id: str
    generation: int

    @classmethod
    def new(cls) -> Stamp:
        return cls(os.urandom(16).hex(), 1)  # not `secrets`: it imports `random`, slow for `code`

    def next(self, at_least: int = 0) -> Stamp:
        """The stamp of the next save: above this one and above `at_least`."""
        return Stamp(self.vault_id, max(self.generation, at_least) + 1)


@dataclass(frozen=True, slots=True)
class Opened:
    """A decrypted payload: its stamp, and contents built as far as they are used."""

    contents: LazyContents
    stamp: Stamp

    @property
    def data(self) -> VaultData:
        """Every account, built (once) on first use.

        Raises:
            CorruptVault
        """
        return self.contents.data()


def legacy_id(master: bytes) -> str:
    """The id of a vault saved before ids existed: stable, and reveals nothing of the key."""
    return hmac.new(master, b"desktop-2fa vault id", hashlib.sha256).hexdigest()[:32]


def unwrap(password: str, env: envelope.Envelope, kek: bytes | None = None) -> bytes:
    """The master key from the first password slot `password` opens.

    Args:
        kek: the key derived from `password` with `env.kdf`, when already known.

    Raises:
        WrongPassword
    """
    if kek is None:
        crypto.load_aes()  # while the head start may still be deriving the key
        kek = crypto.derive_key(password, env.kdf)
    slot_aad = envelope.slot_aad(env.kdf)
    for slot in env.slots:
        master = crypto.open_sealed(kek, slot.nonce, slot.wrapped_key, slot_aad)
        if master is not None:
            return master
    raise WrongPassword()


def plaintext(master: bytes, env: envelope.Envelope) -> bytes | None:
    """The payload's bytes, or None when `master` is not this file's key."""
    return crypto.open_sealed(
        master, env.nonce, env.ciphertext, envelope.header_aad(env.kdf, env.slots)
    )


def decrypt(master: bytes, env: envelope.Envelope) -> dict[str, Any] | None:
    """The payload's JSON object, or None when `master` is not this file's key.

    Raises:
        CorruptVault: it opens, but the plaintext is not a payload object.
    """
    raw = plaintext(master, env)
    return None if raw is None else parsed(raw)


def stamp_of(payload: dict[str, Any], master: bytes) -> Stamp:
    """The payload's stamp; generation 0 and the derived id for older payloads.

    Raises:
        CorruptVault: the members are there but malformed.
    """
    vault_id = payload.get("vault_id")
    generation = payload.get("generation", 0)
    if vault_id is None:
        vault_id = legacy_id(master)
    if not isinstance(vault_id, str) or not _ID.fullmatch(vault_id):
        raise CorruptVault("the vault id is malformed")
    if (
        not isinstance(generation, int)
        or isinstance(generation, bool)
        or not 0 <= generation <= MAX_GENERATION
    ):
        raise CorruptVault("the generation number is malformed")
    return Stamp(vault_id, generation)


def open_with(master: bytes, env: envelope.Envelope) -> Opened | None:
    """Decrypt a payload and read its stamp; None when `master` does not open it.

    The accounts are built when `Opened.data` or `contents.find` asks for them.

    Raises:
        CorruptVault
    """
    raw = plaintext(master, env)
    if raw is None:
        return None
    opened = LazyContents(raw)
    return Opened(opened, stamp_of(opened.members, master))


def seal(
    master: bytes,
    kdf: crypto.KdfParams,
    slots: tuple[envelope.PasswordSlot, ...],
    data: VaultData,
    stamp: Stamp,
) -> bytes:
    """The bytes of a vault file holding `data` under `stamp`."""
    body = contents.to_dict(data)
    body["vault_id"] = stamp.vault_id
    body["generation"] = stamp.generation
    return reseal(master, kdf, slots, dumps(body))


def reseal(
    master: bytes,
    kdf: crypto.KdfParams,
    slots: tuple[envelope.PasswordSlot, ...],
    plaintext: bytes,
) -> bytes:
    """The same plaintext under another header (a rewrapped kept version)."""
    nonce = crypto.new_nonce()
    ciphertext = crypto.seal(master, nonce, plaintext, envelope.header_aad(kdf, slots))
    return envelope.encode(envelope.Envelope(kdf, slots, nonce, ciphertext))


def password_slot(
    password: str, kdf: crypto.KdfParams, master: bytes | bytearray
) -> tuple[envelope.PasswordSlot, ...]:
    """One password slot wrapping `master` (runs Argon2id once)."""
    kek = crypto.derive_key(password, kdf)
    nonce = crypto.new_nonce()
    wrapped = crypto.seal(kek, nonce, bytes(master), envelope.slot_aad(kdf))
    return (envelope.PasswordSlot(nonce, wrapped),)
