"""Aegis-compatible encrypted vault export, which Aegis (and our Aegis importer) can open.

Layout per Aegis's docs/vault.md: a random 256-bit master key encrypts the
contents with AES-256-GCM; one password slot (type 1) wraps it with
AES-256-GCM under scrypt(password, 32-byte salt, N=2^15, r=8, p=1), Aegis's
own parameters. Nonces and tags are hex; `db` is base64 with padding.
Contents are version 3: entries reference groups by uuid.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Sequence

from desktop_2fa.core.base32 import encode_secret
from desktop_2fa.core.params import OtpKind
from desktop_2fa.exporters.base import ExportFile, ExportResult
from desktop_2fa.exporters.errors import ExportPasswordRequired, NothingToExport
from desktop_2fa.vault.model import Account

AEGIS_N, AEGIS_R, AEGIS_P = 2**15, 8, 1
DB_VERSION = 3


def _uuid(account_id: str) -> str:
    try:
        return str(uuid.UUID(hex=account_id))
    except ValueError:
        return str(uuid.uuid4())


def _info(account: Account) -> dict[str, object]:
    p = account.params
    info: dict[str, object] = {
        "secret": encode_secret(p.secret),
        "algo": p.algorithm.value,
        "digits": p.digits,
    }
    if p.kind is OtpKind.HOTP:
        info["counter"] = p.counter
    else:
        info["period"] = p.period
    return info


def contents(accounts: Sequence[Account]) -> dict[str, object]:
    """The plain contents Aegis stores under `db` (its VaultEntry/VaultGroup JSON)."""
    group_ids = {g: str(uuid.uuid4()) for g in dict.fromkeys(a.group for a in accounts if a.group)}
    entries = [
        {
            "type": a.params.kind.value,
            "uuid": _uuid(a.id),
            "name": a.name,
            "issuer": a.issuer,
            "note": a.note,
            "favorite": a.favourite,
            "icon": None,
            "icon_mime": None,
            "icon_hash": None,
            "info": _info(a),
            "groups": [group_ids[a.group]] if a.group else [],
        }
        for a in accounts
    ]
    groups = [{"uuid": gid, "name": name} for name, gid in group_ids.items()]
    # icons_optimized: Aegis 3.x marks vaults whose icons it has already shrunk; we have none.
    return {"version": DB_VERSION, "entries": entries, "groups": groups, "icons_optimized": True}


def _seal(key: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
    """(nonce, ciphertext, tag): Aegis stores the GCM tag apart from the ciphertext."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, None)
    return nonce, sealed[:-16], sealed[-16:]


class AegisExporter:
    name = "aegis"
    title = "Aegis"
    description = "Aegis encrypted vault (.json): import it in Aegis, or back into desktop-2fa"
    multi_file = False
    needs_password = True
    plain_secrets = False

    def __init__(self, scrypt_n: int = AEGIS_N) -> None:
        self.scrypt_n = scrypt_n  # tests may lower it; Aegis reads whatever the slot says

    def export(self, accounts: Sequence[Account], password: str | None = None) -> ExportResult:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        if not password:
            raise ExportPasswordRequired(self.title)
        if not accounts:
            raise NothingToExport("the vault has no accounts")
        master = os.urandom(32)
        salt = os.urandom(32)
        kdf = Scrypt(salt=salt, length=32, n=self.scrypt_n, r=AEGIS_R, p=AEGIS_P)
        slot_nonce, wrapped, slot_tag = _seal(kdf.derive(password.encode("utf-8")), master)
        db = json.dumps(contents(accounts), ensure_ascii=False).encode("utf-8")
        nonce, ciphertext, tag = _seal(master, db)
        document = {
            "version": 1,
            "header": {
                "slots": [
                    {
                        "type": 1,
                        "uuid": str(uuid.uuid4()),
                        "key": wrapped.hex(),
                        "key_params": {"nonce": slot_nonce.hex(), "tag": slot_tag.hex()},
                        "n": self.scrypt_n,
                        "r": AEGIS_R,
                        "p": AEGIS_P,
                        "salt": salt.hex(),
                        "repaired": True,
                    }
                ],
                "params": {"nonce": nonce.hex(), "tag": tag.hex()},
            },
            "db": base64.b64encode(ciphertext).decode("ascii"),
        }
        data = json.dumps(document, indent=4).encode("utf-8")
        return ExportResult((ExportFile("aegis-export.json", data),), exported=len(accounts))
