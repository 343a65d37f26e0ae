"""Steam Guard secrets: Steam Desktop Authenticator `.maFile`s and the Steam app's own file.

Format, from Steam Desktop Authenticator (SteamAuth's SteamGuardAccount): one
JSON object per account with `shared_secret` (base64, the TOTP key),
`account_name`, `revocation_code`, `identity_secret`, `device_id`,
`serial_number`, `Session`... The old layout's `Session` holds web cookies
(`SteamLogin`, `SteamLoginSecure`, `OAuthToken`); SDA 1.0.13 and later write
`{"SteamID", "AccessToken", "RefreshToken", "SessionID"}` with SteamID as a
17-digit number. Only `shared_secret` and `account_name` matter here, so
both read alike. The Steam app's own "Steamguard-<id>" file (rooted phone)
is `{"accounts": {id: {same fields}}}`.

SDA's optional encryption writes the file as base64 text whose salt and IV
live in another file (manifest.json): refused with advice. The revocation
code becomes the account's note, because losing it is how people lose
Steam accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile
from desktop_2fa.importers.fields import (
    as_object,
    build_spec,
    convert_entries,
    entry_base64,
    item_label,
    load_json,
    require_object,
    sniff_json,
    text,
)

TITLE = "Steam"


def _account(raw: object) -> ImportedAccount:
    obj = as_object(raw)
    secret = entry_base64(text(obj, "shared_secret"), "shared_secret")
    spec = build_spec(
        issuer="Steam", name=text(obj, "account_name"), kind=OtpKind.STEAM, secret=secret
    )
    code = text(obj, "revocation_code")
    return ImportedAccount(spec, note=f"Steam revocation code: {code}" if code else "")


@dataclass(frozen=True, slots=True)
class SteamPlain(ImportState):
    accounts: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(
            self.accounts, _account, lambda n, a: item_label(n, a, "-", "account_name")
        )


class SteamImporter:
    name = "steam"
    title = TITLE
    description = "Steam Desktop Authenticator .maFile (old and new layouts) or Steam's own file"
    where = (
        "Steam Desktop Authenticator: the maFiles folder beside SteamDesktopAuthenticator.exe "
        "(one <steamid>.maFile per account; remove SDA's encryption first)"
    )

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        if not isinstance(doc, dict):
            return False
        return "shared_secret" in doc or (
            isinstance(doc.get("accounts"), dict)
            and any(isinstance(a, dict) and "shared_secret" in a for a in doc["accounts"].values())
        )

    def read(self, data: bytes) -> ImportState:
        if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise UnsupportedFile(
                "this .maFile is encrypted by Steam Desktop Authenticator, and its key material "
                "is in manifest.json; in SDA choose Manage Encryption → Remove Encryption, "
                "then import the .maFile again"
            )
        doc = require_object(load_json(data, TITLE), TITLE)
        accounts = doc.get("accounts")
        if isinstance(accounts, dict):
            return SteamPlain(tuple(accounts.values()))
        if "shared_secret" not in doc:
            raise CorruptFile(TITLE, "it has no shared_secret")
        return SteamPlain((doc,))
