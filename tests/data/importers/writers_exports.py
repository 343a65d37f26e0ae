"""Fixture writers for apps' own export files (called by make_fixtures.py).

Each follows the app's documented format (cited in the matching importer's
docstring) with the app's default key-derivation parameters, including the
expensive ones (Ente's 256 MiB × 16, Bitwarden's 600,000 iterations). The
encryption calls are the fixtures' own: libsodium through PyNaCl for Ente,
`cryptography` for the rest; nothing is shared with desktop_2fa.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import sqlite3
import zipfile
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from tests.data.canonical import (
    CANONICAL,
    FIXTURE_PASSWORD,
    Canonical,
    bitwarden_can_hold,
    steam_only,
    totp_only,
    totp_or_steam,
)

HERE = Path(__file__).parent
PW = FIXTURE_PASSWORD.encode()
YANDEX_SECRET = "LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAA"


def rand(rng_bytes: object, n: int) -> bytes:
    return rng_bytes(n)  # type: ignore[operator,no-any-return]


def cbc_encrypt(key: bytes, iv: bytes, plain: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def uri(a: Canonical, extra: str = "") -> str:
    label = f"{quote(a.issuer, safe='')}:{quote(a.name, safe='')}"
    query = f"secret={a.secret}&issuer={quote(a.issuer, safe='')}&algorithm={a.algorithm}"
    query += f"&digits={a.digits}"
    query += f"&counter={a.counter}" if a.kind == "hotp" else f"&period={a.period}"
    return f"otpauth://{a.kind}/{label}?{query}{extra}"


# --- Ente Auth ---------------------------------------------------------------------------


def ente_text() -> str:
    lines = []
    for position, a in enumerate(CANONICAL):
        display = {"pinned": a.favourite, "trashed": False, "lastUsedAt": 0, "tapCount": 2,
                   "tags": [a.group] if a.group else [], "note": a.note, "position": position,
                   "iconSrc": "", "iconID": ""}  # fmt: skip
        lines.append(uri(a, "&codeDisplay=" + quote(json.dumps(display), safe="")))
    trashed = {"pinned": False, "trashed": True, "tags": [], "note": ""}
    lines.append(
        f"otpauth://totp/Old:gone?secret={CANONICAL[0].secret}&issuer=Old&algorithm=sha1"
        f"&digits=6&period=30&codeDisplay={quote(json.dumps(trashed), safe='')}"
    )
    return "\n".join(lines)


def write_ente(rng: object) -> None:
    import nacl.bindings as sodium
    import nacl.pwhash

    text = ente_text()
    (HERE / "ente_plain.txt").write_text(text + "\n", "utf-8")
    salt = rand(rng, 16)
    # deriveSensitiveKey's first choice: 256 MiB (MEMLIMIT_MODERATE) and 16 passes.
    mem, ops = 268435456, 16
    key = nacl.pwhash.argon2id.kdf(32, PW, salt, opslimit=ops, memlimit=mem)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    sealed = sodium.crypto_secretstream_xchacha20poly1305_push(
        state, text.encode(), None, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
    )
    doc = {"version": 1, "kdfParams": {"memLimit": mem, "opsLimit": ops,
           "salt": base64.b64encode(salt).decode()},
           "encryptedData": base64.b64encode(sealed).decode(),
           "encryptionNonce": base64.b64encode(header).decode()}  # fmt: skip
    (HERE / "ente_encrypted.txt").write_text(json.dumps(doc), "utf-8")


# --- Proton Authenticator and Proton Pass -----------------------------------------------


def proton_entries(rng: object) -> list[dict[str, object]]:
    entries = []
    for a in filter(totp_or_steam, CANONICAL):
        if a.kind == "steam":
            # Proton's Steam URI holds the secret in standard base64 (steam/mod.rs, uri()).
            secret = base64.b64encode(a.secret_bytes).decode()
            content = {"uri": f"steam://{secret}", "entry_type": "Steam", "name": a.name}
        else:
            content = {"uri": uri(a), "entry_type": "Totp", "name": a.name}
        entries.append({"id": rand(rng, 8).hex(), "content": content, "note": a.note or None})
    return entries


def write_proton(rng: object) -> None:
    plain = json.dumps({"version": 1, "entries": proton_entries(rng)})
    (HERE / "proton_authenticator.json").write_text(plain, "utf-8")
    salt, nonce = rand(rng, 16), rand(rng, 12)
    key = Argon2id(salt=salt, length=32, iterations=2, lanes=1, memory_cost=19 * 1024).derive(PW)
    sealed = AESGCM(key).encrypt(nonce, plain.encode(), b"proton.authenticator.export.v1")
    doc = {"version": 1, "salt": base64.b64encode(salt).decode(),
           "content": base64.b64encode(nonce + sealed).decode()}  # fmt: skip
    (HERE / "proton_authenticator_encrypted.json").write_text(json.dumps(doc), "utf-8")

    vaults: dict[str, dict[str, object]] = {}
    for a in filter(totp_only, CANONICAL):
        vault = vaults.setdefault(a.group or "Personal", {"name": a.group or "Personal",
                                  "description": "", "items": []})  # fmt: skip
        item = {"itemId": rand(rng, 8).hex(), "pinned": a.favourite, "state": 1,
                "data": {"type": "login", "metadata": {"name": a.issuer, "note": a.note,
                "itemUuid": rand(rng, 4).hex()}, "extraFields": [],
                "content": {"itemEmail": a.name, "itemUsername": "", "password": "x",
                "urls": [], "totpUri": uri(a), "passkeys": []}}}  # fmt: skip
        vault["items"].append(item)  # type: ignore[attr-defined]
    note = {"itemId": "n1", "data": {"type": "note", "metadata": {"name": "A note", "note": "x"},
            "content": {}, "extraFields": []}}  # fmt: skip
    next(iter(vaults.values()))["items"].append(note)  # type: ignore[attr-defined]
    data = {"version": "1.21.2", "userId": "u", "encrypted": False,
            "vaults": {f"share{i}": v for i, v in enumerate(vaults.values())}}  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Proton Pass/data.json", json.dumps(data))
    (HERE / "proton_pass.zip").write_bytes(out.getvalue())


# --- Authenticator Pro / Stratum -----------------------------------------------------------

_STRATUM_TYPES = {"hotp": 1, "totp": 2, "steam": 4}
_STRATUM_ALGOS = {"SHA1": 0, "SHA256": 1, "SHA512": 2}


def stratum_doc() -> dict[str, object]:
    def category_id(name: str) -> str:  # "the first 8 characters of the SHA-1 hash of the name"
        return hashlib.sha1(name.encode()).hexdigest()[:8]

    authenticators = [
        {"Type": _STRATUM_TYPES[a.kind], "Icon": None, "Issuer": a.issuer, "Username": a.name,
         "Secret": a.secret, "Pin": None, "Algorithm": _STRATUM_ALGOS[a.algorithm],
         "Digits": a.digits, "Period": a.period, "Counter": a.counter, "Ranking": i,
         "CopyCount": 0}
        for i, a in enumerate(CANONICAL)
    ]  # fmt: skip
    authenticators.append({"Type": 5, "Icon": None, "Issuer": "Yandex", "Username": "ivan",
                           "Secret": YANDEX_SECRET, "Pin": "5239", "Algorithm": 1, "Digits": 8,
                           "Period": 30, "Counter": 0, "Ranking": 9, "CopyCount": 0})  # fmt: skip
    groups = dict.fromkeys(a.group for a in CANONICAL if a.group)
    return {
        "Authenticators": authenticators,
        "Categories": [
            {"Id": category_id(g), "Name": g, "Ranking": i} for i, g in enumerate(groups)
        ],
        "AuthenticatorCategories": [
            {"CategoryId": category_id(a.group), "AuthenticatorSecret": a.secret, "Ranking": 0}
            for a in CANONICAL
            if a.group
        ],
        "CustomIcons": [],
    }


def write_stratum(rng: object) -> None:
    doc = stratum_doc()
    plain = json.dumps(doc).encode()
    (HERE / "authenticator_pro.json").write_bytes(plain)
    salt, iv = rand(rng, 16), rand(rng, 12)
    key = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=65536).derive(PW)
    sealed = AESGCM(key).encrypt(iv, plain, None)
    (HERE / "authenticator_pro_encrypted.authpro").write_bytes(
        b"AUTHENTICATORPRO" + salt + iv + sealed
    )
    salt, iv = rand(rng, 20), rand(rng, 16)
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, 64_000).derive(PW)
    body = cbc_encrypt(key, iv, plain)
    (HERE / "authenticator_pro_legacy.authpro").write_bytes(b"AuthenticatorPro" + salt + iv + body)

    path = HERE / "authenticator_pro.db3"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE authenticator (secret TEXT PRIMARY KEY, type INTEGER, icon TEXT, "
               "issuer TEXT, username TEXT, pin TEXT, algorithm INTEGER, digits INTEGER, "
               "period INTEGER, counter INTEGER, ranking INTEGER, copyCount INTEGER)")  # fmt: skip
    db.execute("CREATE TABLE category (id TEXT PRIMARY KEY, name TEXT, ranking INTEGER)")
    db.execute("CREATE TABLE authenticatorcategory (categoryId TEXT, authenticatorSecret TEXT, "
               "ranking INTEGER)")  # fmt: skip
    for a in doc["Authenticators"]:  # type: ignore[attr-defined]
        db.execute(
            "INSERT INTO authenticator VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a["Secret"],
                a["Type"],
                a["Icon"],
                a["Issuer"],
                a["Username"],
                a["Pin"],
                a["Algorithm"],
                a["Digits"],
                a["Period"],
                a["Counter"],
                a["Ranking"],
                0,
            ),
        )
    for c in doc["Categories"]:  # type: ignore[attr-defined]
        db.execute("INSERT INTO category VALUES (?,?,?)", (c["Id"], c["Name"], c["Ranking"]))
    for link in doc["AuthenticatorCategories"]:  # type: ignore[attr-defined]
        db.execute("INSERT INTO authenticatorcategory VALUES (?,?,?)",
                   (link["CategoryId"], link["AuthenticatorSecret"], link["Ranking"]))  # fmt: skip
    db.commit()
    db.close()


# --- andOTP encrypted --------------------------------------------------------------------


def write_andotp_encrypted(rng: object) -> None:
    plain = (HERE / "andotp.json").read_bytes()
    iterations, salt, nonce = 150_000, rand(rng, 12), rand(rng, 12)
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, iterations).derive(PW)
    sealed = AESGCM(key).encrypt(nonce, plain, None)
    data = iterations.to_bytes(4, "big") + salt + nonce + sealed
    (HERE / "otp_accounts_2024-05-01.json.aes").write_bytes(data)
    nonce = rand(rng, 12)
    sealed = AESGCM(hashlib.sha256(PW).digest()).encrypt(nonce, plain, None)
    (HERE / "otp_accounts_old.json.aes").write_bytes(nonce + sealed)


# --- Bitwarden CSV and password-protected JSON ---------------------------------------------


def write_bitwarden_more(rng: object) -> None:
    from tests.data.importers.make_fixtures import bitwarden_totp

    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["folder", "favorite", "type", "name", "notes", "fields", "reprompt",
                     "login_uri", "login_username", "login_password", "login_totp"])  # fmt: skip
    for a in filter(bitwarden_can_hold, CANONICAL):
        writer.writerow([a.group, "1" if a.favourite else "", "login", a.issuer, a.note, "", 0,
                         f"https://{a.issuer.lower()}.example", a.name, "pw",
                         bitwarden_totp(a)])  # fmt: skip
    writer.writerow(["", "", "note", "A note", "text", "", 0, "", "", "", ""])
    (HERE / "bitwarden.csv").write_text(out.getvalue(), "utf-8")

    plain = (HERE / "bitwarden.json").read_bytes()
    for name, kdf_fields in (
        ("bitwarden_encrypted.json", {"kdfType": 0, "kdfIterations": 600_000}),
        ("bitwarden_encrypted_argon2.json",
         {"kdfType": 1, "kdfIterations": 3, "kdfMemory": 64, "kdfParallelism": 4}),
    ):  # fmt: skip
        salt = base64.b64encode(rand(rng, 16)).decode()
        if kdf_fields["kdfType"] == 0:
            key = PBKDF2HMAC(hashes.SHA256(), 32, salt.encode(), 600_000).derive(PW)
        else:
            key = Argon2id(salt=hashlib.sha256(salt.encode()).digest(), length=32, iterations=3,
                           lanes=4, memory_cost=64 * 1024).derive(PW)  # fmt: skip
        enc = HKDFExpand(hashes.SHA256(), 32, b"enc").derive(key)
        mac = HKDFExpand(hashes.SHA256(), 32, b"mac").derive(key)

        def seal(data: bytes, enc: bytes = enc, mac: bytes = mac) -> str:
            iv = rand(rng, 16)
            ct = cbc_encrypt(enc, iv, data)
            tag = hmac.new(mac, iv + ct, "sha256").digest()
            return "2." + "|".join(base64.b64encode(v).decode() for v in (iv, ct, tag))

        doc = {"encrypted": True, "passwordProtected": True, "salt": salt, **kdf_fields,
               "encKeyValidation_DO_NOT_EDIT": seal(b"2c7e1f0a-7a4b-4a53-9d3a-c0ffee000001"),
               "data": seal(plain)}  # fmt: skip
        if kdf_fields["kdfType"] == 0:
            doc.update(kdfMemory=None, kdfParallelism=None)
        (HERE / name).write_text(json.dumps(doc, indent=2), "utf-8")


# --- Steam Desktop Authenticator ------------------------------------------------------------


def write_steam(rng: object) -> None:
    (a,) = filter(steam_only, CANONICAL)
    common = {"shared_secret": base64.b64encode(a.secret_bytes).decode(),
              "serial_number": "8765432109876543210", "revocation_code": "R12345",
              "uri": f"otpauth://totp/Steam:{a.name}?secret={a.secret}&issuer=Steam",
              "server_time": 1714550400, "account_name": a.name,
              "token_gid": "2a1b3c4d5e6f7a8b",
              "identity_secret": base64.b64encode(rand(rng, 20)).decode(),
              "secret_1": base64.b64encode(rand(rng, 20)).decode(), "status": 1,
              "device_id": "android:6f1d2c3b-4a5e-4f60-8172-938a4b5c6d7e",
              "fully_enrolled": True}  # fmt: skip
    old = {**common, "Session": {"SessionID": "abc", "SteamLogin": "7656%7C%7Cx",
           "SteamLoginSecure": "7656%7C%7Cy", "WebCookie": "w", "OAuthToken": "o",
           "SteamID": 76561198000000001}}  # fmt: skip
    new = {**common, "Session": {"SteamID": 76561198000000001, "AccessToken": "eyJ.a.b",
           "RefreshToken": "eyJ.c.d", "SessionID": "abc"}}  # fmt: skip
    (HERE / "steam_old.maFile").write_text(json.dumps(old), "utf-8")
    (HERE / "steam_new.maFile").write_text(json.dumps(new, indent=2), "utf-8")
