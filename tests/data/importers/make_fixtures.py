"""Write every importer fixture from the canonical account list.

    .venv/bin/python -m tests.data.importers.make_fixtures

Each file follows its app's real export format (sources cited per writer).
This script shares no code with desktop_2fa: its own JSON layouts, its own
encryption calls and its own protobuf writer, so a bug in an importer cannot
hide behind the same bug in the fixture. Randomness is seeded: running it
again rewrites identical files (except for segno/PNG library changes).

Accounts a format cannot hold are left out of its file (tests expect that):
Google has no period field and no Steam; Bitwarden has no HOTP; Bitwarden
Authenticator's `steam://` value carries no account name. The newer formats'
writers live in writers_exports.py and writers_phone.py.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import uuid
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from tests.data.canonical import (
    CANONICAL,
    FIXTURE_PASSWORD,
    Canonical,
    bitwarden_can_hold,
    google_can_hold,
)

HERE = Path(__file__).parent
RNG = random.Random(20240501)
UPDATED_AT = 1714550400000  # 2024-05-01, milliseconds
MD5_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # for the one entry no app should import


def rand_bytes(n: int) -> bytes:
    return bytes(RNG.randrange(256) for _ in range(n))


def rand_uuid() -> str:
    return str(uuid.UUID(bytes=rand_bytes(16), version=4))


def write_json(name: str, doc: object, indent: int | None = 4) -> None:
    (HERE / name).write_text(json.dumps(doc, indent=indent, ensure_ascii=False) + "\n", "utf-8")


def group_ids(accounts: Iterable[Canonical]) -> dict[str, str]:
    return {g: rand_uuid() for g in dict.fromkeys(a.group for a in accounts if a.group)}


# --- Aegis (docs/vault.md; VaultEntry.toJson, VaultGroup.toJson) ------------------------


def aegis_db() -> dict[str, object]:
    groups = group_ids(CANONICAL)
    entries: list[dict[str, object]] = []
    for a in CANONICAL:
        info: dict[str, object] = {"secret": a.secret, "algo": a.algorithm, "digits": a.digits}
        info["counter" if a.kind == "hotp" else "period"] = (
            a.counter if a.kind == "hotp" else a.period
        )
        entries.append(
            {
                "type": a.kind,
                "uuid": rand_uuid(),
                "name": a.name,
                "issuer": a.issuer,
                "note": a.note,
                "favorite": a.favourite,
                "icon": None,
                "icon_mime": None,
                "icon_hash": None,
                "info": info,
                "groups": [groups[a.group]] if a.group else [],
            }
        )
    # Aegis also stores Yandex tokens, which desktop-2fa cannot compute.
    entries.append(
        {
            "type": "yandex",
            "uuid": rand_uuid(),
            "name": "ivan",
            "issuer": "Yandex",
            "note": "",
            "favorite": False,
            "icon": None,
            "icon_mime": None,
            "icon_hash": None,
            "info": {
                "secret": "LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAA",
                "algo": "SHA256",
                "digits": 8,
                "period": 30,
                "pin": "5239",
            },
            "groups": [],
        }
    )
    return {
        "version": 3,
        "entries": entries,
        "groups": [{"uuid": gid, "name": name} for name, gid in groups.items()],
        "icons_optimized": True,
    }


def aegis_seal(key: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
    nonce = rand_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, None)
    return nonce, sealed[:-16], sealed[-16:]


def write_aegis() -> None:
    db = aegis_db()
    write_json(
        "aegis_plain.json", {"version": 1, "header": {"slots": None, "params": None}, "db": db}
    )
    master, salt = rand_bytes(32), rand_bytes(32)
    kek = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(FIXTURE_PASSWORD.encode())
    key_nonce, wrapped, key_tag = aegis_seal(kek, master)
    nonce, ciphertext, tag = aegis_seal(master, json.dumps(db).encode())
    slot = {
        "type": 1,
        "uuid": rand_uuid(),
        "key": wrapped.hex(),
        "key_params": {"nonce": key_nonce.hex(), "tag": key_tag.hex()},
        "n": 32768,
        "r": 8,
        "p": 1,
        "salt": salt.hex(),
        "repaired": True,
    }
    header = {"slots": [slot], "params": {"nonce": nonce.hex(), "tag": tag.hex()}}
    doc = {"version": 1, "header": header, "db": base64.b64encode(ciphertext).decode()}
    write_json("aegis_encrypted.json", doc)


# --- 2FAS (BackupContent, BackupService, BackupCipherImpl, DataEncrypted) ---------------


def twofas_services(groups: dict[str, str]) -> list[dict[str, object]]:
    services: list[dict[str, object]] = []
    for position, a in enumerate(CANONICAL):
        otp: dict[str, object] = {
            "link": None,
            "label": a.name,
            "account": a.name,
            "issuer": a.issuer,
            "digits": a.digits,
            "period": a.period,
            "algorithm": a.algorithm,
            "tokenType": a.kind.upper(),
            "source": "Manual",
        }
        if a.kind == "hotp":
            otp["counter"] = a.counter
        services.append(
            {
                "name": a.issuer,
                "secret": a.secret,
                "updatedAt": UPDATED_AT + position,
                "serviceTypeID": None,
                "otp": otp,
                "order": {"position": position},
                "badge": None,
                "icon": {
                    "selected": "Label",
                    "brand": None,
                    "label": {"text": a.issuer[:2].upper(), "backgroundColor": "Orange"},
                    "iconCollection": {"id": "a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad"},
                },
                "groupId": groups.get(a.group),
            }
        )
    return services


def twofas_seal(key: bytes, salt: bytes, plaintext: bytes) -> str:
    iv = rand_bytes(12)
    sealed = AESGCM(key).encrypt(iv, plaintext, None)  # ciphertext followed by the tag
    return ":".join(base64.b64encode(v).decode() for v in (sealed, salt, iv))


def write_twofas() -> None:
    groups = group_ids(CANONICAL)
    base = {
        "groups": [
            {"id": gid, "name": name, "isExpanded": True, "updatedAt": UPDATED_AT}
            for name, gid in groups.items()
        ],
        "updatedAt": UPDATED_AT,
        "schemaVersion": 4,
        "appVersionCode": 5000019,
        "appVersionName": "5.4.5",
        "appOrigin": "android",
    }
    services = twofas_services(groups)
    write_json("2fas_plain.2fas", {"services": services, **base}, indent=None)
    salt = rand_bytes(256)  # BackupSaltGeneratorRandom: 256 bytes
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(FIXTURE_PASSWORD.encode())
    encrypted = {
        "services": [],
        **base,
        # The app encrypts a fixed marker as "reference"; ours is another marker
        # because the importer only needs it to decrypt, never its text.
        "reference": twofas_seal(key, salt, b"desktop-2fa fixture reference marker"),
        "servicesEncrypted": twofas_seal(key, salt, json.dumps(services).encode()),
    }
    write_json("2fas_encrypted.2fas", encrypted, indent=None)


# --- andOTP (Database/Entry.java toJSON) -----------------------------------------------


def write_andotp() -> None:
    entries: list[dict[str, object]] = []
    for a in CANONICAL:
        padded = base64.b32encode(a.secret_bytes).decode()  # commons-codec pads with '='
        entry: dict[str, object] = {
            "secret": padded,
            "issuer": a.issuer,
            "label": a.name,
            "digits": a.digits,
            "type": a.kind.upper(),
            "algorithm": a.algorithm,
            "thumbnail": "Default",
            "last_used": UPDATED_AT,
            "used_frequency": 3,
            "tags": [a.group] if a.group else [],
        }
        if a.kind == "hotp":
            entry["counter"] = a.counter
        else:
            entry["period"] = a.period
        entries.append(entry)
    write_json("andotp.json", entries, indent=None)


# --- Bitwarden (unencrypted .json export; Authenticator's ExportJsonData) ---------------


def otpauth_uri(a: Canonical, *, steam_type: bool = True) -> str:
    """A Key URI as Google's spec writes it; Steam as Aegis writes it (otpauth://steam/)."""
    kind = (
        "steam" if a.kind == "steam" and steam_type else ("totp" if a.kind == "steam" else a.kind)
    )
    label = f"{quote(a.issuer, safe='')}:{quote(a.name, safe='')}"
    query = [f"secret={a.secret}", f"issuer={quote(a.issuer, safe='')}", f"algorithm={a.algorithm}",
             f"digits={a.digits}"]  # fmt: skip
    query.append(f"counter={a.counter}" if a.kind == "hotp" else f"period={a.period}")
    return f"otpauth://{kind}/{label}?{'&'.join(query)}"


