"""Hostile files that stay under the 32 MB file limit but ask for far more memory or time.

Each is run through the real `desktop-2fa import` in a child process
(`support.import_measured`): one line on stderr, exit status 1, the vault
unchanged, under 300 MB. A 28 MB JSON list of empty lists made the parser
alone take 2 GB and 30 s; a Bitwarden CSV of empty rows, an otpauth list of
bare "otpauth" lines and a preferences file of empty elements grew the same
way (every row, line or element became an object, then an entry error); an
Authy file ran one key derivation per token, 0.5 ms each, for as many tokens
as the file held.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.importers import kdf
from desktop_2fa.importers.errors import ImportFailed, WrongPassword
from desktop_2fa.importers.session import MAX_FILE_BYTES, SourceFile, import_files
from desktop_2fa.vault.crypto import KdfParams
from tests.data.importers.writers_phone import prefs
from tests.importers.support import import_measured

SIZE = 28 * 2**20  # under the file limit, as large as an attacker may make it
assert SIZE < MAX_FILE_BYTES


def repeated(head: bytes, item: bytes, tail: bytes, separator: bytes = b"") -> bytes:
    count = (SIZE - len(head) - len(tail)) // (len(item) + len(separator))
    return head + separator.join([item] * count) + tail


@functools.cache  # the same file for each JSON format
def json_lists() -> bytes:
    return repeated(b"[", b"[]", b"]", b",")


def json_objects_in_an_export() -> bytes:
    return repeated(b'{"version": 1, "entries": [', b"{}", b"]}", b",")


def bitwarden_csv() -> bytes:
    header = b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,"
    return repeated(header + b"login_password,login_totp\n", b",,,,,,,,,,x\n", b"")


def otpauth_lines() -> bytes:
    return repeated(b"", b"otpauth\n", b"")


def preferences_elements() -> bytes:
    return repeated(b"<?xml version='1.0' encoding='utf-8'?>\n<map>", b"<a/>", b"</map>")


def authy_tokens() -> bytes:
    # Each token needs its own PBKDF2 run (its own salt).
    tokens = [{"encryptedSecret": "AAAAAAAAAAAAAAAAAAAAAA==", "salt": f"s{i}", "name": "x"}
              for i in range(200_000)]  # fmt: skip
    return prefs({"com.authy.storage.tokens.authenticator.key": json.dumps(tokens)}).encode()


def zip_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(350_000):
            archive.writestr(zipfile.ZipInfo(str(i)), b"")
    return out.getvalue()


def billion_laughs_utf16() -> bytes:
    """Entities declared in a UTF-16 file, where the bytes "<!DOCTYPE" do not appear."""
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE map [\n'
    text += '<!ENTITY a "' + "a" * 50 + '">\n'
    for i in range(1, 10):
        text += f'<!ENTITY e{i} "' + f"&{'a' if i == 1 else f'e{i - 1}'};" * 10 + '">\n'
    text += ']>\n<map><string name="tokenOrder">[]</string><string name="x">&e9;</string></map>\n'
    return text.encode("utf-16")


HOSTILE: list[tuple[str, str, Callable[[], bytes]]] = [
    *[(f"lists-{f}.json", f, json_lists) for f in (
        "aegis", "2fas", "andotp", "bitwarden", "freeotp-plus", "ente", "proton-authenticator",
        "proton-pass", "authenticator-pro", "steam", "duo")],
    ("objects.json", "", json_objects_in_an_export),
    ("rows.csv", "bitwarden", bitwarden_csv),
    ("lines.txt", "otpauth", otpauth_lines),
    *[(f"elements-{f}.xml", f, preferences_elements) for f in (
        "freeotp", "authy", "battlenet", "totp-authenticator")],
    ("tokens.xml", "authy", authy_tokens),
    ("members.zip", "proton-pass", zip_members),
    ("laughs.xml", "freeotp", billion_laughs_utf16),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("name", "format_name", "make"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_in_one_line_within_bounds(
    tmp_path: Path, fast_kdf: KdfParams, name: str, format_name: str, make: Callable[[], bytes]
) -> None:
    hostile = tmp_path / name
    hostile.write_bytes(make())
    args = ("--format", format_name) if format_name else ()
    import_measured(tmp_path, fast_kdf, hostile, *args)


def test_an_authy_file_with_more_sealed_tokens_than_anyone_has_derives_no_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_work(*_: object) -> bytes:
        raise AssertionError("a key was derived")

    monkeypatch.setattr(kdf, "_derive_unchecked", no_work)
    tokens = [{"encryptedSecret": "AAAAAAAAAAAAAAAAAAAAAA==", "salt": f"s{i}", "name": "x"}
              for i in range(5_000)]  # fmt: skip
    data = prefs({"com.authy.storage.tokens.authenticator.key": json.dumps(tokens)}).encode()
    with pytest.raises(ImportFailed, match="5000"):
        import_files([SourceFile("authy.xml", data)], password=lambda f, t: "pw")


def test_a_wrong_authy_password_is_known_after_a_few_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    derived: list[object] = []
    real = kdf._derive_unchecked

    def counted(params: kdf.Params, password: bytes) -> bytes:
        derived.append(params)
        return real(params, password)

    monkeypatch.setattr(kdf, "_derive_unchecked", counted)
    tokens = [{"encryptedSecret": "AAAAAAAAAAAAAAAAAAAAAA==", "salt": f"s{i}", "name": "x"}
              for i in range(500)]  # fmt: skip
    data = prefs({"com.authy.storage.tokens.authenticator.key": json.dumps(tokens)}).encode()
    with pytest.raises(WrongPassword):
        import_files([SourceFile("authy.xml", data)], password=lambda f, t: "not it")
    assert len(derived) <= 3


@pytest.mark.parametrize("field", ["Issuer", "Username"])
def test_a_name_longer_than_any_account_has_refuses_that_entry(field: str) -> None:
    """A 2 MB issuer was imported whole: the vault, each of its kept versions and
    every save carried it. Names come in through URIs of at most 8 KB anyway."""
    from tests.importers.support import FIXTURES

    doc = json.loads((FIXTURES / "authenticator_pro.json").read_text("utf-8"))
    doc["Authenticators"][0][field] = "A" * 2_000_000
    result = import_files([SourceFile("big.json", json.dumps(doc).encode())],
                          password=lambda f, t: "")  # fmt: skip
    assert len(result.entries) == len(doc["Authenticators"]) - 2  # it, and Yandex
    assert any("characters" in e.reason for e in result.errors)
    assert all(len(str(e)) < 300 for e in result.errors)


def test_a_note_longer_than_any_note_refuses_that_entry() -> None:
    from tests.importers.support import FIXTURES

    doc = json.loads((FIXTURES / "aegis_plain.json").read_text("utf-8"))
    doc["db"]["entries"][0]["note"] = "n" * 2_000_000
    result = import_files([SourceFile("big.json", json.dumps(doc).encode())],
                          password=lambda f, t: "")  # fmt: skip
    assert [e.label for e in result.errors][:1] == ["entry 1 (Example: alice@example.com)"]
    assert "characters" in result.errors[0].reason
