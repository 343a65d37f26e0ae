"""Keys that protect second factors at rest, derived once from the server secret.

- TOTP keys are sealed with AES-256-GCM; the user id is associated data, so a
  ciphertext copied to another user's row does not open.
- Backup codes are never needed again after they are shown (better-auth's
  "view" endpoint is server-only, §4), so only a keyed digest
  HMAC-SHA256(k, user id, code) is stored: a database reader cannot produce
  a code, and redeeming one is a single conditional DELETE on the digest.
  Because the digest is keyed, the (non-constant-time) index lookup leaks
  nothing an attacker could steer towards a valid code.

Both keys come from HKDF-SHA256 over the server secret with distinct `info`
labels, computed once per process (`AtRestKeys` is built once by the app).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from server_stub.services.errors import SecretUnreadable

_SALT = b"desktop-2fa server_stub at-rest v1"
_NONCE_BYTES = 12


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=label).derive(secret)


class AtRestKeys:
    """The sealing key for TOTP secrets and the digest key for backup codes."""

    def __init__(self, server_secret: str) -> None:
        secret = server_secret.encode("utf-8")
        self._aead = AESGCM(_derive(secret, b"totp-secret"))
        self._backup = hmac.new(_derive(secret, b"backup-code"), digestmod=hashlib.sha256)

    def seal_totp_key(self, user_id: str, key: bytes) -> bytes:
        """nonce || AES-GCM(key), bound to `user_id`."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, key, b"totp:" + user_id.encode())

    def open_totp_key(self, user_id: str, sealed: bytes) -> bytes:
        """The raw TOTP key. Raises `SecretUnreadable` if it does not open."""
        try:
            return self._aead.decrypt(
                sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], b"totp:" + user_id.encode()
            )
        except (InvalidTag, ValueError) as e:
            raise SecretUnreadable() from e

    def backup_digest(self, user_id: str, code: str) -> bytes:
        """The stored form of one backup code (exact, case-sensitive match)."""
        mac = self._backup.copy()
        mac.update(user_id.encode() + b"\x00" + code.encode("utf-8", "surrogatepass"))
        return mac.digest()
