"""Google Authenticator's and Microsoft Authenticator's internal SQLite databases.

Taken from a rooted phone (or a backup of the app's data), read through
`app_database`. Facts from Aegis's importers (GoogleAuthImporter,
MicrosoftAuthImporter), which read the same files:

* Google Authenticator, `databases/databases` (older app versions):
  table `accounts` with `email` (the label, "issuer:name" or a name),
  `secret` (base32), `counter`, `type` (0 TOTP, 1 HOTP), `issuer`, and in
  some versions `isencrypted` (secrets sealed with a key in the phone's
  keystore: such rows cannot be read anywhere else). The app increments
  `counter` before computing an HOTP code (google-authenticator-android,
  OtpProvider.getCurrentCode), so the stored value is the last one used and
  our next counter is one more. Newer versions keep no
  readable database; their "Transfer accounts" QR codes are read by the
  qr-image importer.
* Microsoft Authenticator, `databases/PhoneFactor`: table `accounts` with
  `name` (issuer), `username`, `oath_secret_key` and `account_type`: 0 is a
  TOTP account (base32 secret, 6 digits), 1 a personal Microsoft account
  (base64 secret, 8 digits). Other types (work accounts that only approve
  sign-ins) hold no code and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers import app_database
from desktop_2fa.importers.app_database import column_int, column_text
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.fields import (
    EntryProblem,
    build_spec,
    convert_entries,
    entry_base64,
    entry_label,
)

GOOGLE = "Google Authenticator database"
MICROSOFT = "Microsoft Authenticator database"
Row = dict[str, object]


def _google_row(row: Row) -> ImportedAccount:
    if column_int(row, "isencrypted") > 0:
        raise EntryProblem(
            "its secret is sealed with a key kept in that phone's keystore; transfer it with "
            "Google Authenticator's 'Transfer accounts' QR codes instead"
        )
    kinds = {0: OtpKind.TOTP, 1: OtpKind.HOTP}
    kind = kinds.get(column_int(row, "type", -1))
    if kind is None:
        raise EntryProblem(f"unknown type {column_text(row, 'type')[:10]!r}")
    label = column_text(row, "email")
    issuer = column_text(row, "issuer")
    prefix, sep, rest = label.partition(":")
    name = rest if sep and ":" not in rest else label
    spec = build_spec(
        issuer=issuer or (prefix if sep else ""),
        name=name.strip(),
        kind=kind,
        secret=column_text(row, "secret"),
        counter=column_int(row, "counter") + 1 if kind is OtpKind.HOTP else 0,
    )
    return ImportedAccount(spec)


def _microsoft_row(row: Row) -> ImportedAccount:
    kind = column_int(row, "account_type", -1)
    secret_text = column_text(row, "oath_secret_key")
    if kind == 1:
        secret: str | bytes = entry_base64(secret_text, "oath_secret_key")
        digits = 8
    else:
        secret, digits = secret_text, 6
    spec = build_spec(
        issuer=column_text(row, "name"),
        name=column_text(row, "username"),
        kind=OtpKind.TOTP,
        secret=secret,
        digits=digits,
    )
    return ImportedAccount(spec)


@dataclass(frozen=True, slots=True)
class DatabaseRows(ImportState):
    microsoft: bool
    rows: tuple[Row, ...]

    def convert(self) -> ImportResult:
        if self.microsoft:
            rows = tuple(r for r in self.rows if column_int(r, "account_type", -1) in (0, 1))
            return convert_entries(
                rows,
                _microsoft_row,
                lambda n, r: entry_label(n, column_text(r, "name"), column_text(r, "username")),
            )
        return convert_entries(
            self.rows,
            _google_row,
            lambda n, r: entry_label(n, column_text(r, "issuer"), column_text(r, "email")),
        )


def _schema(data: bytes) -> bytes:
    return data[: 1 << 16].lower()


class GoogleDatabaseImporter:
    name = "google-authenticator-db"
    title = GOOGLE
    description = "Google Authenticator's internal database (the 'databases' file, rooted phone)"
    where = (
        "older app versions: /data/data/"
        "com.google.android.apps.authenticator2/databases/databases on a rooted phone; "
        "newer versions: use 'Transfer accounts' QR codes"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        schema = _schema(data)
        return app_database.is_sqlite(data) and b"original_name" in schema and b"email" in schema

    def read(self, data: bytes) -> ImportState:
        rows = app_database.read_tables(data, GOOGLE, ("accounts",), "accounts")["accounts"]
        return DatabaseRows(False, tuple(rows))


class MicrosoftDatabaseImporter:
    name = "microsoft-authenticator-db"
    title = MICROSOFT
    description = "Microsoft Authenticator's internal database (PhoneFactor, rooted phone)"
    where = (
        "/data/data/com.azure.authenticator/databases/PhoneFactor on a "
        "rooted phone (its cloud backup cannot be read outside the app)"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        return app_database.is_sqlite(data) and b"oath_secret_key" in _schema(data)

    def read(self, data: bytes) -> ImportState:
        rows = app_database.read_tables(data, MICROSOFT, ("accounts",), "accounts")["accounts"]
        return DatabaseRows(True, tuple(rows))
