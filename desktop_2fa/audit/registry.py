"""Every check, in the order an audit runs them.

The order matters: checks that need a clean account (the clock window before
any code is used) come first, checks that lock the account (the attempt cap,
the lockout, password throttling) come last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_2fa.audit import checks_factors, checks_limits, checks_session, checks_totp
from desktop_2fa.audit.answer import Finding
from desktop_2fa.audit.context import AuditContext
from desktop_2fa.audit.errors import UnknownCheck
from desktop_2fa.audit.model import CheckInfo, Severity

RFC6238 = "RFC 6238 section 5.2"
RFC4226_4 = "RFC 4226 section 4"
RFC4226_73 = "RFC 4226 section 7.3"
NIST = "NIST SP 800-63B section 5.2.2"
HIGH, MEDIUM = Severity.HIGH, Severity.MEDIUM


def asvs(number: str) -> str:
    return f"OWASP ASVS 5.0 V{number}"


@dataclass(frozen=True, slots=True)
class Check:
    info: CheckInfo
    run: Callable[[AuditContext], Finding]


def _check(  # noqa: PLR0917 - one row of the table below
    id: str,
    title: str,
    requirement: str,
    sources: tuple[str, ...],
    severity: Severity,
    run: Callable[[AuditContext], Finding],
) -> Check:
    return Check(CheckInfo(id, title, requirement, sources, severity), run)


CHECKS: tuple[Check, ...] = (
    _check("totp-secret-entropy", "The TOTP secret has at least 128 bits",
           "The shared secret is at least 128 bits long (160 recommended).",
           (RFC4226_4, asvs("6.5.3")), MEDIUM, checks_totp.secret_entropy),
    _check("backup-code-entropy", "Backup codes carry enough entropy",
           "Each lookup secret has at least 20 bits of entropy; the codes are distinct.",
           (asvs("6.5.4"),), MEDIUM, checks_factors.backup_code_entropy),
    _check("totp-uri-needs-password", "Reading the TOTP secret again needs the password",
           "get-totp-uri refuses a wrong or missing password and reveals no secret.",
           (asvs("7.5.1"),), HIGH, checks_factors.totp_uri_needs_password),
    _check("origin-check", "State-changing POSTs check the Origin",
           "A POST that carries cookies but no, or a foreign, Origin is refused.",
           (asvs("3.5.1"),), HIGH, checks_session.origin_check),
    _check("clock-window", "The clock window is at most one step each way",
           "Codes of time steps two away from the server's time are refused.",
           (RFC6238,), MEDIUM, checks_totp.clock_window),
    _check("session-rotated-on-enable", "The session is replaced when 2FA is turned on",
           "Turning two-factor sign-in on issues a new session and ends the old one.",
           (asvs("7.2.4"),), HIGH, checks_session.session_rotated),
    _check("totp-replay-session", "A TOTP code is refused the second time in a session",
           "A code that was accepted is not accepted again (same session).",
           (RFC6238, asvs("6.5.1")), HIGH, checks_totp.replay_session),
    _check("totp-replay-new-challenge", "A used TOTP code does not sign in again",
           "A code that was accepted does not complete a later sign-in challenge.",
           (RFC6238, asvs("6.5.1")), HIGH, checks_totp.replay_new_challenge),
    _check("totp-replay-whitespace", "A used TOTP code with whitespace added is refused",
           "Reformatting a used code (spaces, tabs) does not make it new.",
           (RFC6238, asvs("6.5.1")), MEDIUM, checks_totp.replay_whitespace),
    _check("totp-replay-concurrent", "One TOTP code sent twice at once signs in once",
           "Of two simultaneous submissions of one code, at most one succeeds.",
           (RFC6238, asvs("6.5.1")), HIGH, checks_totp.replay_concurrent),
    _check("backup-code-race", "A backup code redeemed 10 times at once works once",
           "Of 10 simultaneous redemptions of one backup code, at most one succeeds.",
           (asvs("6.5.1"),), HIGH, checks_factors.backup_code_race),
    _check("backup-code-single-use", "A backup code works once",
           "A backup code that signed in once is refused the next time.",
           (asvs("6.5.1"),), HIGH, checks_factors.backup_code_single_use),
    _check("challenge-cookie-single-use", "The sign-in challenge is useless after success",
           "The two-factor challenge cookie of a finished sign-in completes no other.",
           (asvs("6.5.1"), asvs("6.6.2")), HIGH, checks_factors.challenge_single_use),
    _check("challenge-cookie-expires", "The sign-in challenge expires within 10 minutes",
           "The challenge cookie has a lifetime of at most 600 s.",
           (asvs("6.5.5"),), MEDIUM, checks_factors.challenge_expires),
    _check("cookie-attributes", "Cookies are HttpOnly, SameSite, and Secure on https",
           "Every cookie set has HttpOnly and SameSite Lax or Strict, and Secure on https.",
           (asvs("3.3.1"), asvs("3.3.2"), asvs("3.3.4")), MEDIUM,
           checks_session.cookie_attributes),
    _check("disable-needs-password", "Turning 2FA off needs the password",
           "disable refuses a wrong or missing password and two-factor sign-in stays on.",
           (asvs("7.5.1"),), HIGH, checks_factors.disable_needs_password),
    _check("sign-in-enumeration", "Sign-in does not tell who has an account",
           "A wrong password and an unknown e-mail get the same answer.",
           (asvs("6.3.8"),), MEDIUM, checks_session.sign_in_enumeration),
    _check("challenge-attempt-cap", "Failed codes per sign-in challenge are limited",
           f"After at most {checks_limits.CAP_PROBE} wrong codes the challenge takes no code.",
           (RFC4226_73, NIST, asvs("6.3.1")), HIGH, checks_limits.challenge_attempt_cap),
    _check("account-lockout", "The second factor is throttled after repeated failures",
           f"After at most {checks_limits.LOCKOUT_PROBE} wrong codes over several challenges "
           "even the right code is refused for a while.",
           (RFC4226_73, NIST, asvs("6.3.1")), HIGH, checks_limits.account_lockout),
    _check("rate-limit-two-factor", "/two-factor/* is rate-limited",
           f"Within {checks_limits.RATE_PROBE} quick requests to verify-totp one gets 429.",
           (NIST, asvs("6.3.1")), HIGH, checks_limits.rate_limit_two_factor),
    _check("rate-limit-not-spoofable", "The rate limit ignores a forged X-Forwarded-For",
           "A client cannot leave a full rate-limit bucket by claiming another address.",
           (NIST, asvs("6.3.1")), MEDIUM, checks_limits.rate_limit_not_spoofable),
    _check("rate-limit-sign-in", "Password sign-in is rate-limited",
           f"Within {checks_limits.RATE_PROBE} quick sign-ins, each for another e-mail, "
           "one gets 429.",
           (NIST, asvs("6.3.1")), HIGH, checks_limits.rate_limit_sign_in),
    _check("password-throttle-account", "Failed passwords throttle the account",
           f"After {checks_limits.PASSWORD_PROBE} wrong passwords the right one is refused "
           "for a while, though the client itself is not blocked.",
           (NIST, asvs("6.3.1")), MEDIUM, checks_limits.password_throttle),
)  # fmt: skip


def ids() -> tuple[str, ...]:
    return tuple(c.info.id for c in CHECKS)


def _matches(name: str, check_id: str) -> bool:
    """An id, or the start of ids up to a dash: `totp-replay` names the four replay checks."""
    return check_id == name or check_id.startswith(name + "-")


def select(only: tuple[str, ...] | None) -> tuple[Check, ...]:
    """The checks named (in the audit's own order), or all of them.

    Raises:
        UnknownCheck: a name matches no check.
    """
    if not only:
        return CHECKS
    unknown = tuple(n for n in only if not any(_matches(n, i) for i in ids()))
    if unknown:
        raise UnknownCheck(unknown, ids())
    return tuple(c for c in CHECKS if any(_matches(n, c.info.id) for n in only))
