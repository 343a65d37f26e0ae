"""Service errors in better-auth's words (codes and messages of 1.7.25)."""

from __future__ import annotations

from server_stub.http.errors import Problem
from server_stub.http.rate_limit import TOO_MANY_REQUESTS, retry_headers
from server_stub.services import errors

LOCKED_MESSAGE = (
    "Too many failed verification attempts. Your account is temporarily locked."
    " Please try again later."
)

PROBLEMS: dict[type[errors.ServiceError], Problem] = {
    errors.InvalidEmail: Problem(400, "INVALID_EMAIL", "Invalid email"),
    errors.PasswordTooShort: Problem(400, "PASSWORD_TOO_SHORT", "Password too short"),
    errors.PasswordTooLong: Problem(400, "PASSWORD_TOO_LONG", "Password too long"),
    errors.UserAlreadyExists: Problem(
        422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email."
    ),
    errors.InvalidEmailOrPassword: Problem(
        401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"
    ),
    errors.InvalidPassword: Problem(400, "INVALID_PASSWORD", "Invalid password"),
    # An e-mail pausing after wrong passwords answers like the rate limiter, so
    # clients that wait out a 429 wait this out too.
    errors.SignInPaused: TOO_MANY_REQUESTS,
    # From enable with method "otp" (the plugin's TWO_FACTOR_ERROR_CODES text).
    errors.OtpNotConfigured: Problem(400, "OTP_NOT_CONFIGURED", "OTP is not available"),
    errors.TotpAlreadyEnabled: Problem(400, "TOTP_ALREADY_ENABLED", "TOTP is already enabled"),
    errors.TotpNotEnabled: Problem(400, "TOTP_NOT_ENABLED", "TOTP not enabled"),
    errors.TwoFactorNotEnabled: Problem(400, "TWO_FACTOR_NOT_ENABLED", "Two factor isn't enabled"),
    errors.BackupCodesNotEnabled: Problem(
        400, "BACKUP_CODES_NOT_ENABLED", "Backup codes aren't enabled"
    ),
    errors.InvalidCode: Problem(401, "INVALID_CODE", "Invalid code"),
    errors.InvalidBackupCode: Problem(401, "INVALID_BACKUP_CODE", "Invalid backup code"),
    errors.InvalidTwoFactorCookie: Problem(
        401, "INVALID_TWO_FACTOR_COOKIE", "Invalid two factor cookie"
    ),
    errors.TooManyAttempts: Problem(
        400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE", "Too many attempts. Please request a new code."
    ),
    errors.AccountLocked: Problem(429, "ACCOUNT_TEMPORARILY_LOCKED", LOCKED_MESSAGE),
    errors.SecretUnreadable: Problem(
        500, "INTERNAL_SERVER_ERROR", "The stored two-factor secret cannot be read"
    ),
}

#: send-otp's own wording for the same code (PROTOCOL.md §4).
SEND_OTP_NOT_CONFIGURED = Problem(400, "OTP_NOT_CONFIGURED", "otp isn't configured")


def problem_for(error: errors.ServiceError) -> Problem:
    """The envelope for a service error (most specific class wins)."""
    for cls in type(error).__mro__:
        problem = PROBLEMS.get(cls)
        if problem is not None:
            return problem
    return Problem(500, "INTERNAL_SERVER_ERROR", "Internal server error")


def headers_for(error: errors.ServiceError) -> dict[str, str] | None:
    """Headers that go with a service error's envelope (the wait of a pause)."""
    if isinstance(error, errors.SignInPaused):
        return retry_headers(error.retry_after)
    return None
