"""Google Authenticator "Transfer accounts" QR codes: PNG images, 10 accounts each.

Google's format has no period field (30 s implied), no Steam, and only 6 or 8
digits; such accounts are listed as skipped, never changed to fit
(`core.migration.from_account`). All codes of one export share a random batch id.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from desktop_2fa.core import migration
from desktop_2fa.exporters.base import ExportFile, ExportResult, Skipped
from desktop_2fa.exporters.errors import NothingToExport
from desktop_2fa.exporters.otpauth_list import spec_of
from desktop_2fa.exporters.qr_images import qr_image
from desktop_2fa.vault.model import Account


class GoogleQrExporter:
    name = "google-qr"
    title = "Google Authenticator QR codes"
    description = "Google Authenticator transfer QR codes (PNG, 10 accounts each), in a folder"
    multi_file = True
    needs_password = False
    plain_secrets = True

    def __init__(self, batch_id: int | None = None, per_code: int = migration.ACCOUNTS_PER_CODE):
        self.batch_id = batch_id
        self.per_code = per_code

    def export(self, accounts: Sequence[Account], password: str | None = None) -> ExportResult:
        params: list[migration.OtpParameters] = []
        skipped: list[Skipped] = []
        for account in accounts:
            try:
                params.append(migration.from_account(spec_of(account)))
            except migration.UnsupportedMigrationEntry as e:
                skipped.append(Skipped(account.label, str(e)))
        if not params:
            detail = (
                "the vault has no accounts"
                if not accounts
                else ("no account can be stored in Google Authenticator's format")
            )
            raise NothingToExport(detail)
        batch_id = self.batch_id if self.batch_id is not None else secrets.randbelow(2**31 - 1) + 1
        payloads = migration.batches(params, batch_id, self.per_code)
        files = tuple(
            ExportFile(
                f"google-authenticator-{p.batch_index + 1}-of-{p.batch_size}.png",
                qr_image(migration.format_uri(p), "png"),
            )
            for p in payloads
        )
        return ExportResult(files, len(params), tuple(skipped))
