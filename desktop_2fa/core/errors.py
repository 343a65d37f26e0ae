"""Exceptions of the core package.

Every message is one sentence a user can act on and names the bad part
("digits must be 6 to 10, got 12"). Messages never contain a secret.
"""

from __future__ import annotations


class CoreError(Exception):
    """Base of everything `desktop_2fa.core` raises."""


class InvalidParams(CoreError):
    """OTP parameters out of range.

    Attributes:
        field: which parameter ("digits", "period", "counter", "secret").
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidSecret(InvalidParams):
    """The shared secret is empty or not valid base32."""

    def __init__(self, message: str) -> None:
        super().__init__("secret", message)


class InvalidUri(CoreError):
    """An otpauth:// URI that cannot be turned into an account.

    Attributes:
        part: the piece of the URI at fault ("scheme", "digits", "secret", ...).
    """

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part
