"""Proton Authenticator exports (plain and password-protected) and Proton Pass exports.

Proton Authenticator, from proton-pass-common (proton-authenticator/src/entry/
exporter.rs, password_exporter.rs, crypto.rs):

* Plain: `{"version": 1, "entries": [{"id", "content": {"uri", "entry_type":
  "Totp"|"Steam", "name"}, "note"}]}`; a TOTP `uri` is otpauth://, a Steam
  one `steam://SECRET` with the secret in standard base64 (steam/mod.rs,
  SteamTotp::uri; Bitwarden's steam:// holds base32) and the account in `name`.
* Password-protected: `{"version": 1, "salt", "content"}`, salt 16 bytes;
  the key is Argon2id v1.3 (19 MiB, 2 passes, 1 lane, 32 bytes), fixed in
  the app's code, not in the file; `content` is nonce (12 bytes) then
  AES-256-GCM ciphertext and tag, with associated data
  "proton.authenticator.export.v1".

Proton Pass: a .zip holding "Proton Pass/data.json" (or that JSON alone):
`{"encrypted": false, "vaults": {id: {"name", "items": [{"data": {"type":
"login", "metadata": {"name", "note"}, "content": {"itemEmail",
"itemUsername", "totpUri"}, "extraFields": [{"type": "totp", "data":
{"totpUri"}}]}, "pinned", "state"}]}}}`. Each vault's name becomes the group.
Items in the trash (`state` 2) are reported, not imported. The
PGP-encrypted export ("data.pgp") needs OpenPGP, which desktop-2fa does not
carry: it is refused with advice.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import ClassVar

from desktop_2fa.importers import ciphers, kdf
from desktop_2fa.importers.base import (
    EncryptedState,
    EntryError,
    ImportedAccount,
    ImportResult,
    ImportState,
)
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile, WrongPassword
from desktop_2fa.importers.fields import (
    STEAM_URI_PREFIX,
    EntryProblem,
    JsonObject,
    as_object,
    convert_entries,
    entry_label,
    file_base64,
    flag,
    load_json,
    require_list,
    require_object,
    require_version,
    sniff_json,
    spec_from_uri,
    steam_uri_spec,
    sub_object,
    text,
)

TITLE = "Proton Authenticator"
PP_TITLE = "Proton Pass"
EXPORT_VERSION = 1
EXPORT_AAD = b"proton.authenticator.export.v1"
SALT_BYTES = 16
NONCE_BYTES = 12
# Fixed by the app (password_exporter.rs derive_password_key), not read from the file.
EXPORT_ARGON2 = {"memory_kib": 19 * 1024, "passes": 2, "lanes": 1}
PP_DATA_JSON = "Proton Pass/data.json"
PP_DATA_PGP = "Proton Pass/data.pgp"
MAX_ZIP_MEMBERS = 10_000
TRASHED = 2  # an item's `state`: 1 active, 2 in the trash (Proton's ItemState)
MAX_JSON_BYTES = 32 * 2**20


# --- Proton Authenticator ---------------------------------------------------------------


def _entry(raw: object) -> ImportedAccount:
    entry = as_object(raw)
    content = sub_object(entry, "content")
    uri, kind, name = (
        text(content, "uri"),
        text(content, "entry_type", "Totp"),
        text(content, "name"),
    )
    if kind == "Steam" or uri.lower().startswith(STEAM_URI_PREFIX):
        spec = steam_uri_spec(uri, "Steam", name, base64_secret=True)
    elif kind == "Totp":
        spec = spec_from_uri(uri, "", name)
    else:
        raise EntryProblem(f"unknown entry type {kind[:20]!r}")
    return ImportedAccount(spec, note=text(entry, "note"))


def _label(number: int, raw: object) -> str:
    content = raw.get("content") if isinstance(raw, dict) else None
    return entry_label(number, None, content.get("name") if isinstance(content, dict) else None)


@dataclass(frozen=True, slots=True)
class ProtonPlain(ImportState):
    entries: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.entries, _entry, _label)


def _plain(doc: JsonObject) -> ProtonPlain:
    return ProtonPlain(tuple(require_list(doc.get("entries"), TITLE, "'entries'")))


@dataclass(frozen=True, slots=True)
class ProtonEncrypted(EncryptedState):
    title: ClassVar[str] = TITLE
    salt: bytes
    content: bytes

    def decrypt(self, password: str) -> ImportState:
        key = kdf.derive(TITLE, kdf.Argon2id(salt=self.salt, **EXPORT_ARGON2), password)
        nonce, sealed = self.content[:NONCE_BYTES], self.content[NONCE_BYTES:]
        plain = ciphers.aes_gcm_open(key, nonce, sealed, EXPORT_AAD)
        if plain is None:  # GCM cannot tell a wrong key from damage; the key is likelier
            raise WrongPassword(TITLE)
        return _plain(require_object(load_json(plain, TITLE), TITLE, "the decrypted contents"))


class ProtonAuthenticatorImporter:
    name = "proton-authenticator"
    title = TITLE
    description = "Proton Authenticator export (.json, plain or password-protected)"
    where = "Settings → Export (with or without a password)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        if not isinstance(doc, dict) or "version" not in doc:
            return False
        if "salt" in doc and "content" in doc:
            return True
        entries = doc.get("entries")
        return isinstance(entries, list) and any(
            isinstance(e, dict) and isinstance(e.get("content"), dict) and "uri" in e["content"]
            for e in entries[:20]
        )

    def read(self, data: bytes) -> ImportState:
        doc = require_object(load_json(data, TITLE), TITLE)
        require_version(doc, TITLE, EXPORT_VERSION)
        if "entries" not in doc and "salt" in doc:
            salt = file_base64(doc.get("salt"), TITLE, "the salt")
            if len(salt) != SALT_BYTES:
                raise CorruptFile(TITLE, "the salt does not have 16 bytes")
            content = file_base64(doc.get("content"), TITLE, "the content")
            if len(content) < NONCE_BYTES + 16:
                raise CorruptFile(TITLE, "the encrypted content is too short")
            return ProtonEncrypted(salt, content)
        return _plain(doc)


# --- Proton Pass ---------------------------------------------------------------------


def _zip_member(data: bytes) -> bytes:
    """data.json from a Proton Pass zip, read with a bound (no zip bomb gets expanded)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise CorruptFile(PP_TITLE, "it is not a readable zip file") from e
    if len(infos) > MAX_ZIP_MEMBERS:
        raise CorruptFile(PP_TITLE, "the zip file holds too many files")
    names = {i.filename: i for i in infos}
    if PP_DATA_PGP in names and PP_DATA_JSON not in names:
        raise UnsupportedFile(
            "this Proton Pass export is PGP-encrypted, which desktop-2fa cannot open; export "
            "again without encryption (Settings → Export, unencrypted .zip or .json)"
        )
    info = names.get(PP_DATA_JSON)
    if info is None:
        raise CorruptFile(PP_TITLE, f"the zip file has no {PP_DATA_JSON}")
    if info.file_size > MAX_JSON_BYTES:
        raise CorruptFile(PP_TITLE, "data.json is too large")
    try:
        with archive.open(info) as member:
            content = member.read(MAX_JSON_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as e:
        raise CorruptFile(PP_TITLE, "data.json in the zip file is damaged") from e
    except (NotImplementedError, RuntimeError) as e:  # another compression, or a zip password
        raise UnsupportedFile("data.json in this Proton Pass zip cannot be read") from e
    if len(content) > MAX_JSON_BYTES:
        raise CorruptFile(PP_TITLE, "data.json is too large")
    return content


def _totp_uris(data: JsonObject) -> list[str]:
    uris = [text(sub_object(data, "content"), "totpUri")]
    extra = data.get("extraFields")
    for field in extra if isinstance(extra, list) else []:
        if isinstance(field, dict) and field.get("type") == "totp":
            inner = field.get("data")
            if isinstance(inner, dict) and isinstance(inner.get("totpUri"), str):
                uris.append(inner["totpUri"])
    return [u for u in uris if u.strip()]


@dataclass(frozen=True, slots=True)
class PassItem:
    vault: str
    raw: JsonObject
    uri: str


def _pass_item(item: PassItem) -> ImportedAccount:
    if item.raw.get("state") == TRASHED:
        raise EntryProblem(
            "it is in Proton Pass's trash (restore it in Proton Pass to bring it along)"
        )
    data = sub_object(item.raw, "data")
    metadata, content = sub_object(data, "metadata"), sub_object(data, "content")
    site = text(metadata, "name")
    # Exports before 1.18.0 name the account `username`, later ones `itemEmail`
    # and `itemUsername` (Proton's reader migrates it, protonpass.json.reader.ts).
    user = text(content, "itemEmail") or text(content, "itemUsername") or text(content, "username")
    if item.uri.lower().startswith(STEAM_URI_PREFIX):
        spec = steam_uri_spec(item.uri, site, user, base64_secret=True)
    else:
        spec = spec_from_uri(item.uri, site, user)
    return ImportedAccount(
        spec, note=text(metadata, "note"), group=item.vault, favourite=flag(item.raw, "pinned")
    )


def _pass_label(number: int, item: PassItem) -> str:
    data = item.raw.get("data")
    metadata = data.get("metadata") if isinstance(data, dict) else None
    return entry_label(number, metadata.get("name") if isinstance(metadata, dict) else None)


@dataclass(frozen=True, slots=True)
class ProtonPassPlain(ImportState):
    items: tuple[PassItem, ...]
    errors: tuple[EntryError, ...]

    def convert(self) -> ImportResult:
        result = convert_entries(self.items, _pass_item, _pass_label)
        return ImportResult(result.entries, self.errors + result.errors)


def _pass_items(doc: JsonObject) -> ProtonPassPlain:
    if doc.get("encrypted") is True:
        raise UnsupportedFile(
            "this Proton Pass export is PGP-encrypted, which desktop-2fa cannot open; export "
            "again without encryption"
        )
    vaults = require_object(doc.get("vaults"), PP_TITLE, "'vaults'")
    items: list[PassItem] = []
    errors: list[EntryError] = []
    for vault in vaults.values():
        if not isinstance(vault, dict) or not isinstance(vault.get("items"), list):
            errors.append(EntryError("a vault", "it is not a vault with items"))
            continue
        name = vault.get("name") if isinstance(vault.get("name"), str) else ""
        for raw in vault["items"]:
            data = raw.get("data") if isinstance(raw, dict) else None
            if not isinstance(data, dict) or data.get("type") != "login":
                continue  # notes, cards, aliases: not authenticator accounts
            try:
                uris = _totp_uris(data)
            except EntryProblem as e:
                errors.append(EntryError(f"an item of vault {name!r}", str(e)))
                continue
            items.extend(PassItem(str(name), raw, uri) for uri in uris)
    return ProtonPassPlain(tuple(items), tuple(errors))


class ProtonPassImporter:
    name = "proton-pass"
    title = PP_TITLE
    description = "Proton Pass export (.zip or data.json, unencrypted): logins with a TOTP"
    where = "Settings → Export → Proton Pass (.zip), without PGP encryption"

    def sniff(self, data: bytes, filename: str) -> bool:
        if data.startswith(b"PK\x03\x04"):
            return PP_DATA_JSON.encode() in data[:65536] or PP_DATA_PGP.encode() in data[:65536]
        doc = sniff_json(data)
        return isinstance(doc, dict) and isinstance(doc.get("vaults"), dict)

    def read(self, data: bytes) -> ImportState:
        if data.startswith(b"PK"):
            data = _zip_member(data)
        return _pass_items(require_object(load_json(data, PP_TITLE), PP_TITLE))
