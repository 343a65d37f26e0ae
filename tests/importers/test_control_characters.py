"""A control character or a bidi override through every importer: that entry alone is refused.

Issue 9 asks every name, issuer, note and group that comes in from another
app to be free of C0/C1 controls and bidirectional overrides (they forge
lines in `desktop-2fa code` and disguise what a user reads), reported per
entry. Each case below is one app's file, written the way that app writes
it, with one entry's text poisoned; the rest of the file must still import.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import segno

from desktop_2fa.core.text import unsafe_char
from desktop_2fa.importers import registry
from desktop_2fa.importers.base import ImportResult
from tests.data.canonical import FIXTURE_PASSWORD
from tests.importers.support import FIXTURES

ESC = "\x1b[31m"  # a terminal colour sequence
RLO = "\u202e"  # right-to-left override (Trojan Source)
C1 = "\x9b"  # a C1 control (CSI)


def _json(name: str) -> object:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def _dumps(doc: object) -> bytes:
    return json.dumps(doc).encode()


def _sqlite(name: str, tmp: Path, statement: str, value: str) -> bytes:
    path = tmp / name
    path.write_bytes((FIXTURES / name).read_bytes())
    db = sqlite3.connect(path)
    db.execute(statement, (value,))
    db.commit()
    db.close()
    return path.read_bytes()


def _prefs(strings: dict[str, str]) -> bytes:
    from tests.data.importers.writers_phone import prefs

    return prefs(strings).encode()


# --- one poisoned file per format ---------------------------------------------------------


def aegis(_: Path) -> tuple[str, bytes]:
    doc = _json("aegis_plain.json")
    doc["db"]["entries"][1]["issuer"] = "Git" + ESC + "Hub"  # type: ignore[index]
    return "a.json", _dumps(doc)


def twofas(_: Path) -> tuple[str, bytes]:
    doc = _json("2fas_plain.2fas")
    doc["services"][1]["otp"]["account"] = "bob" + RLO  # type: ignore[index]
    return "a.2fas", _dumps(doc)


def andotp(_: Path) -> tuple[str, bytes]:
    doc = _json("andotp.json")
    doc[1]["tags"] = ["Wo" + C1 + "rk"]  # type: ignore[index]
    return "a.json", _dumps(doc)


def bitwarden(_: Path) -> tuple[str, bytes]:
    doc = _json("bitwarden.json")
    doc["items"][1]["notes"] = "line one\rline two"  # type: ignore[index]
    return "a.json", _dumps(doc)


def freeotp_plus(_: Path) -> tuple[str, bytes]:
    doc = _json("freeotp_plus.json")
    doc["tokens"][1]["label"] = "b" + ESC + "ob"  # type: ignore[index]
    return "a.json", _dumps(doc)


def ente(_: Path) -> tuple[str, bytes]:
    lines = (FIXTURES / "ente_plain.txt").read_text("utf-8").splitlines()
    display = {"pinned": False, "trashed": False, "tags": ["Work"], "note": "n" + ESC}
    lines[1] = lines[1].split("&codeDisplay=")[0] + "&codeDisplay=" + quote(json.dumps(display))
    return "a.txt", "\n".join(lines).encode()


def proton_authenticator(_: Path) -> tuple[str, bytes]:
    doc = _json("proton_authenticator.json")
    doc["entries"][1]["note"] = "n" + RLO  # type: ignore[index]
    return "a.json", _dumps(doc)


def proton_pass(_: Path) -> tuple[str, bytes]:
    with zipfile.ZipFile(FIXTURES / "proton_pass.zip") as archive:
        doc = json.loads(archive.read("Proton Pass/data.json"))
    vault = next(iter(doc["vaults"].values()))
    vault["items"][0]["data"]["metadata"]["note"] = "n" + ESC
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Proton Pass/data.json", json.dumps(doc))
    return "a.zip", out.getvalue()


def authenticator_pro(_: Path) -> tuple[str, bytes]:
    doc = _json("authenticator_pro.json")
    doc["Authenticators"][1]["Username"] = "bob" + C1  # type: ignore[index]
    return "a.json", _dumps(doc)


def authenticator_pro_db(tmp: Path) -> tuple[str, bytes]:
    data = _sqlite(
        "authenticator_pro.db3", tmp, "UPDATE authenticator SET issuer = ? WHERE ranking = 1",
        "Git" + RLO + "Hub",
    )  # fmt: skip
    return "a.bin", data


def freeotp(_: Path) -> tuple[str, bytes]:
    from desktop_2fa.importers.android_prefs import read_strings

    strings = read_strings((FIXTURES / "freeotp_tokens.xml").read_bytes(), "FreeOTP")
    token = json.loads(strings["GitHub:bob"])
    token["issuerExt"] = token["issuerInt"] = "Git" + ESC + "Hub"
    strings["GitHub:bob"] = json.dumps(token)  # "\u001b" inside the XML text
    return "a.xml", _prefs(strings)


def freeotp2(_: Path) -> tuple[str, bytes]:
    from desktop_2fa.importers.java_hashmap import read
    from tests.data.importers.writers_phone import java_hashmap

    entries = read((FIXTURES / "freeotp2_externalBackup.xml").read_bytes())
    name = next(k for k in entries if k.endswith("-token") and "bob" in entries[k])
    token = json.loads(entries[name])
    token["label"] = "bob" + RLO
    entries[name] = json.dumps(token)
    return "a.xml", java_hashmap(entries)


def steam(_: Path) -> tuple[str, bytes]:
    doc = _json("steam_new.maFile")
    doc["account_name"] = "gam" + ESC + "er"  # type: ignore[index]
    accounts = {"1": doc, "2": _json("steam_old.maFile")}  # Steam's own file holds several
    return "a.maFile", _dumps({"accounts": accounts})


def authy(_: Path) -> tuple[str, bytes]:
    from desktop_2fa.importers.android_prefs import read_strings

    key = "com.authy.storage.tokens.authenticator.key"
    strings = read_strings((FIXTURES / "authy_tokens.xml").read_bytes(), "Authy")
    tokens = json.loads(strings[key])
    tokens[1]["originalIssuer"] = "Leg" + C1 + "acy"
    return "a.xml", _prefs({key: json.dumps(tokens)})


def google_db(tmp: Path) -> tuple[str, bytes]:
    data = _sqlite(
        "google_authenticator.db", tmp, "UPDATE accounts SET email = ? WHERE _id = 2",
        "carol" + ESC,
    )  # fmt: skip
    return "a.db", data


def microsoft_db(tmp: Path) -> tuple[str, bytes]:
    data = _sqlite(
        "microsoft_authenticator.db", tmp, "UPDATE accounts SET name = ? WHERE _id = 2",
        "Leg" + RLO + "acy",
    )  # fmt: skip
    return "a.db", data


def battlenet(_: Path) -> tuple[str, bytes]:
    from desktop_2fa.importers.android_prefs import read_strings
    from desktop_2fa.importers.phone_prefs import BNET_SERIAL, MASK

    name = "battlenet_authenticator_preferences.xml"
    strings = read_strings((FIXTURES / name).read_bytes(), "Battle.net")
    serial = ("US-1404" + ESC).encode()
    strings[BNET_SERIAL] = bytes(b ^ m for b, m in zip(serial, MASK, strict=False)).hex()
    return "a.xml", _prefs(strings)


def duo(_: Path) -> tuple[str, bytes]:
    doc = _json("duo_accounts.json")
    doc[1]["name"] = "Counter" + RLO + "Corp"  # type: ignore[index]
    return "a.json", _dumps(doc)


def _totp_authenticator_entries() -> list[dict[str, object]]:
    return [
        {"base": 32, "key": "JBSWY3DPEHPK3PXP", "name": "ann", "issuer": "Example"},
        {"base": 32, "key": "KRSXG5CTMVRXEZLU", "name": "bob", "issuer": "Git" + ESC + "Hub"},
    ]


def totp_authenticator(_: Path) -> tuple[str, bytes]:
    # The app's backup file: base64 of AES-256-CBC under SHA-256(password), IV of zeros.
    from tests.data.importers.writers_exports import cbc_encrypt

    entries = json.dumps(_totp_authenticator_entries())
    plain = json.dumps({entries: "1714550400"}).encode()
    key = hashlib.sha256(FIXTURE_PASSWORD.encode()).digest()
    return "backup.encrypt", base64.b64encode(cbc_encrypt(key, bytes(16), plain))


def totp_authenticator_prefs(_: Path) -> tuple[str, bytes]:
    entries = json.dumps(_totp_authenticator_entries())
    return "a.xml", _prefs({"STATIC_TOTP_CODES_LIST": entries})


def otpauth(_: Path) -> tuple[str, bytes]:
    lines = (FIXTURES / "otpauth_list.txt").read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "GitHub" in line)
    lines[at] = lines[at].replace("GitHub:bob", "GitHub:b%1Bob")
    return "a.txt", "\n".join(lines).encode()


def qr_image(_: Path) -> tuple[str, bytes]:
    out = io.BytesIO()
    uri = "otpauth://totp/Ex%E2%80%AEample:ann?secret=JBSWY3DPEHPK3PXP&issuer=Ex%E2%80%AEample"
    segno.make(uri, error="m").save(out, kind="png", scale=4, border=4)
    return "a.png", out.getvalue()


CASES: dict[str, Callable[[Path], tuple[str, bytes]]] = {
    "aegis": aegis,
    "2fas": twofas,
    "andotp": andotp,
    "bitwarden": bitwarden,
    "freeotp-plus": freeotp_plus,
    "ente": ente,
    "proton-authenticator": proton_authenticator,
    "proton-pass": proton_pass,
    "authenticator-pro": authenticator_pro,
    "authenticator-pro/db3": authenticator_pro_db,
    "freeotp": freeotp,
    "freeotp/2": freeotp2,
    "steam": steam,
    "authy": authy,
    "google-authenticator-db": google_db,
    "microsoft-authenticator-db": microsoft_db,
    "battlenet": battlenet,
    "duo": duo,
    "totp-authenticator": totp_authenticator,
    "totp-authenticator/prefs": totp_authenticator_prefs,
    "otpauth": otpauth,
    "qr-image": qr_image,
}


def test_every_importer_has_a_case() -> None:
    assert {c.partition("/")[0] for c in CASES} == set(registry.names())


def _import(name: str, data: bytes) -> ImportResult:
    from desktop_2fa.importers.session import SourceFile, import_files

    return import_files([SourceFile(name, data)], password=lambda _f, _t: FIXTURE_PASSWORD)


@pytest.mark.parametrize("case", CASES)
def test_a_control_character_refuses_that_entry_only(case: str, tmp_path: Path) -> None:
    name, data = CASES[case](tmp_path)
    assert registry.guess_format(data, name).name == case.partition("/")[0]
    result = _import(name, data)
    assert [e.reason for e in result.errors if "control character" in e.reason], result.errors
    for entry in result.entries:
        for text in (entry.spec.issuer, entry.spec.name, entry.note, entry.group):
            assert unsafe_char(text) is None, (case, text)
    # the error line itself shows no raw control character either
    for error in result.errors:
        assert unsafe_char(str(error)) is None, str(error)
    if case not in ("battlenet", "qr-image"):  # files of one account
        assert result.entries, "the clean entries of the file are still imported"
