"""What can go wrong in a service, one precise class per case.

The routes turn these into better-auth's `{"message","code"}` envelope; the
classes carry no HTTP status or wording of their own.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every rule violation a caller can trigger."""


class InvalidEmail(ServiceError):
    """The e-mail is not an e-mail address (sign-in)."""


class PasswordTooShort(ServiceError):
    """Below the minimum length (sign-up)."""


class PasswordTooLong(ServiceError):
    """Above the maximum length (checked before any hashing)."""


class UserAlreadyExists(ServiceError):
    """Sign-up with an e-mail that is taken."""


class InvalidEmailOrPassword(ServiceError):
    """Sign-in failed; deliberately the same for unknown e-mail and wrong password."""


class SignInPaused(ServiceError):
    """Too many consecutive wrong passwords at this e-mail; try again later.

    Attributes:
        retry_after: whole seconds until the pause ends.
    """

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"sign-in paused for {retry_after} s")
        self.retry_after = retry_after


class InvalidPassword(ServiceError):
    """Re-authentication with the password failed."""


class OtpNotConfigured(ServiceError):
    """The e-mail/SMS factor was asked for, but no sender is configured."""


class TotpAlreadyEnabled(ServiceError):
    """Enable after activation."""


class TotpNotEnabled(ServiceError):
    """No (verified, where required) TOTP secret."""


class TwoFactorNotEnabled(ServiceError):
    """Backup codes asked for before activation."""


class BackupCodesNotEnabled(ServiceError):
    """Backup-code verification without a second factor."""


class InvalidCode(ServiceError):
    """Wrong, out-of-window or replayed TOTP code."""


class InvalidBackupCode(ServiceError):
    """Unknown or already used backup code."""


class InvalidTwoFactorCookie(ServiceError):
    """No, expired, consumed or forged challenge."""


class TooManyAttempts(ServiceError):
    """The challenge's attempt cap is spent; the challenge is gone."""


class AccountLocked(ServiceError):
    """Too many consecutive failures; verification refused until the lock ends."""


class SecretUnreadable(ServiceError):
    """A sealed TOTP secret does not open (the server secret changed?)."""


class ChallengeAlreadyUsed(InvalidTwoFactorCookie):
    """The challenge was consumed by a parallel request between check and use."""
