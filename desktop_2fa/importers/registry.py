"""The explicit list of importers, and picking one for a file.

The CLI's `import --format` choices and the GUI's import dialog are both built
from `IMPORTERS`; add a format here and it appears in both.
"""

from __future__ import annotations

from desktop_2fa.importers.aegis import AegisImporter
from desktop_2fa.importers.andotp import AndOtpImporter
from desktop_2fa.importers.base import Importer
from desktop_2fa.importers.bitwarden import BitwardenImporter
from desktop_2fa.importers.errors import UnknownFormat
from desktop_2fa.importers.freeotp_plus import FreeOtpPlusImporter
from desktop_2fa.importers.qr_image import QrImageImporter
from desktop_2fa.importers.twofas import TwoFasImporter
from desktop_2fa.importers.uri_texts import OtpauthListImporter

IMPORTERS: tuple[Importer, ...] = (
    AegisImporter(),
    TwoFasImporter(),
    AndOtpImporter(),
    BitwardenImporter(),
    FreeOtpPlusImporter(),
    OtpauthListImporter(),
    QrImageImporter(),
)

# When no importer recognises the content (a damaged or cut-off file), the file
# name and the key names still in the text say which app wrote it, so the user
# gets "the Aegis file ends too early" instead of "unknown format".
_NAME_HINTS = (
    ("aegis", "aegis"),
    (".2fas", "2fas"),
    ("2fas", "2fas"),
    ("otp_accounts", "andotp"),
    ("andotp", "andotp"),
    ("bitwarden", "bitwarden"),
    ("freeotp", "freeotp-plus"),
    (".png", "qr-image"),
    (".jpg", "qr-image"),
    (".jpeg", "qr-image"),
    (".txt", "otpauth"),
)
_TEXT_HINTS = (
    (b'"header"', "aegis"),
    (b'"schemaVersion"', "2fas"),
    (b'"servicesEncrypted"', "2fas"),
    (b'"tokenOrder"', "freeotp-plus"),
    (b'"issuerExt"', "freeotp-plus"),
    (b'"items"', "bitwarden"),
    (b'"thumbnail"', "andotp"),
    (b"otpauth", "otpauth"),
)


def names() -> tuple[str, ...]:
    return tuple(i.name for i in IMPORTERS)


def by_name(name: str) -> Importer:
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    raise ValueError(f"no importer named {name!r} (known: {', '.join(names())})")


def supported_text() -> str:
    titles = [i.title for i in IMPORTERS]
    return ", ".join(titles[:-1]) + " and " + titles[-1] + " files"


def sniffed(data: bytes, filename: str) -> Importer | None:
    """The importer whose `sniff` accepts the file, if any."""
    return next((i for i in IMPORTERS if i.sniff(data, filename)), None)


def guess_format(data: bytes, filename: str = "") -> Importer:
    """Pick the importer for a file from its content, then its name.

    Raises:
        UnknownFormat: nothing points to any importer.
    """
    found = sniffed(data, filename)
    if found is not None:
        return found
    lowered = filename.lower()
    for hint, name in _NAME_HINTS:
        if hint in lowered:
            return by_name(name)
    head = data[:4096]
    for marker, name in _TEXT_HINTS:
        if marker in head:
            return by_name(name)
    raise UnknownFormat(supported_text())