def bitwarden_totp(a: Canonical) -> str:
    if a.kind == "steam":
        return f"steam://{a.secret}"
    if (a.algorithm, a.digits, a.period) == ("SHA1", 6, 30) and a.key == "plain":
        return a.secret  # a bare secret: Bitwarden's defaults apply
    return otpauth_uri(a)


def write_bitwarden() -> None:
    folders = group_ids(CANONICAL)
    items: list[dict[str, object]] = []
    for a in filter(bitwarden_can_hold, CANONICAL):
        items.append(
            {
                "passwordHistory": None,
                "revisionDate": "2024-05-01T00:00:00.000Z",
                "creationDate": "2024-05-01T00:00:00.000Z",
                "deletedDate": None,
                "id": rand_uuid(),
                "organizationId": None,
                "folderId": folders.get(a.group),
                "type": 1,
                "reprompt": 0,
                "name": a.issuer,
                "notes": a.note or None,
                "favorite": a.favourite,
                "login": {
                    "fido2Credentials": [],
                    "uris": [{"match": None, "uri": f"https://{a.issuer.lower()}.example"}],
                    "username": a.name,
                    "password": "not-an-otp-secret",
                    "totp": bitwarden_totp(a),
                },
                "collectionIds": None,
            }
        )
    # Items without a TOTP: a login with a password only, and a secure note.
    items.append({"id": rand_uuid(), "type": 1, "name": "Mail", "folderId": None,
                  "favorite": False, "notes": None, "login": {"username": "x", "password": "y",
                  "totp": None, "uris": []}, "collectionIds": None})  # fmt: skip
    items.append({"id": rand_uuid(), "type": 2, "name": "A note", "folderId": None,
                  "favorite": False, "notes": "text", "secureNote": {"type": 0},
                  "collectionIds": None})  # fmt: skip
    write_json(
        "bitwarden.json",
        {
            "encrypted": False,
            "folders": [{"id": fid, "name": name} for name, fid in folders.items()],
            "items": items,
        },
        indent=2,
    )


