"""Formats people ask for that desktop-2fa does not read, and why.

Plain data with no imports, so that the CLI's parser can print it in
`import --help` without loading any importer (`desktop-2fa code` builds the
same parser and has a start-up budget). The import dialog shows it too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A format people ask for that desktop-2fa does not read, and why (shown to users)."""

    title: str
    reason: str

    def __str__(self) -> str:
        return f"{self.title}: {self.reason}"


LEFT_OUT: tuple[LeftOut, ...] = (
    LeftOut("Authy cloud backups and Authy Desktop", "Authy has no export and the format of "
            "its backups is not public; use the token files from a rooted phone"),
    LeftOut("Microsoft Authenticator cloud backup", "it is encrypted by Microsoft's service and "
            "not documented; use the PhoneFactor database from a rooted phone"),
    LeftOut("Duo Mobile restore backups", "they are encrypted with keys held by Duo and not "
            "documented; use duokit/accounts.json from a rooted phone"),
    LeftOut("LastPass Authenticator", "its export is not publicly documented; move the "
            "accounts one by one with their QR codes"),
    LeftOut("Bitwarden 'account restricted' export", "it opens only with the Bitwarden "
            "account's key; export again as 'Password protected'"),
    LeftOut("Proton Pass PGP-encrypted export", "desktop-2fa carries no OpenPGP; export "
            "again without encryption"),
    LeftOut("Steam Desktop Authenticator encrypted .maFile", "its key material is in "
            "manifest.json; remove SDA's encryption first"),
    LeftOut("Authenticator Plus", "its database is SQLCipher-encrypted; export from the app "
            "to Authenticator Pro or a plain format first"),
    LeftOut("Yandex Key and mOTP entries", "they use other algorithms than TOTP/HOTP; they "
            "are listed as not imported"),
)  # fmt: skip


def left_out_text() -> str:
    """One paragraph: what is not read, and why."""
    return "; ".join(str(f) for f in LEFT_OUT) + "."
