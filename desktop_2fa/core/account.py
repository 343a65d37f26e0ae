"""What an otpauth:// URI describes: OTP parameters plus who they belong to."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core.params import OtpParams


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """An account as it arrives from outside (URI, QR code, import), before the vault
    gives it an id and timestamps."""

    issuer: str
    name: str
    params: OtpParams