def write_bitwarden_authenticator() -> None:
    items = [
        {
            "id": rand_uuid(),
            "name": a.issuer,
            "folderId": None,
            "organizationId": None,
            "collectionIds": None,
            "notes": None,
            "type": 1,
            "login": {"totp": f"steam://{a.secret}" if a.kind == "steam" else otpauth_uri(a)},
            "favorite": False,
        }
        for a in filter(bitwarden_can_hold, CANONICAL)
    ]
    write_json("bitwarden_authenticator.json", {"encrypted": False, "items": items}, indent=None)


# --- FreeOTP+ (SavedTokens + legacy Token, serialised by Gson: nulls left out) ----------


def write_freeotp_plus() -> None:
    tokens: list[dict[str, object]] = []
    order: list[str] = []

    def token(issuer: str, name: str, kind: str, algo: str, secret: bytes, digits: int,
              counter: int, period: int) -> None:  # fmt: skip
        tokens.append(
            {
                "issuerInt": issuer,
                "issuerExt": issuer,
                "label": name,
                "type": kind,
                "algo": algo,
                "secret": [b - 256 if b > 127 else b for b in secret],  # Java bytes are signed
                "digits": digits,
                "counter": counter,
                "period": period,
            }
        )
        order.append(f"{issuer}:{name}")

    for a in CANONICAL:
        # FreeOTP+ has no Steam type: a TOTP token of issuer "Steam" with 5 digits.
        kind = "HOTP" if a.kind == "hotp" else "TOTP"
        token(a.issuer, a.name, kind, a.algorithm, a.secret_bytes, a.digits, a.counter, a.period)
    secret = base64.b32decode(MD5_SECRET)
    token("Old Bank", "olga", "TOTP", "MD5", secret, 6, 0, 30)
    write_json("freeotp_plus.json", {"tokenOrder": order, "tokens": tokens}, indent=None)


