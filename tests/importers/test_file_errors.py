"""Corrupt, truncated, wrong-password and wrong-format files: one precise error each."""

from __future__ import annotations

import json
import re

import pytest

from desktop_2fa.importers import errors, registry
from desktop_2fa.importers.base import ImportResult
from desktop_2fa.importers.session import SourceFile, import_files
from tests.data.canonical import FIXTURE_PASSWORD
from tests.importers.support import FIXTURES

JSON_FIXTURES = [
    ("aegis_plain.json", "Aegis"),
    ("aegis_encrypted.json", "Aegis"),
    ("2fas_plain.2fas", "2FAS"),
    ("2fas_encrypted.2fas", "2FAS"),
    ("andotp.json", "andOTP"),
    ("bitwarden.json", "Bitwarden"),
    ("freeotp_plus.json", "FreeOTP+"),
    ("ente_encrypted.txt", "Ente Auth"),
    ("proton_authenticator.json", "Proton Authenticator"),
    ("proton_authenticator_encrypted.json", "Proton Authenticator"),
    ("authenticator_pro.json", "Authenticator Pro"),
    ("bitwarden_encrypted.json", "Bitwarden"),
    ("steam_new.maFile", "Steam"),
    ("duo_accounts.json", "Duo Mobile"),
]


def _import(name: str, data: bytes, format_name: str | None = None) -> None:
    import_files(
        [SourceFile(name, data)], format_name=format_name, password=lambda f, t: FIXTURE_PASSWORD
    )


