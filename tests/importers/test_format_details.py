"""Facts of the apps' formats that a fixture written alongside its importer could miss,
each checked against the app's own source (cited per test)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop_2fa.core.otp import generate
from desktop_2fa.importers.session import SourceFile, import_files
from tests.data.canonical import BY_KEY, FIXTURE_PASSWORD
from tests.importers.support import FIXTURES, spec


def _import(name: str, data: bytes, format_name: str | None = None):  # type: ignore[no-untyped-def]
    return import_files(
        [SourceFile(name, data)], format_name=format_name, password=lambda f, t: FIXTURE_PASSWORD
    )


# --- andOTP: nothing marks an encrypted backup ------------------------------------------


@pytest.mark.parametrize("first", [b"[", b"{", b" ", b"\n", b"\r", b"\t", b"\xef"])
def test_an_old_andotp_backup_whose_nonce_looks_like_json_still_opens(first: bytes) -> None:
    """andOTP's old format is nonce (12 random bytes) then AES-GCM under SHA-256 of the
    password (BackupHelper, EncryptionHelper): about 1 backup in 37 starts with a byte
    that also starts JSON text, and was read as a broken plain backup."""
    plain = (FIXTURES / "andotp.json").read_bytes()
    nonce = first + bytes(range(1, 12))
    key = hashlib.sha256(FIXTURE_PASSWORD.encode()).digest()
    data = nonce + AESGCM(key).encrypt(nonce, plain, None)
    result = _import("otp_accounts.json.aes", data)
    assert [e.spec for e in result.entries] == [spec(a) for a in BY_KEY.values()]


# --- Google Authenticator's database: the counter is the last one used ----------------------


def test_a_google_authenticator_hotp_counter_is_the_next_code_after_the_stored_one() -> None:
    """Google Authenticator increments the stored counter and then computes the code
    (OtpProvider.getCurrentCode: "the state is obtained by incrementing stored
    counter"): the stored value was used already, the next code is counter + 1."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.deserialize((FIXTURES / "google_authenticator.db").read_bytes())
    ((stored,),) = db.execute("SELECT counter FROM accounts WHERE type = 1").fetchall()
    db.close()
    result = _import("databases", (FIXTURES / "google_authenticator.db").read_bytes())
    (hotp,) = [e.spec for e in result.entries if e.spec.params.kind.value == "hotp"]
    assert hotp.params.counter == stored + 1 == BY_KEY["hotp"].counter
    assert generate(hotp.params, 0).value == generate(spec(BY_KEY["hotp"]).params, 0).value


# --- Proton Pass: trashed items, and exports before 1.18.0 ----------------------------------


def _proton_pass(mutate) -> bytes:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(FIXTURES / "proton_pass.zip") as archive:
        doc = json.loads(archive.read("Proton Pass/data.json"))
    mutate(doc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Proton Pass/data.json", json.dumps(doc))
    return out.getvalue()


def _first_login(doc: dict) -> dict:  # type: ignore[type-arg]
    vault = next(iter(doc["vaults"].values()))
    return next(i for i in vault["items"] if i["data"]["type"] == "login")  # type: ignore[no-any-return]


def test_a_trashed_proton_pass_item_is_reported_not_imported() -> None:
    """Proton Pass exports its trash too, marked `state` 2 (ItemState.Trashed; its own
    importer restores them as trashed, protonpass.json.reader.ts)."""

    def trash(doc: dict) -> None:  # type: ignore[type-arg]
        _first_login(doc)["state"] = 2

    clean = _import("pass.zip", (FIXTURES / "proton_pass.zip").read_bytes())
    result = _import("pass.zip", _proton_pass(trash))
    assert len(result.entries) == len(clean.entries) - 1
    assert [e.reason for e in result.errors] == [
        "it is in Proton Pass's trash (restore it in Proton Pass to bring it along)"
    ]


def test_a_proton_pass_export_before_1_18_names_the_account_by_username() -> None:
    """Before 1.18.0 a login's account was `content.username` (the reader migrates it
    to itemEmail, protonpass.json.reader.ts); a TOTP URI with no label needs it."""

    def old(doc: dict) -> None:  # type: ignore[type-arg]
        doc["version"] = "1.17.0"
        content = _first_login(doc)["data"]["content"]
        secret = content["totpUri"].split("secret=")[1].split("&")[0]
        content["totpUri"] = f"otpauth://totp/?secret={secret}"
        content["username"] = content.pop("itemEmail")
        del content["itemUsername"]

    result = _import("pass.zip", _proton_pass(old))
    first = result.entries[0].spec
    assert (first.issuer, first.name) == ("Example", "alice@example.com")


# --- Proton Authenticator: a Steam entry's secret is base64 ---------------------------------


def test_a_proton_authenticator_steam_secret_is_base64() -> None:
    """Proton writes a Steam entry as `steam://` and the secret in standard base64
    (proton-authenticator/src/steam/mod.rs, SteamTotp::uri and SteamTotp::new);
    Bitwarden's `steam://` holds base32. This secret is not valid base32."""
    import base64

    secret = bytes(range(200, 220))  # base64 "yMnKy8zN...": lower case, '+' and '/'
    doc = {"version": 1, "entries": [{"id": "1", "note": None, "content": {
        "uri": "steam://" + base64.b64encode(secret).decode(), "entry_type": "Steam",
        "name": "gamer"}}]}  # fmt: skip
    result = _import("proton.json", json.dumps(doc).encode())
    assert result.errors == ()
    (entry,) = result.entries
    assert (entry.spec.issuer, entry.spec.name) == ("Steam", "gamer")
    assert entry.spec.params.kind.value == "steam"
    assert entry.spec.params.secret == secret


# --- TOTP Authenticator: "Unknown" is no issuer -----------------------------------------


def test_a_totp_authenticator_account_without_issuer_is_named_by_its_name() -> None:
    """The app writes the issuer "Unknown" when it has none (Stratum's
    TotpAuthenticatorBackupConverter then takes the name as the issuer)."""
    import base64

    from tests.data.importers.writers_exports import cbc_encrypt

    entries = [{"base": 32, "key": "JBSWY3DPEHPK3PXP", "name": "Forum", "issuer": "Unknown",
                "digits": "", "period": ""}]  # fmt: skip
    plain = json.dumps({json.dumps(entries): "1714550400"}).encode()
    key = hashlib.sha256(FIXTURE_PASSWORD.encode()).digest()
    data = base64.b64encode(cbc_encrypt(key, bytes(16), plain))
    (entry,) = _import("backup.encrypt", data).entries
    assert (entry.spec.issuer, entry.spec.name) == ("Forum", "")


# --- apps' databases in write-ahead-log mode ----------------------------------------------


@pytest.mark.parametrize(
    "name", ["google_authenticator.db", "microsoft_authenticator.db", "authenticator_pro.db3"]
)
def test_a_database_in_wal_mode_imports_like_one_in_rollback_mode(
    name: str, tmp_path: Path
) -> None:
    """Android opens app databases in write-ahead-log mode by default since 9, and
    Stratum asks for it (Database.cs, EnableWriteAheadLoggingAsync): the file's
    header then says WAL (bytes 18 and 19 are 2), which an in-memory copy cannot
    open as it is. The fixtures, written by Python, are in rollback mode."""
    import sqlite3

    path = tmp_path / name
    path.write_bytes((FIXTURES / name).read_bytes())
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    wal = path.read_bytes()
    assert wal[18:20] == b"\x02\x02"
    expected = _import(name, (FIXTURES / name).read_bytes())
    assert _import(name, wal) == expected


def test_a_personal_microsoft_account_has_a_base64_secret_and_8_digits() -> None:
    """Microsoft Authenticator's account_type 1 (a personal Microsoft account) keeps its
    secret in base64 and shows 8 digits (Aegis's MicrosoftAuthImporter, TYPE_MICROSOFT)."""
    import base64
    import sqlite3

    secret = bytes(range(100, 132))
    db = sqlite3.connect(":memory:")
    db.deserialize((FIXTURES / "microsoft_authenticator.db").read_bytes())
    db.execute("DELETE FROM accounts")
    key = base64.b64encode(secret).decode()
    db.execute("INSERT INTO accounts (name, username, oath_secret_key, account_type) VALUES "
               "('Microsoft', 'ann@outlook.example', ?, 1)", (key,))  # fmt: skip
    db.commit()
    data = db.serialize()
    db.close()
    (entry,) = _import("PhoneFactor", data).entries
    params = entry.spec.params
    assert (entry.spec.issuer, entry.spec.name) == ("Microsoft", "ann@outlook.example")
    assert (params.secret, params.digits, params.period) == (secret, 8, 30)
