"""Hostile encrypted exports: absurd key-derivation costs are refused before any work.

Each file is run through the real `desktop-2fa import` in a child process,
which reports its own peak memory (getrusage) and time: one line on stderr of
at most 300 characters naming the parameter, exit status 1, the vault file
unchanged, well under 300 MB. The time bound is generous on purpose (a
shared machine); the refusals happen before any derivation, so they take
milliseconds (issue 9, item 2: 60 Aegis slots at N=2^18 took 44 s before).
"""

from __future__ import annotations

import ast
import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_2fa.importers import kdf
from desktop_2fa.importers.errors import CorruptFile
from desktop_2fa.vault.crypto import KdfParams
from tests.importers.support import FIXTURES, import_measured

ROOT = Path(__file__).resolve().parents[2]
GENEROUS_SECONDS = 30
PASSWORD_KDFS = (".kdf.pbkdf2", ".kdf.scrypt", ".kdf.argon2")  # HKDF-Expand is no password KDF


def _json(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((FIXTURES / name).read_text("utf-8"))


def aegis_sixty_slots() -> bytes:
    doc = _json("aegis_encrypted.json")
    slot = doc["header"]["slots"][0]
    doc["header"]["slots"] = [{**slot, "n": 2**18} for _ in range(60)]
    return json.dumps(doc).encode()


def aegis_huge_n() -> bytes:
    doc = _json("aegis_encrypted.json")
    doc["header"]["slots"][0]["n"] = 2**40
    return json.dumps(doc).encode()


def ente_huge_memory() -> bytes:
    doc = json.loads((FIXTURES / "ente_encrypted.txt").read_text("utf-8"))
    doc["kdfParams"]["memLimit"] = 2**42
    return json.dumps(doc).encode()


def ente_too_much_work() -> bytes:
    doc = json.loads((FIXTURES / "ente_encrypted.txt").read_text("utf-8"))
    doc["kdfParams"].update(memLimit=2**30, opsLimit=2**31 - 1)
    return json.dumps(doc).encode()


def bitwarden_iterations() -> bytes:
    doc = _json("bitwarden_encrypted.json")
    doc["kdfIterations"] = 2**31 - 1
    return json.dumps(doc).encode()


def bitwarden_argon2_memory() -> bytes:
    doc = _json("bitwarden_encrypted_argon2.json")
    doc["kdfMemory"] = 10**9
    return json.dumps(doc).encode()


def freeotp2_iterations() -> bytes:
    from desktop_2fa.importers.java_hashmap import read
    from tests.data.importers.writers_phone import java_hashmap

    entries = read((FIXTURES / "freeotp2_externalBackup.xml").read_bytes())
    master = json.loads(entries["masterKey"])
    master["mIterations"] = 2**31 - 1
    entries["masterKey"] = json.dumps(master)
    return java_hashmap(entries)


def andotp_iterations() -> bytes:
    # andOTP marks nothing: a huge iteration count means "not the current format",
    # so only the old format's one SHA-256 is tried, and the password is wrong.
    data = (FIXTURES / "otp_accounts_2024-05-01.json.aes").read_bytes()
    return (2**31 - 1).to_bytes(4, "big") + data[4:]


HOSTILE: list[tuple[str, Callable[[], bytes], str]] = [
    ("aegis-60-slots.json", aegis_sixty_slots, "password slots = 60"),
    ("aegis-huge-n.json", aegis_huge_n, "scrypt N = 1099511627776"),
    ("ente-huge-memory.txt", ente_huge_memory, "Argon2 memory (KiB) = 4294967296"),
    ("ente-too-much-work.txt", ente_too_much_work, "Argon2 passes = 2147483647"),
    ("bitwarden-iterations.json", bitwarden_iterations, "PBKDF2 iterations = 2147483647"),
    ("bitwarden-argon2.json", bitwarden_argon2_memory, "Argon2 memory (KiB) = 1024000000000"),
    ("freeotp2-iterations.xml", freeotp2_iterations, "PBKDF2 iterations = 2147483647"),
    ("hostile.json.aes", andotp_iterations, "wrong password for this andOTP file"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "make", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_quickly_in_one_line(
    tmp_path: Path, fast_kdf: KdfParams, name: str, make: Callable[[], bytes], says: str
) -> None:
    hostile = tmp_path / name
    hostile.write_bytes(make())
    done = import_measured(tmp_path, fast_kdf, hostile)
    assert says in done.line
    assert done.measured["seconds"] < GENEROUS_SECONDS


def test_every_ceiling_is_refused_before_any_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_work(*_: object) -> bytes:
        raise AssertionError("a key was derived")

    monkeypatch.setattr(kdf, "_derive_unchecked", no_work)
    absurd = [
        kdf.Pbkdf2(kdf.Hash.SHA256, kdf.PBKDF2_MAX_ITERATIONS + 1, b"salt"),
        kdf.Scrypt(n=2**20, r=8, p=1, salt=b"salt"),
        kdf.Scrypt(n=2**15, r=8, p=3, salt=b"salt"),
        kdf.Argon2id(memory_kib=kdf.ARGON2_MAX_MEMORY_KIB * 2, passes=1, lanes=1, salt=b"s" * 16),
        kdf.Argon2id(memory_kib=1024, passes=kdf.ARGON2_MAX_PASSES + 1, lanes=1, salt=b"s" * 16),
        kdf.Argon2id(memory_kib=1024, passes=1, lanes=kdf.ARGON2_MAX_LANES + 1, salt=b"s" * 16),
        kdf.Argon2id(memory_kib=2**20, passes=5, lanes=1, salt=b"s" * 16),
    ]
    for params in absurd:
        with pytest.raises(kdf.KdfRefused) as caught:
            kdf.derive("Test", params, "pw")
        assert len(str(caught.value)) <= 300
    with pytest.raises(kdf.KdfRefused, match="password slots = 5"):
        kdf.check_slots("Test", 5)
    for nonsense in (kdf.Pbkdf2(kdf.Hash.SHA1, 0, b"s"), kdf.Scrypt(n=3, r=8, p=1, salt=b"s")):
        with pytest.raises(CorruptFile):
            kdf.derive("Test", nonsense, "pw")


def test_what_the_apps_write_is_inside_the_ceilings() -> None:
    real = [
        kdf.Argon2id(memory_kib=256 * 1024, passes=16, lanes=1, salt=b"s" * 16),  # Ente now
        kdf.Argon2id(memory_kib=1024 * 1024, passes=4, lanes=1, salt=b"s" * 16),  # Ente before
        kdf.Argon2id(memory_kib=128 * 1024, passes=32, lanes=1, salt=b"s" * 16),  # Ente fallback
        kdf.Argon2id(memory_kib=64 * 1024, passes=3, lanes=4, salt=b"s" * 16),  # Bitwarden
        kdf.Pbkdf2(kdf.Hash.SHA256, 2_000_000, b"s"),  # Bitwarden's maximum
        kdf.Scrypt(n=2**15, r=8, p=1, salt=b"s" * 32),  # Aegis
    ]
    for params in real:
        kdf.check("Test", params)


def test_no_importer_derives_a_key_outside_kdf() -> None:
    package = ROOT / "desktop_2fa" / "importers"
    offenders = []
    for path in package.glob("*.py"):
        if path.name == "kdf.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(
                n.startswith("cryptography") and any(k in n for k in PASSWORD_KDFS) for n in names
            ):
                offenders.append(path.name)
            if any(n in ("hashlib.pbkdf2_hmac", "hashlib.scrypt") for n in names):
                offenders.append(path.name)
    assert offenders == []
    assert "pbkdf2_hmac" not in "".join(p.read_text("utf-8") for p in package.glob("*.py"))


def test_a_wrong_base64_salt_is_one_line() -> None:
    doc = json.loads((FIXTURES / "ente_encrypted.txt").read_text("utf-8"))
    doc["kdfParams"]["salt"] = base64.b64encode(b"").decode() + "!!"
    from desktop_2fa.importers.ente import EnteImporter

    with pytest.raises(CorruptFile, match="the salt is not valid base64"):
        EnteImporter().read(json.dumps(doc).encode())
