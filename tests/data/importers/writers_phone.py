"""Fixture writers for files apps keep on the phone, and FreeOTP's backups (called by
make_fixtures.py). Formats as cited in the matching importers' docstrings."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import struct
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from tests.data.canonical import (
    CANONICAL,
    FIXTURE_PASSWORD,
    Canonical,
    sha1_30s_6,
    sha1_totp,
    sha1_totp_30s_6,
)
from tests.data.importers.writers_exports import cbc_encrypt

HERE = Path(__file__).parent
PW = FIXTURE_PASSWORD.encode()
BNET_MASK = bytes.fromhex(
    "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6"
    "c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a"
)
BNET_SECRET_HEX = "3132333435363738393031323334353637383930"  # the RFC 6238 test key
BNET_SERIAL = "US-1404-0412-3456"


def prefs(strings: dict[str, str]) -> str:
    body = "".join(
        f"    <string name={quoteattr(k)}>{escape(v)}</string>\n" for k, v in strings.items()
    )
    return f"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n{body}</map>\n"


def signed(data: bytes) -> list[int]:
    return [b - 256 if b > 127 else b for b in data]


def freeotp_token(a: Canonical) -> dict[str, object]:
    # FreeOTP has no Steam type: a TOTP token of issuer "Steam" with 5 digits.
    return {"algo": a.algorithm, "counter": a.counter, "digits": a.digits,
            "issuerExt": a.issuer, "issuerInt": a.issuer, "label": a.name,
            "period": a.period, "type": "HOTP" if a.kind == "hotp" else "TOTP"}  # fmt: skip


def write_freeotp_v1() -> None:
    order, strings = [], {}
    for a in CANONICAL:
        key = f"{a.issuer}:{a.name}"
        order.append(key)
        strings[key] = json.dumps({**freeotp_token(a), "secret": signed(a.secret_bytes)})
    (HERE / "freeotp_tokens.xml").write_text(prefs({"tokenOrder": json.dumps(order), **strings}))


# --- FreeOTP 2: a Java-serialized HashMap<String, String> ------------------------------------


def java_string(text: str) -> bytes:
    raw = text.encode("utf-8")  # the fixture's strings hold no NUL and no astral characters
    return b"\x74" + struct.pack(">H", len(raw)) + raw


def java_hashmap(entries: dict[str, str]) -> bytes:
    out = b"\xac\xed\x00\x05\x73\x72" + struct.pack(">H", 17) + b"java.util.HashMap"
    out += struct.pack(">q", 362498820763181265) + b"\x03" + struct.pack(">H", 2)
    out += b"F" + struct.pack(">H", 10) + b"loadFactor" + b"I" + struct.pack(">H", 9) + b"threshold"
    out += b"\x78\x70" + struct.pack(">f", 0.75) + struct.pack(">i", 48)
    out += b"\x77\x08" + struct.pack(">ii", 64, len(entries))
    for key, value in entries.items():
        out += java_string(key) + java_string(value)
    return out + b"\x78"


def gcm_key(key: bytes, plain: bytes, token: str, nonce: bytes) -> dict[str, object]:
    sealed = AESGCM(key).encrypt(nonce, plain, token.encode())
    params = b"\x30\x11\x04\x0c" + nonce + b"\x02\x01\x10"  # DER GCMParameters, 128-bit tag
    return {"mCipher": "AES/GCM/NoPadding", "mCipherText": signed(sealed),
            "mParameters": signed(params), "mToken": token}  # fmt: skip


def write_freeotp_v2(rng: object) -> None:
    def rnd(n: int) -> bytes:
        return rng(n)  # type: ignore[operator,no-any-return]

    salt, master = rnd(32), rnd(32)
    pass_key = PBKDF2HMAC(hashes.SHA512(), 32, salt, 100_000).derive(PW)
    entries = {"masterKey": json.dumps({"mAlgorithm": "PBKDF2withHmacSHA512",
               "mEncryptedKey": gcm_key(pass_key, master, "AES", rnd(12)),
               "mIterations": 100_000, "mSalt": signed(salt)})}  # fmt: skip
    for i, a in enumerate(CANONICAL):
        uuid = f"6f1d2c3b-4a5e-4f60-8172-{i:012d}"
        token = "Hmac" + a.algorithm
        entries[uuid] = json.dumps(
            {"key": json.dumps(gcm_key(master, a.secret_bytes, token, rnd(12)))}
        )
        entries[f"{uuid}-token"] = json.dumps(freeotp_token(a))
    (HERE / "freeotp2_externalBackup.xml").write_bytes(java_hashmap(entries))


# --- Authy -----------------------------------------------------------------------------


def authy_token(a: Canonical) -> dict[str, object]:
    return {"accountType": a.issuer.lower(), "digits": a.digits, "name": f"{a.issuer}: {a.name}",
            "originalName": f"{a.issuer}:{a.name}", "originalIssuer": a.issuer,
            "timestamp": 1714550400, "upload_state": "uploaded"}  # fmt: skip


def write_authy() -> None:
    key = "com.authy.storage.tokens.authenticator.key"
    tokens = [
        {**authy_token(a), "decryptedSecret": a.secret} for a in filter(sha1_totp_30s_6, CANONICAL)
    ]
    (HERE / "authy_tokens.xml").write_text(prefs({key: json.dumps(tokens)}))
    sealed = []
    for i, a in enumerate(filter(sha1_totp_30s_6, CANONICAL)):
        salt = f"salt{i:04d}abcdefgh"
        aes_key = PBKDF2HMAC(hashes.SHA1(), 32, salt.encode(), 1000).derive(PW)
        cipher = cbc_encrypt(aes_key, bytes(16), a.secret.encode())
        sealed.append({**authy_token(a), "encryptedSecret": base64.b64encode(cipher).decode(),
                       "salt": salt})  # fmt: skip
    (HERE / "authy_tokens_encrypted.xml").write_text(prefs({key: json.dumps(sealed)}))


# --- Google and Microsoft Authenticator databases -------------------------------------------


def write_databases() -> None:
    def stored(a: Canonical) -> int:
        # Google Authenticator stores the last counter it used: it increments, then
        # computes (OtpProvider.getCurrentCode). The next code is counter + 1.
        return a.counter - 1 if a.kind == "hotp" else 0

    path = HERE / "google_authenticator.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT "
               "NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, "
               "issuer TEXT DEFAULT NULL, original_name VARCHAR DEFAULT NULL)")  # fmt: skip
    for a in filter(sha1_30s_6, CANONICAL):
        db.execute("INSERT INTO accounts (email, secret, counter, type, issuer, original_name) "
                   "VALUES (?,?,?,?,?,?)", (f"{a.issuer}:{a.name}", a.secret, stored(a),
                   1 if a.kind == "hotp" else 0, a.issuer, f"{a.issuer}:{a.name}"))  # fmt: skip
    db.commit()
    db.close()

    path = HERE / "microsoft_authenticator.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (_id INTEGER PRIMARY KEY, name TEXT, username TEXT, "
               "oath_secret_key TEXT, account_type INTEGER, cid TEXT)")  # fmt: skip
    for a in filter(sha1_totp_30s_6, CANONICAL):
        db.execute("INSERT INTO accounts (name, username, oath_secret_key, account_type) "
                   "VALUES (?,?,?,0)", (a.issuer, a.name, a.secret))  # fmt: skip
    # A work account that only approves sign-ins: no code, skipped.
    db.execute(
        "INSERT INTO accounts (name, username, oath_secret_key, account_type) "
        "VALUES ('Contoso', 'ann@contoso.example', '', 2)"
    )
    db.commit()
    db.close()


# --- Battle.net, Duo, TOTP Authenticator ------------------------------------------------


def write_battlenet() -> None:
    def mask(text: str) -> str:
        return bytes(b ^ m for b, m in zip(text.encode(), BNET_MASK, strict=False)).hex()

    strings = {
        "com.blizzard.messenger.AUTHENTICATOR_SERIAL": mask(BNET_SERIAL),
        "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET": mask(BNET_SECRET_HEX),
    }
    (HERE / "battlenet_authenticator_preferences.xml").write_text(prefs(strings))


def write_duo() -> None:
    accounts = []
    for a in filter(sha1_30s_6, CANONICAL):
        generator: dict[str, object] = {"otpSecret": a.secret}
        if a.kind == "hotp":
            generator["counter"] = a.counter
        accounts.append(
            {
                "name": a.issuer,
                "otpGenerator": generator,
                "logoUri": "",
                "accountType": "OtpAccount",
                "pkey": hashlib.sha1(a.secret.encode()).hexdigest(),
            }
        )
    (HERE / "duo_accounts.json").write_text(json.dumps(accounts), "utf-8")


def write_totp_authenticator() -> None:
    entries = []
    for i, a in enumerate(filter(sha1_totp, CANONICAL)):
        base, key = [(32, a.secret), (16, a.secret_bytes.hex()),
                     (64, base64.b64encode(a.secret_bytes).decode())][i % 3]  # fmt: skip
        # digits and period are strings, "" for the defaults (Stratum's
        # TotpAuthenticatorBackupConverter reads them so).
        digits, period = ("", "") if i == 0 else (str(a.digits), str(a.period))
        entries.append({"base": base, "key": key, "name": a.name, "issuer": a.issuer,
                        "digits": digits, "period": period})  # fmt: skip
    # The first key of the decrypted object is the JSON text of a list of objects
    # (Aegis's TotpAuthenticatorImporter: obj.names().get(0), array.getJSONObject(i)).
    plain = json.dumps({json.dumps(entries): "1714550400"}).encode()
    cipher = cbc_encrypt(hashlib.sha256(PW).digest(), bytes(16), plain)
    (HERE / "totp_authenticator_backup.encrypt").write_text(base64.b64encode(cipher).decode())
