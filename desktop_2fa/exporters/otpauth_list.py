"""A plain text file of otpauth:// URIs, one per line (FreeOTP+, Aegis and others import it).

Every secret is in plain text; the CLI and the GUI warn before writing it.
No comment header: some apps reject any line that is not a URI.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_2fa.core import uri
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.exporters.base import ExportFile, ExportResult
from desktop_2fa.exporters.errors import NothingToExport
from desktop_2fa.vault.model import Account


def spec_of(account: Account) -> AccountSpec:
    return AccountSpec(issuer=account.issuer, name=account.name, params=account.params)


class OtpauthListExporter:
    name = "otpauth"
    title = "otpauth:// list"
    description = "text file of otpauth:// URIs, one per line (secrets in plain text)"
    multi_file = False
    needs_password = False
    plain_secrets = True

    def export(self, accounts: Sequence[Account], password: str | None = None) -> ExportResult:
        if not accounts:
            raise NothingToExport("the vault has no accounts")
        text = "".join(uri.format(spec_of(a)) + "\n" for a in accounts)
        return ExportResult((ExportFile("accounts.txt", text.encode("utf-8")),), len(accounts))