# --- plain otpauth:// list ---------------------------------------------------------------


def write_otpauth_list() -> None:
    lines = ["# accounts exported for desktop-2fa tests", ""]
    lines += [otpauth_uri(a) for a in CANONICAL]
    (HERE / "otpauth_list.txt").write_text("\n".join(lines) + "\n", "utf-8")


# --- Google Authenticator migration QR codes (MigrationPayload protobuf) ----------------


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # int32/int64 negatives are 10-byte two's complement
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(out + bytes([value]))


def pb_bytes(number: int, data: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(data)) + data


def pb_int(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def google_params(secret: bytes, name: str, issuer: str, algo: int, digits: int, kind: int,
                  counter: int) -> bytes:  # fmt: skip
    """OtpParameters: secret=1, name=2, issuer=3, algorithm=4, digits=5, type=6, counter=7."""
    text = pb_bytes(1, secret) + pb_bytes(2, name.encode()) + pb_bytes(3, issuer.encode())
    return text + pb_int(4, algo) + pb_int(5, digits) + pb_int(6, kind) + pb_int(7, counter)


def google_account(a: Canonical) -> bytes:
    algo = {"SHA1": 1, "SHA256": 2, "SHA512": 3}[a.algorithm]
    digits = {6: 1, 8: 2}[a.digits]
    kind = 1 if a.kind == "hotp" else 2
    return google_params(a.secret_bytes, a.name, a.issuer, algo, digits, kind, a.counter)


def google_qr(name: str, accounts: list[bytes], size: int, index: int, batch_id: int) -> None:
    payload = b"".join(pb_bytes(1, p) for p in accounts)
    payload += pb_int(2, 1) + pb_int(3, size) + pb_int(4, index) + pb_int(5, batch_id)
    data = base64.b64encode(payload).decode()
    uri = "otpauth-migration://offline?data=" + quote(data, safe="")
    out = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(out, kind="png", scale=3, border=4)
    (HERE / name).write_bytes(out.getvalue())


def batch_accounts() -> list[bytes]:
    """25 accounts for the 3-code export (10 + 10 + 5, as Google splits them)."""
    out = []
    for i in range(1, 26):
        secret = hashlib.sha256(f"batch-{i}".encode()).digest()[:20]
        kind, counter = (1, i) if i % 7 == 0 else (2, 0)
        out.append(google_params(secret, f"user{i:02d}@example.com", f"Service {i:02d}", 1, 1,
                                 kind, counter))  # fmt: skip
    return out


def write_google() -> None:
    accounts = [google_account(a) for a in CANONICAL if google_can_hold(a)]
    # Google Authenticator still carries MD5 entries from old QR codes; nobody can use them.
    accounts.append(google_params(base64.b32decode(MD5_SECRET), "olga", "Old Bank", 4, 1, 2, 0))
    google_qr("google_migration.png", accounts, 1, 0, 421_337)
    batch = batch_accounts()
    batch_id = -1_732_468_915  # a real export's random int32 may be negative
    for index in range(3):
        chunk = batch[index * 10 : index * 10 + 10]
        google_qr(f"google_batch_{index + 1}_of_3.png", chunk, 3, index, batch_id)


def main() -> None:
    from tests.data.importers import writers_exports as ex
    from tests.data.importers import writers_phone as ph

    write_aegis()
    write_twofas()
    write_andotp()
    write_bitwarden()
    write_bitwarden_authenticator()
    write_freeotp_plus()
    write_otpauth_list()
    write_google()
    ex.write_ente(rand_bytes)
    ex.write_proton(rand_bytes)
    ex.write_stratum(rand_bytes)
    ex.write_andotp_encrypted(rand_bytes)
    ex.write_bitwarden_more(rand_bytes)
    ex.write_steam(rand_bytes)
    ph.write_freeotp_v1()
    ph.write_freeotp_v2(rand_bytes)
    ph.write_authy()
    ph.write_databases()
    ph.write_battlenet()
    ph.write_duo()
    ph.write_totp_authenticator()


if __name__ == "__main__":
    main()
