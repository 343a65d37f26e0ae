"""The explicit list of importers, and picking one for a file.

The CLI's `import --format` choices and the GUI's import dialog are both built
from `IMPORTERS`; add a format here and it appears in both.
"""

from __future__ import annotations

from desktop_2fa.importers.aegis import AegisImporter
from desktop_2fa.importers.andotp import AndOtpImporter
from desktop_2fa.importers.authy import AuthyImporter
from desktop_2fa.importers.base import Importer
from desktop_2fa.importers.bitwarden import BitwardenImporter
from desktop_2fa.importers.ente import EnteImporter
from desktop_2fa.importers.errors import UnknownFormat
from desktop_2fa.importers.freeotp import FreeOtpImporter
from desktop_2fa.importers.freeotp_plus import FreeOtpPlusImporter
from desktop_2fa.importers.left_out import LEFT_OUT, LeftOut, left_out_text
from desktop_2fa.importers.phone_databases import (
    GoogleDatabaseImporter,
    MicrosoftDatabaseImporter,
)
from desktop_2fa.importers.phone_prefs import (
    BattleNetImporter,
    DuoImporter,
    TotpAuthenticatorImporter,
)
from desktop_2fa.importers.proton import ProtonAuthenticatorImporter, ProtonPassImporter
from desktop_2fa.importers.qr_image import QrImageImporter
from desktop_2fa.importers.steam import SteamImporter
from desktop_2fa.importers.stratum import StratumImporter
from desktop_2fa.importers.twofas import TwoFasImporter
from desktop_2fa.importers.uri_texts import OtpauthListImporter

# Order matters for guessing: the first importer whose `sniff` accepts a file
# wins, so the more specific ones (Ente's text with its extras) come before
# the general ones (any list of otpauth:// URIs).
IMPORTERS: tuple[Importer, ...] = (
    AegisImporter(),
    TwoFasImporter(),
    AndOtpImporter(),
    BitwardenImporter(),
    FreeOtpPlusImporter(),
    EnteImporter(),
    ProtonAuthenticatorImporter(),
    ProtonPassImporter(),
    StratumImporter(),
    FreeOtpImporter(),
    SteamImporter(),
    AuthyImporter(),
    GoogleDatabaseImporter(),
    MicrosoftDatabaseImporter(),
    BattleNetImporter(),
    DuoImporter(),
    TotpAuthenticatorImporter(),
    OtpauthListImporter(),
    QrImageImporter(),
)


# When no importer recognises the content (a damaged or cut-off file), the file
# name and the key names still in the text say which app wrote it, so the user
# gets "the Aegis file ends too early" instead of "unknown format".
_NAME_HINTS = (
    # An extension only that app writes comes first: a word inside a name can be
    # chance ("greenteam.2fas" holds "ente").
    (".json.aes", "andotp"),
    (".authpro", "authenticator-pro"),
    (".mafile", "steam"),
    (".encrypt", "totp-authenticator"),
    (".2fas", "2fas"),
    (".db3", "authenticator-pro"),
    (".png", "qr-image"),
    (".jpg", "qr-image"),
    (".jpeg", "qr-image"),
    ("ente", "ente"),
    ("proton", "proton-authenticator"),
    ("aegis", "aegis"),
    ("2fas", "2fas"),
    ("otp_accounts", "andotp"),
    ("andotp", "andotp"),
    ("bitwarden", "bitwarden"),
    ("freeotp", "freeotp-plus"),
    ("authenticator_preferences", "battlenet"),
    ("com.authy", "authy"),
    ("externalbackup", "freeotp"),
    ("tokens.xml", "freeotp"),
    ("phonefactor", "microsoft-authenticator-db"),
    ("duo", "duo"),
    (".txt", "otpauth"),
)
_TEXT_HINTS = (
    (b"com.blizzard.messenger", "battlenet"),
    (b"com.authy.storage", "authy"),
    (b"STATIC_TOTP_CODES_LIST", "totp-authenticator"),
    (b'name="tokenOrder"', "freeotp"),
    (b"masterKey", "freeotp"),
    (b"codeDisplay", "ente"),
    (b'"header"', "aegis"),
    (b'"schemaVersion"', "2fas"),
    (b'"servicesEncrypted"', "2fas"),
    (b'"tokenOrder"', "freeotp-plus"),
    (b'"issuerExt"', "freeotp-plus"),
    (b'"items"', "bitwarden"),
    (b'"thumbnail"', "andotp"),
    (b'"kdfParams"', "ente"),
    (b'"Authenticators"', "authenticator-pro"),
    (b'"shared_secret"', "steam"),
    (b'"vaults"', "proton-pass"),
    (b'"otpGenerator"', "duo"),
    (b'"entry_type"', "proton-authenticator"),
    (b"otpauth", "otpauth"),
)


__all__ = [
    "IMPORTERS",
    "LEFT_OUT",
    "LeftOut",
    "by_name",
    "guess_format",
    "left_out_text",
    "names",
    "sniffed",
]


def names() -> tuple[str, ...]:
    return tuple(i.name for i in IMPORTERS)


def by_name(name: str) -> Importer:
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    raise ValueError(f"no importer named {name!r} (known: {', '.join(names())})")


SHOWN_TITLES = 6  # an error line names a few; `import --help` and the dialog list them all


def supported_text() -> str:
    titles = [i.title for i in IMPORTERS]
    more = len(titles) - SHOWN_TITLES
    return ", ".join(titles[:SHOWN_TITLES]) + f" and {more} more formats"


def sniffed(data: bytes, filename: str) -> Importer | None:
    """The importer whose `sniff` accepts the file, if any."""
    return next((i for i in IMPORTERS if i.sniff(data, filename)), None)


def guess_format(data: bytes, filename: str = "") -> Importer:
    """Pick the importer for a file from its content, then its own name.

    `filename` must be the file's name only: folders above it say nothing
    about the file (a 2FAS export kept in "aegis-backups/" is still 2FAS).

    Raises:
        UnknownFormat: nothing points to any importer.
    """
    found = sniffed(data, filename)
    if found is not None:
        return found
    lowered = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for hint, name in _NAME_HINTS:
        if hint in lowered:
            return by_name(name)
    head = data[:4096]
    for marker, name in _TEXT_HINTS:
        if marker in head:
            return by_name(name)
    raise UnknownFormat(supported_text())
