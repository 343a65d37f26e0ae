"""Ente Auth exports: the plain text file and the encrypted JSON.

Format, from Ente's docs (docs/auth/migration/export.md) and its app
(lib/models/code.dart, ui/settings/data/export_widget.dart):

* Plain: one otpauth:// URI per line (`Code.rawData`). Ente adds a
  `codeDisplay` parameter, URL-encoded JSON of what the app shows: `pinned`,
  `trashed`, `tags`, `note`, `position`... Steam codes are otpauth://steam/.
* Encrypted: `{"version": 1, "kdfParams": {"memLimit", "opsLimit", "salt"},
  "encryptedData", "encryptionNonce"}`: libsodium crypto_pwhash (Argon2id
  v1.3, one lane, memLimit bytes, opsLimit passes) gives the key, and the
  plain text above is one final chunk of crypto_secretstream_xchacha20poly1305
  whose header is `encryptionNonce`. The app's default (deriveSensitiveKey)
  is 256 MiB and 16 passes; older versions on big phones wrote 1 GiB and 4.

Pinned codes become favourites, the first tag the group, the note the note.
Codes in Ente's trash are reported, not imported: the user deleted them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

from desktop_2fa.importers import ciphers, fields, kdf
from desktop_2fa.importers.base import EncryptedState, ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, WrongPassword
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    convert_entries,
    file_base64,
    file_number,
    load_json,
    require_object,
    require_version,
    sniff_json,
    spec_from_uri,
)

TITLE = "Ente Auth"
EXPORT_VERSION = 1


def _display(uri: str) -> JsonObject:
    """Ente's `codeDisplay` JSON, or an empty object when absent or unreadable."""
    try:
        query = dict(parse_qsl(urlsplit(uri).query, keep_blank_values=True))
        raw = query.get("codeDisplay")
        value = fields.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _line(uri: str) -> ImportedAccount:
    spec = spec_from_uri(uri)
    shown = _display(uri)
    if shown.get("trashed") is True:
        raise EntryProblem("it is in Ente's trash (restore it in Ente to bring it along)")
    tags = shown.get("tags")
    group = (
        next((t for t in tags if isinstance(t, str) and t), "") if isinstance(tags, list) else ""
    )
    note = shown.get("note")
    return ImportedAccount(
        spec,
        note=note if isinstance(note, str) else "",
        group=group,
        favourite=shown.get("pinned") is True,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True, slots=True)
class EntePlain(ImportState):
    lines: tuple[str, ...]

    def convert(self) -> ImportResult:
        # Labels name the line only: a URI holds the secret.
        return convert_entries(self.lines, _line, lambda n, _: f"line {n}")


@dataclass(frozen=True, slots=True)
class EnteEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    params: kdf.Argon2id
    header: bytes
    sealed: bytes

    def decrypt(self, password: str) -> ImportState:
        key = kdf.derive(TITLE, self.params, password)
        plain = ciphers.secretstream_open_final(key, self.header, self.sealed)
        if plain is None:  # the stream's MAC covers everything: no way to tell damage apart
            raise WrongPassword(TITLE)
        try:
            return EntePlain(_lines(plain.decode("utf-8")))
        except UnicodeDecodeError:
            raise CorruptFile(TITLE, "the decrypted contents are not text") from None


def _read_encrypted(doc: JsonObject) -> EnteEncrypted:
    require_version(doc, TITLE, EXPORT_VERSION)
    params = require_object(doc.get("kdfParams"), TITLE, "kdfParams")
    mem_limit = file_number(params, "memLimit", TITLE, "kdfParams.memLimit")
    ops_limit = file_number(params, "opsLimit", TITLE, "kdfParams.opsLimit")
    argon = kdf.Argon2id(
        memory_kib=mem_limit // 1024,  # libsodium's memlimit is in bytes
        passes=ops_limit,
        lanes=1,
        salt=file_base64(params.get("salt"), TITLE, "the salt"),
    )
    kdf.check(TITLE, argon)  # refuse absurd costs when the file is read, not later
    header = file_base64(doc.get("encryptionNonce"), TITLE, "encryptionNonce")
    if len(header) != ciphers.SECRETSTREAM_HEADER_BYTES:
        raise CorruptFile(TITLE, "encryptionNonce does not have 24 bytes")
    sealed = file_base64(doc.get("encryptedData"), TITLE, "encryptedData")
    return EnteEncrypted(argon, header, sealed)


def _is_encrypted_doc(doc: object) -> bool:
    return isinstance(doc, dict) and "kdfParams" in doc and "encryptedData" in doc


class EnteImporter:
    name = "ente"
    title = TITLE
    description = "Ente Auth export (plain text with Ente's extras, or encrypted .json)"
    where = (
        "Settings → Data → Export codes; choose 'Ente Encrypted export' "
        "(a .txt holding JSON) or 'Plain text'"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        if _is_encrypted_doc(sniff_json(data)):
            return True
        head = data[:65536]
        return head.lstrip().lower().startswith(b"otpauth://") and b"codeDisplay=" in head

    def read(self, data: bytes) -> ImportState:
        stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"{"):
            doc = require_object(load_json(data, TITLE), TITLE)
            if not _is_encrypted_doc(doc):
                raise CorruptFile(TITLE, "it has no kdfParams and encryptedData")
            return _read_encrypted(doc)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CorruptFile(TITLE, "it is not text") from None
        lines = _lines(text)
        if not any(line.lower().startswith("otpauth://") for line in lines):
            raise CorruptFile(TITLE, "no line starts with otpauth://")
        return EntePlain(lines)
