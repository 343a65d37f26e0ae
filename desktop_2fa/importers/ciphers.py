"""The ciphers other apps seal their exports with, opened one way for every importer.

Each function returns the plaintext, or None when the key does not open it
(wrong password, or damaged data: the caller knows which it can tell apart).
Keys come from `kdf.derive`.

* AES-256-GCM (Aegis, 2FAS, andOTP, Authenticator Pro, FreeOTP 2, Proton).
* AES-256-CBC with PKCS#7 padding, optionally with an HMAC-SHA256 over IV and
  ciphertext (Bitwarden's type-2 EncString), or without one (Authy, the
  legacy Authenticator Pro backup, TOTP Authenticator): CBC alone cannot
  tell a wrong key from a right one except by the padding and what follows.
* libsodium's crypto_secretstream_xchacha20poly1305, one final message
  (Ente Auth). `cryptography` has ChaCha20 and Poly1305 but not the
  stream's construction, so it is built here from them, following
  libsodium's secretstream/xchacha20poly1305 source (HChaCha20 key, IETF
  ChaCha20 with block counter 1 for the tag byte and 2 for the message).
"""

from __future__ import annotations

import hmac
import struct


def aes_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes | None = None) -> bytes | None:
    """`sealed` is ciphertext followed by the 16-byte tag (as Java and Go write it)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(sealed) < 16 or not 8 <= len(nonce) <= 128:
        return None
    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except (InvalidTag, ValueError):
        return None


def aes_cbc_open(key: bytes, iv: bytes, ciphertext: bytes) -> bytes | None:
    """AES-CBC then PKCS#7 unpadding; None when the padding is not valid."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(iv) != 16 or not ciphertext or len(ciphertext) % 16:
        return None
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return None


def hmac_sha256_ok(key: bytes, message: bytes, mac: bytes) -> bool:
    return hmac.compare_digest(hmac.new(key, message, "sha256").digest(), mac)


# --- libsodium secretstream (XChaCha20-Poly1305) -------------------------------------

SECRETSTREAM_HEADER_BYTES = 24
SECRETSTREAM_ABYTES = 17  # one tag byte + 16-byte Poly1305 MAC
TAG_FINAL = 0x03
_MASK = 0xFFFFFFFF
_SIGMA = struct.unpack("<4I", b"expand 32-byte k")


def _rotl(v: int, c: int) -> int:
    return ((v << c) & _MASK) | (v >> (32 - c))


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _MASK
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _MASK
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _MASK
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _MASK
    s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): 20 rounds, no feed-forward."""
    s = [*_SIGMA, *struct.unpack("<8I", key), *struct.unpack("<4I", nonce16)]
    for _ in range(10):
        _quarter(s, 0, 4, 8, 12)
        _quarter(s, 1, 5, 9, 13)
        _quarter(s, 2, 6, 10, 14)
        _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15)
        _quarter(s, 1, 6, 11, 12)
        _quarter(s, 2, 7, 8, 13)
        _quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *s[0:4], *s[12:16])


def _chacha20(key: bytes, nonce12: bytes, counter: int, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    full_nonce = struct.pack("<I", counter) + nonce12  # cryptography's 16-byte IETF nonce
    encryptor = Cipher(algorithms.ChaCha20(key, full_nonce), mode=None).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def secretstream_open_final(key: bytes, header: bytes, sealed: bytes) -> bytes | None:
    """The one message of a stream whose single chunk carries TAG_FINAL; None if it does
    not authenticate (wrong key or damaged), or is not a lone final chunk."""
    from cryptography.hazmat.primitives.poly1305 import Poly1305

    if len(key) != 32 or len(header) != SECRETSTREAM_HEADER_BYTES:
        return None
    if len(sealed) < SECRETSTREAM_ABYTES:
        return None
    subkey = hchacha20(key, header[:16])
    nonce = struct.pack("<I", 1) + header[16:24]  # counter reset to 1, then the inonce
    mlen = len(sealed) - SECRETSTREAM_ABYTES
    c, stored_mac = sealed[1 : 1 + mlen], sealed[1 + mlen :]

    poly_key = _chacha20(subkey, nonce, 0, bytes(64))[:32]
    # The tag byte is encrypted as the first byte of a 64-byte block at counter 1;
    # the MAC covers that block as libsodium leaves it: the ciphertext byte,
    # then 63 bytes of keystream.
    block = bytearray(_chacha20(subkey, nonce, 1, sealed[:1] + bytes(63)))
    tag = block[0]
    block[0] = sealed[0]
    mac = Poly1305(poly_key)
    # No associated data: its pad is zero bytes. The message pad below is
    # libsodium's `(0x10 - sizeof block + mlen) & 0xf`, i.e. mlen % 16 bytes.
    mac.update(bytes(block))
    mac.update(c)
    mac.update(bytes((0x10 - 64 + mlen) & 0xF))
    mac.update(struct.pack("<QQ", 0, 64 + mlen))
    if not hmac.compare_digest(mac.finalize(), stored_mac):
        return None
    if tag != TAG_FINAL:
        return None
    return _chacha20(subkey, nonce, 2, c)
