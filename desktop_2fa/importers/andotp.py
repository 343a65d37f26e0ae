"""andOTP plain JSON backups (`otp_accounts.json`).

Format, from andOTP's Database/Entry.java: a JSON list of entries with
`secret` (base32, padded with '=' by commons-codec), `issuer`, `label` (the
account name), `digits`, `type` TOTP|HOTP|STEAM, `algorithm`, `period` (TOTP
and Steam), `counter` (HOTP), `tags`, plus display fields we ignore. Old
backups have no `issuer`. Encrypted andOTP backups (`.json.aes`) are not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile
from desktop_2fa.importers.fields import (
    EntryProblem,
    as_object,
    build_spec,
    convert_entries,
    item_label,
    load_json,
    parse_algorithm,
    sniff_json,
    text,
    whole,
)

TITLE = "andOTP"
_KINDS = {"TOTP": OtpKind.TOTP, "HOTP": OtpKind.HOTP, "STEAM": OtpKind.STEAM}


def _entry(raw: object) -> ImportedAccount:
    entry = as_object(raw)
    type_name = text(entry, "type", "TOTP").upper()
    kind = _KINDS.get(type_name)
    if kind is None:
        raise EntryProblem(f"unknown type {type_name!r}")
    tags = entry.get("tags")
    first_tag = (
        next((t for t in tags if isinstance(t, str) and t), "") if isinstance(tags, list) else ""
    )
    spec = build_spec(
        issuer=text(entry, "issuer"),
        name=text(entry, "label"),
        kind=kind,
        secret=text(entry, "secret"),
        algorithm=parse_algorithm(text(entry, "algorithm", "SHA1")),
        digits=whole(entry, "digits", 6),
        period=whole(entry, "period", 30),
        counter=whole(entry, "counter", 0),
    )
    # andOTP tags are many per entry; our vault has one group, so the first tag.
    return ImportedAccount(spec, group=first_tag)


@dataclass(frozen=True, slots=True)
class AndOtpPlain(ImportState):
    entries: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.entries, _entry, lambda n, e: item_label(n, e, "issuer", "label")
        )


class AndOtpImporter:
    name = "andotp"
    title = TITLE
    description = "andOTP plain backup (.json)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        if not isinstance(doc, list):
            return False
        return all(isinstance(e, dict) and "secret" in e and "type" in e for e in doc)

    def read(self, data: bytes) -> ImportState:
        if data[:1] not in (b"[", b"{", b" ", b"\n", b"\r", b"\t", b"\xef"):
            raise UnsupportedFile(
                "this looks like an encrypted andOTP backup; make a plain backup in andOTP "
                "and import that"
            )
        doc = load_json(data, TITLE)
        if not isinstance(doc, list):
            raise CorruptFile(TITLE, "it is not a list of entries")
        return AndOtpPlain(tuple(doc))