@pytest.mark.parametrize(("name", "title"), JSON_FIXTURES)
def test_a_truncated_export_says_it_was_cut_off(name: str, title: str) -> None:
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(errors.TruncatedFile) as caught:
        _import(name, data[: len(data) * 2 // 3])
    assert str(caught.value) == (
        f"{name}: the {title} file ends too early; it was probably cut off while copying"
    )


@pytest.mark.parametrize(("name", "title"), JSON_FIXTURES)
def test_a_corrupt_export_says_where(name: str, title: str) -> None:
    text = (FIXTURES / name).read_text("utf-8")
    at = text.find(",", len(text) // 2)  # between two values: a structural break
    at = at if at > 0 else len(text) // 2
    broken = (text[:at] + "}}}{{{" + text[at:]).encode()
    expected = rf"^{re.escape(name)}: not a readable {re.escape(title)} file \("
    with pytest.raises(errors.CorruptFile, match=expected):
        _import(name, broken, registry.guess_format(text.encode(), name).name)


def test_a_damaged_aegis_ciphertext_is_not_called_a_wrong_password() -> None:
    doc = json.loads((FIXTURES / "aegis_encrypted.json").read_text())
    db = doc["db"]
    doc["db"] = ("A" if db[40] != "A" else "B").join((db[:40], db[41:]))
    with pytest.raises(errors.CorruptFile, match="the password is right but the contents"):
        _import("x.json", json.dumps(doc).encode())


def test_damaged_2fas_services_are_not_called_a_wrong_password() -> None:
    doc = json.loads((FIXTURES / "2fas_encrypted.2fas").read_text())
    data, salt, iv = doc["servicesEncrypted"].split(":")
    doc["servicesEncrypted"] = ":".join((data[:20] + ("A" if data[20] != "A" else "B") + data[21:],
                                         salt, iv))  # fmt: skip
    with pytest.raises(errors.CorruptFile, match="the password is right but the services"):
        _import("x.2fas", json.dumps(doc).encode())


@pytest.mark.parametrize("name", ["aegis_encrypted.json", "2fas_encrypted.2fas"])
def test_a_wrong_password_is_named_as_such(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(errors.WrongPassword) as caught:
        import_files([SourceFile(name, data)], password=lambda f, t: "wrong")
    assert str(caught.value).startswith(f"{name}: wrong password for this ")


def test_a_wrong_password_is_asked_again_up_to_the_attempts() -> None:
    asked: list[str] = []

    def password(file: str, title: str) -> str:
        asked.append(f"{file}/{title}")
        return "typo" if len(asked) < 3 else FIXTURE_PASSWORD

    data = (FIXTURES / "2fas_encrypted.2fas").read_bytes()
    result = import_files([SourceFile("b.2fas", data)], password=password, attempts=3)
    assert asked == ["b.2fas/2FAS"] * 3
    assert len(result.entries) == 9


@pytest.mark.parametrize(
    ("name", "forced", "looks_like"),
    [
        ("2fas_plain.2fas", "aegis", "2FAS"),
        ("aegis_plain.json", "bitwarden", "Aegis"),
        ("andotp.json", "freeotp-plus", "andOTP"),
        ("otpauth_list.txt", "aegis", "otpauth:// list"),
        ("google_migration.png", "2fas", "QR code image"),
    ],
)
def test_a_wrong_format_choice_names_the_real_one(name: str, forced: str, looks_like: str) -> None:
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(errors.WrongFormat) as caught:
        _import(name, data, forced)
    assert f"it looks like {looks_like}" in str(caught.value)
    assert str(caught.value).startswith(f"{name}: this file is not in ")


def test_an_unknown_file_lists_what_can_be_imported() -> None:
    with pytest.raises(errors.UnknownFormat, match="it reads Aegis, 2FAS, andOTP"):
        _import("notes.bin", b"\x00\x01 just some bytes")


def test_an_account_restricted_bitwarden_export_is_refused_with_advice() -> None:
    doc = {"encrypted": True, "encKeyValidation_DO_NOT_EDIT": "2.abc|def|ghi", "data": "2.x|y|z"}
    with pytest.raises(errors.UnsupportedFile, match="export again as 'Password protected'"):
        _import("bitwarden_export.json", json.dumps(doc).encode())


def test_an_aegis_file_from_the_future_is_refused() -> None:
    doc = json.loads((FIXTURES / "aegis_plain.json").read_text())
    doc["db"]["version"] = 99
    with pytest.raises(errors.UnsupportedFile, match="contents version 99"):
        _import("a.json", json.dumps(doc).encode())


def test_absurd_scrypt_parameters_are_refused_before_deriving() -> None:
    doc = json.loads((FIXTURES / "aegis_encrypted.json").read_text())
    doc["header"]["slots"][0]["n"] = 2**30
    with pytest.raises(errors.UnsupportedFile, match="asks for scrypt N = 1073741824"):
        _import("a.json", json.dumps(doc).encode())


def test_an_image_without_a_qr_code_says_so() -> None:
    import cv2
    import numpy as np

    ok, png = cv2.imencode(".png", np.full((200, 300), 255, np.uint8))
    assert ok
    with pytest.raises(errors.NoQrCode) as caught:
        _import("blank.png", png.tobytes())
    assert str(caught.value) == "blank.png: no QR code found in the image"


def test_a_truncated_image_is_a_corrupt_file() -> None:
    data = (FIXTURES / "google_migration.png").read_bytes()
    with pytest.raises((errors.CorruptFile, errors.NoQrCode)):
        _import("cut.png", data[:200])


def test_a_cut_off_file_with_a_plain_name_is_still_recognised() -> None:
    data = (FIXTURES / "aegis_plain.json").read_bytes()
    with pytest.raises(errors.TruncatedFile, match="the Aegis file ends too early"):
        _import("backup.json", data[:500])


ENCRYPTED = ["proton_authenticator_encrypted.json", "authenticator_pro_encrypted.authpro",
             "authenticator_pro_legacy.authpro", "otp_accounts_2024-05-01.json.aes",
             "otp_accounts_old.json.aes", "freeotp2_externalBackup.xml", "bitwarden_encrypted.json",
             "bitwarden_encrypted_argon2.json", "authy_tokens_encrypted.xml"]  # fmt: skip


@pytest.mark.parametrize("name", ENCRYPTED)
def test_a_wrong_password_is_one_line_for_every_new_encrypted_format(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(errors.WrongPassword) as caught:
        import_files([SourceFile(name, data)], password=lambda f, t: "not it")
    assert str(caught.value).startswith(f"{name}: wrong password for this ")
    assert "\n" not in str(caught.value)


CUT = sorted(p.name for p in FIXTURES.iterdir() if p.suffix != ".py" and not p.name.startswith(
    ("google_", "ente_enc")))  # fmt: skip


@pytest.mark.parametrize("name", CUT)
def test_a_cut_off_file_is_one_clear_error(name: str) -> None:
    """A file format refuses the whole file in one line. A line-based one (text, CSV)
    cannot know it was cut: the lines before the cut import, a cut line is an entry
    error or, cut between two fields, reads as shorter (nothing marks a line's end)."""
    data = (FIXTURES / name).read_bytes()
    try:
        result = import_files(
            [SourceFile(name, data[: len(data) // 3])], password=lambda f, t: FIXTURE_PASSWORD
        )
    except errors.ImportFailed as e:
        assert "\n" not in str(e) and len(str(e)) <= 300
        return
    assert name.endswith((".txt", ".csv"))
    assert all("\n" not in str(e) for e in result.errors)


def test_a_damaged_bitwarden_payload_is_not_called_a_wrong_password() -> None:
    doc = json.loads((FIXTURES / "bitwarden_encrypted_argon2.json").read_text())
    kind, rest = doc["data"].split(".", 1)
    iv, ct, mac = rest.split("|")
    doc["data"] = f"{kind}.{iv}|{ct[:10]}{'A' if ct[10] != 'A' else 'B'}{ct[11:]}|{mac}"
    with pytest.raises(errors.CorruptFile, match="the password is right but the contents"):
        _import("b.json", json.dumps(doc).encode())


def test_a_pgp_encrypted_proton_pass_export_is_refused_with_advice() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Proton Pass/data.pgp", b"-----BEGIN PGP MESSAGE-----")
    with pytest.raises(errors.UnsupportedFile, match=r"PGP-encrypted.*export again"):
        _import("Proton Pass_export.zip", out.getvalue())


def test_a_zip_bomb_is_not_expanded() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Proton Pass/data.json", b" " * (40 * 2**20))
    with pytest.raises(errors.CorruptFile, match=r"data\.json is too large"):
        _import("pass.zip", out.getvalue())


def test_an_encrypted_steam_mafile_is_refused_with_advice() -> None:
    with pytest.raises(errors.UnsupportedFile, match="Remove Encryption"):
        _import("76561198000000001.maFile", b"c2VjcmV0IHN0dWZm", "steam")


def test_a_database_view_that_never_ends_is_stopped() -> None:
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/db"
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE android_metadata (locale TEXT)")
        db.execute("CREATE TABLE authenticatorcategory (x)")
        db.execute("CREATE VIEW authenticator AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
                   "SELECT n + 1 FROM r) SELECT n AS secret FROM r")  # fmt: skip
        db.commit()
        db.close()
        data = open(path, "rb").read()  # noqa: SIM115
    with pytest.raises(errors.CorruptFile, match="no 'authenticator' table"):
        _import("authenticator.db3", data)


def test_a_huge_secret_is_an_entry_error_that_does_not_echo_it() -> None:
    doc = json.loads((FIXTURES / "proton_authenticator.json").read_text())
    doc["entries"][0]["content"]["uri"] = "otpauth://totp/A:b?secret=" + "A1" * 2_000_000
    result = import_files(
        [SourceFile("p.json", json.dumps(doc).encode())], password=lambda f, t: ""
    )
    assert len(result.entries) == len(doc["entries"]) - 1
    (error,) = result.errors
    assert len(str(error)) < 300


def _google_db_changed_by(*statements: str) -> ImportResult:
    """Google Authenticator's database from the fixtures, after `statements`, imported."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.deserialize((FIXTURES / "google_authenticator.db").read_bytes())
    for statement in statements:
        db.execute(statement)
    db.commit()
    data = db.serialize()
    db.close()
    return import_files(
        [SourceFile("databases", data)], format_name="google-authenticator-db",
        password=lambda f, t: "",
    )  # fmt: skip


def test_a_database_text_that_is_not_utf8_is_read_not_a_traceback() -> None:
    """Found by the fuzz test: a TEXT column holding bytes that are not UTF-8."""
    result = _google_db_changed_by(
        "UPDATE accounts SET issuer = CAST(X'80FF' AS TEXT) WHERE rowid = 1"
    )
    assert len(result.entries) + len(result.errors) >= 2
    assert all("\x80" not in str(e) for e in result.errors)


@pytest.mark.parametrize("encoding", ["Atf-8", "x-no-such-encoding"])
def test_a_preferences_file_declaring_an_odd_encoding_is_a_corrupt_file(encoding: str) -> None:
    """Found by the fuzz test: an XML encoding Python does not know was a traceback."""
    data = (FIXTURES / "authy_tokens_encrypted.xml").read_bytes()
    odd = data.replace(b"encoding='utf-8'", f"encoding='{encoding}'".encode(), 1)
    assert odd != data
    with pytest.raises(errors.CorruptFile, match="encoding"):
        _import("authy.xml", odd)


@pytest.mark.parametrize(
    ("name", "fixture", "title"),
    [
        ("greenteam.2fas", "2fas_plain.2fas", "2FAS"),  # "ente" is inside "greenteam"
        ("payments-proton.json.aes", "otp_accounts_2024-05-01.json.aes", "andOTP"),
    ],
)
def test_a_damaged_file_is_named_by_its_extension_before_words_in_its_name(
    name: str, fixture: str, title: str
) -> None:
    data = (FIXTURES / fixture).read_bytes()
    with pytest.raises(errors.ImportFailed) as caught:
        _import(name, data[: len(data) // 2] if title == "2FAS" else data[:20])
    assert f"{title} file" in str(caught.value)


def test_a_database_number_of_thousands_of_digits_is_one_entry_error() -> None:
    """int() refuses more than 4,300 digits with a ValueError that ended the import."""
    texts = ", ".join(
        f"{c} TEXT" for c in ("email", "secret", "counter", "type", "provider", "issuer")
    )
    result = _google_db_changed_by(
        # The file names its own column types: TEXT keeps the digits as they are.
        "ALTER TABLE accounts RENAME TO original",
        f"CREATE TABLE accounts (_id INTEGER PRIMARY KEY, {texts}, original_name TEXT)",
        "INSERT INTO accounts SELECT * FROM original",
        "DROP TABLE original",
        f"UPDATE accounts SET type = '{'7' * 5000}' WHERE rowid = 1",
    )
    assert len(result.errors) == 1
    assert len(str(result.errors[0])) < 300
    assert result.entries
