"""Checks of backup codes, the sign-in challenge, and what needs the password again.

Backup codes are lookup secrets: usable once (OWASP ASVS 5.0 V6.5.1), with at
least 20 bits of entropy (V6.5.4). The `two_factor` challenge cookie is the
half-finished sign-in: useless once used, and short-lived (V6.5.5: out-of-band
requests live at most 10 minutes). Turning 2FA off or reading its secret are
changes to an authentication factor and need the password (V7.5.1).
"""

from __future__ import annotations

import math
import secrets
from functools import partial

from desktop_2fa.audit.answer import Answer, Finding, cookie_header, failed, passed
from desktop_2fa.audit.context import AuditContext
from desktop_2fa.audit.cookies import parse_set_cookie
from desktop_2fa.audit.errors import Inconclusive
from desktop_2fa.enroll.client import AuthClient

VERIFY_BACKUP = "two-factor/verify-backup-code"
MIN_LOOKUP_BITS = 20
MAX_CHALLENGE_SECONDS = 600
RACERS = 10


def _redeem(ctx: AuditContext, client: AuthClient, code: str, *, wait: bool = True) -> Answer:
    return ctx.call(client, "POST", VERIFY_BACKUP, {"code": code}, wait_on_limit=wait)


def _alphabet(codes: tuple[str, ...]) -> int:
    """The size of the alphabet the codes are drawn from, judged by character class."""
    text = "".join(codes)
    size = 10 if any(c.isdigit() for c in text) else 0
    size += 26 if any(c.islower() for c in text) else 0
    size += 26 if any(c.isupper() for c in text) else 0
    return max(size, 1)


def backup_code_entropy(ctx: AuditContext) -> Finding:
    acct = ctx.enabled()
    codes = tuple("".join(ch for ch in c if ch.isalnum()) for c in acct.backup_codes)
    if not codes:
        return failed("enabling 2FA gave no backup codes")
    shortest = min(len(c) for c in codes)
    bits = shortest * math.log2(_alphabet(codes))
    ctx.note(
        f"{len(codes)} codes; the shortest has {shortest} characters from an alphabet "
        f"of {_alphabet(codes)} ({bits:.1f} bits, separators not counted)"
    )
    if len(set(codes)) != len(codes):
        return failed("two of the backup codes are the same")
    if bits < MIN_LOOKUP_BITS:
        return failed(f"a backup code carries about {bits:.1f} bits; at least 20 are required")
    return passed(f"{len(codes)} distinct codes of about {bits:.0f} bits each")


def backup_code_race(ctx: AuditContext) -> Finding:
    """Ten redemptions of one unused code at the same moment: at most one may succeed."""
    acct = ctx.active()
    clients = [ctx.clone(acct.keeper) for _ in range(RACERS)]
    for attempt in range(3):
        code = acct.take_backup_code()
        answers = ctx.at_once([partial(_redeem, ctx, c, code, wait=False) for c in clients])
        got = [a for a in answers if isinstance(a, Answer)]
        ok = sum(1 for a in got if a.ok)
        limited = [a.retry_after or 0.0 for a in got if a.is_rate_limiter]
        shown = sorted({a.describe() if isinstance(a, Answer) else f"error: {a}" for a in answers})
        ctx.note(
            f"{RACERS} simultaneous redemptions of {code[:3]}… while signed in: {ok} accepted, "
            f"{len(limited)} rate limited; answers seen: {'; '.join(shown)}"
        )
        if ok > 1 or len(got) - len(limited) >= 2 or attempt == 2:
            break
        # Fewer than two reached the check: no race. Again with a fresh window.
        ctx.wait(max(limited) + 0.2, f"the rate limit on {VERIFY_BACKUP}", rate_limit=True)
    if ok > 1:
        return failed(f"{ok} of {RACERS} simultaneous redemptions of one backup code succeeded")
    if ok == 0:
        raise Inconclusive(f"no redemption of an unused backup code succeeded: {shown}")
    if len(got) - len(limited) < 2:
        raise Inconclusive("the rate limit let fewer than two of the redemptions race")
    return passed(
        f"exactly one of {RACERS} simultaneous redemptions succeeded"
        + (f" ({len(limited)} were rate limited)" if limited else "")
    )


def backup_code_single_use(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    code = acct.take_backup_code()
    first, _ = ctx.challenge(acct)
    answer = _redeem(ctx, first, code)
    ctx.note(f"{code[:3]}… on a sign-in challenge: {answer.describe()}")
    if not answer.ok:
        raise Inconclusive(f"an unused backup code was refused: {answer.describe()}")
    second, _ = ctx.challenge(acct)
    again = _redeem(ctx, second, code)
    ctx.note(f"the same code on the next sign-in: {again.describe()}")
    if again.ok:
        return failed("a used backup code signed in a second time")
    return passed(f"a used backup code was refused ({again.describe()})")


def challenge_single_use(ctx: AuditContext) -> Finding:
    """After a successful second step, the old challenge cookie must be dead."""
    acct = ctx.active()
    client, _ = ctx.challenge(acct)
    old = cookie_header(client)
    done = _redeem(ctx, client, acct.take_backup_code())
    if not done.ok:
        raise Inconclusive(f"an unused backup code was refused: {done.describe()}")
    cleared = [c.name for c in map(parse_set_cookie, done.set_cookies) if c.clears]
    ctx.note(f"sign-in finished with a backup code; cookies cleared: {cleared or 'none'}")
    spare = acct.take_backup_code()
    replay = ctx.client()
    answer = ctx.call(replay, "POST", VERIFY_BACKUP, {"code": spare}, headers={"Cookie": old})
    ctx.note(f"the old challenge cookie alone, with another unused code: {answer.describe()}")
    if answer.ok:
        return failed("the used challenge cookie signed in again (with another backup code)")
    acct.unused.insert(0, spare)  # refused before it was looked at: still unused
    return passed(f"the used challenge cookie was refused ({answer.describe()})")


def challenge_expires(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    _, answer = ctx.challenge(acct)
    date = answer.response.headers.get("date")
    made = [c for c in map(parse_set_cookie, answer.set_cookies) if not c.clears]
    if not made:
        raise Inconclusive("the sign-in that asked for a second factor set no cookie")
    ctx.note("server-side expiry is not waited for: it would take the cookie's whole lifetime")
    for cookie in made:
        life = cookie.lifetime(date)
        ctx.note(f"{cookie.name}: lifetime {'none (session cookie)' if life is None else life}")
        if life is None:
            return failed(f"the challenge cookie {cookie.name} has no expiry")
        if life > MAX_CHALLENGE_SECONDS:
            return failed(f"the challenge cookie {cookie.name} lives {life:.0f} s, over 600 s")
    names = ", ".join(c.name for c in made)
    return passed(f"{names} expires within {MAX_CHALLENGE_SECONDS} s")


def _wrong_password() -> str:
    return "wrong-" + secrets.token_urlsafe(12)


def totp_uri_needs_password(ctx: AuditContext) -> Finding:
    acct = ctx.enabled()
    leaked = []
    for label, body in (("a wrong password", {"password": _wrong_password()}), ("none", {})):
        answer = ctx.call(acct.keeper, "POST", "two-factor/get-totp-uri", body)
        ctx.note(f"get-totp-uri with {label}: {answer.describe()}")
        if answer.ok or answer.field("totpURI") is not None:
            leaked.append(label)
    if leaked:
        return failed(f"get-totp-uri gave the TOTP secret with {' and '.join(leaked)} as password")
    return passed("get-totp-uri refused without the right password")


def disable_needs_password(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    for label, body in (("a wrong password", {"password": _wrong_password()}), ("none", {})):
        answer = ctx.call(acct.keeper, "POST", "two-factor/disable", body)
        ctx.note(f"disable with {label}: {answer.describe()}")
        if answer.ok:
            # 2FA is off now: the next check that needs it turns it on again.
            acct.params, acct.active, acct.last_step = None, False, None
            return failed(f"two-factor sign-in was turned off with {label} as password")
    session = ctx.call(acct.keeper, "GET", "get-session")
    user = session.field("user")
    on = isinstance(user, dict) and user.get("twoFactorEnabled") is True
    ctx.note(f"get-session afterwards: twoFactorEnabled {on}")
    if not on:
        raise Inconclusive("get-session does not show two-factor sign-in on after the refusals")
    return passed("disable refused without the right password; 2FA stayed on")
