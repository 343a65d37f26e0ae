"""Checks of the brute-force limits (NIST SP 800-63B section 5.2.2, RFC 4226 section 7.3).

Three independent mechanisms (PROTOCOL.md section 6): a cap on failed codes
per sign-in challenge, a lock of the account's second factor after repeated
failures, and a request rate limit per client and path. Password guessing
needs the last two on `/sign-in/*` as well. The probes stop as soon as the
server pushes back, so a well-defended server costs few requests.
"""

from __future__ import annotations

import secrets

from desktop_2fa.audit.answer import Answer, Body, Finding, failed, passed, skipped
from desktop_2fa.audit.context import AuditContext
from desktop_2fa.audit.errors import Inconclusive
from desktop_2fa.core.otp import time_step
from desktop_2fa.enroll.client import AuthClient

VERIFY_TOTP = "two-factor/verify-totp"
#: Wrong codes tried on one challenge (better-auth closes it after 5).
CAP_PROBE = 8
#: Wrong codes tried in all before the account must be throttled (better-auth: 10).
LOCKOUT_PROBE = 20
#: Quick requests sent before a rate limit must have answered 429 (better-auth: 3 or 5).
RATE_PROBE = 30
#: Wrong passwords tried on one account before it must be throttled.
PASSWORD_PROBE = 10
#: Documentation addresses (RFC 5737): only ever written into a header.
FORGED_ADDRESS = "203.0.113.7"


def _wrong_codes(ctx: AuditContext) -> list[str]:
    """Six-digit codes that are none of the codes near the server's time."""
    acct = ctx.active()
    assert acct.params is not None
    base = time_step(acct.params, ctx.now())
    near = {ctx.code_at(acct, s) for s in range(base - 3, base + 4)}
    return [c for c in (f"{n:06d}" for n in range(111111, 1000000, 111111)) if c not in near]


def _signature(answer: Answer) -> tuple[int, str]:
    return answer.status, answer.code


def challenge_attempt_cap(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    client, _ = ctx.challenge(acct)
    wrong = _wrong_codes(ctx)
    baseline: tuple[int, str] | None = None
    failures = 0
    closing: Answer | None = None
    for i in range(CAP_PROBE):
        answer = ctx.call(client, "POST", VERIFY_TOTP, {"code": wrong[i % len(wrong)]})
        if answer.ok:
            return failed(f"a wrong code was accepted ({answer.describe()})")
        if baseline is None:
            baseline = _signature(answer)
        if _signature(answer) != baseline:
            closing = answer
            break
        failures += 1
    ctx.note(
        f"{failures} wrong codes answered {baseline}"
        + (f"; then {closing.describe()}" if closing else "")
    )
    right = ctx.call(client, "POST", VERIFY_TOTP, ctx.fresh(acct))
    ctx.note(
        f"the right code {right.sent['code']} on that challenge afterwards: {right.describe()}"
    )
    if right.ok:
        ctx.accepted_answer(acct, right)
        return failed(f"after {failures} wrong codes the same challenge still took the right code")
    return passed(f"after {failures} wrong codes the challenge was closed ({right.describe()})")


def account_lockout(ctx: AuditContext) -> Finding:
    """Failures spread over new challenges must still end in a throttled second factor."""
    acct = ctx.active()
    wrong = _wrong_codes(ctx)
    baseline: tuple[int, str] | None = None
    failures = challenges = 0
    locked: Answer | None = None
    while failures < LOCKOUT_PROBE and locked is None:
        client, _ = ctx.challenge(acct)
        challenges += 1
        for attempt in range(CAP_PROBE):
            answer = ctx.call(client, "POST", VERIFY_TOTP, {"code": wrong[failures % len(wrong)]})
            if answer.ok:
                return failed(f"a wrong code was accepted ({answer.describe()})")
            if answer.status == 429:  # a lock (a rate limiter's 429 was waited out)
                locked = answer
                break
            baseline = baseline or _signature(answer)
            if _signature(answer) != baseline:
                if attempt == 0:  # a fresh challenge cannot be at its cap
                    locked = answer
                break
            failures += 1
            if failures >= LOCKOUT_PROBE:
                break
    ctx.note(
        f"{failures} wrong codes over {challenges} challenges"
        + (f"; then {locked.describe()}" if locked else "")
    )
    client, _ = ctx.challenge(acct)
    right = ctx.call(client, "POST", VERIFY_TOTP, ctx.fresh(acct))
    ctx.note(f"the right code {right.sent['code']} on a new challenge: {right.describe()}")
    if right.ok:
        ctx.accepted_answer(acct, right)
        return failed(
            f"after {failures} wrong codes over {challenges} challenges the right code "
            "still signed in"
        )
    # Earlier checks may have left failures too: the count is this check's own.
    return passed(f"the second factor locked after repeated wrong codes ({right.describe()})")


def _hammer(ctx: AuditContext, client: AuthClient, path: str, body: Body,
            headers: dict[str, str] | None = None) -> tuple[int, Answer | None]:  # fmt: skip
    """Send quick requests until a 429; returns how many were sent and the 429."""
    for sent in range(1, RATE_PROBE + 1):
        answer = ctx.call(client, "POST", path, body, headers=headers, wait_on_limit=False)
        if answer.status == 429:
            return sent, answer
    return RATE_PROBE, None


def _limited(ctx: AuditContext, path: str, body: Body) -> Finding:
    sent, limited = _hammer(ctx, ctx.client(), path, body)
    if limited is None:
        return failed(f"{sent} quick requests to {path} were all answered without a 429")
    wait = limited.retry_after
    ctx.note(f"request {sent}: {limited.describe()}, retry after {wait} s")
    return passed(f"request {sent} of a quick series to {path} got 429")


def rate_limit_two_factor(ctx: AuditContext) -> Finding:
    # No challenge cookie: the endpoint refuses each, but the limiter counts them.
    return _limited(ctx, VERIFY_TOTP, {"code": "000000"})


def rate_limit_sign_in(ctx: AuditContext) -> Finding:
    # A new e-mail each time: a pause per account answers 429 to quick wrong
    # passwords at one e-mail too, but leaves a client free to try many.
    return _limited(
        ctx, "sign-in/email", lambda: {"email": _unknown_email(), "password": "wrong-password-1"}
    )


def rate_limit_not_spoofable(ctx: AuditContext) -> Finding:
    """A full bucket must stay full when the client claims another address."""
    client = ctx.client()
    sent, limited = _hammer(ctx, client, VERIFY_TOTP, {"code": "000000"})
    if limited is None:
        return skipped(f"no rate limit on {VERIFY_TOTP} to get around ({sent} requests)")
    forged = {"X-Forwarded-For": FORGED_ADDRESS, "X-Real-IP": FORGED_ADDRESS}
    answer = ctx.call(client, "POST", VERIFY_TOTP, {"code": "000000"}, headers=forged,
                      wait_on_limit=False)  # fmt: skip
    ctx.note(
        f"limited after {sent}; then with X-Forwarded-For {FORGED_ADDRESS}: {answer.describe()}"
    )
    if answer.status != 429:
        return failed(f"a forged X-Forwarded-For lifted the rate limit ({answer.describe()})")
    return passed("a forged X-Forwarded-For did not lift the rate limit")


def _unknown_email() -> str:
    return f"audit-nobody-{secrets.token_hex(6)}@example.test"


def _client_blocked(ctx: AuditContext, password: str) -> bool:
    """Whether this client itself is refused on sign-in right now (then wait it out).

    Sent just after a refused sign-in for the audited account: a client-wide
    limit that refused that one refuses this one too, so a normal answer here
    means the refusal was about the account. The e-mail is new each time: a
    server may pause an e-mail after a single failure, and a paused control
    would look like a blocked client.
    """
    body = {"email": _unknown_email(), "password": password}
    control = ctx.call(ctx.client(), "POST", "sign-in/email", body, wait_on_limit=False)
    ctx.note(f"then an unknown e-mail from the same client: {control.describe()}")
    if control.status != 429:
        return False
    if control.retry_after is None:
        raise Inconclusive("the client itself is rate-limited with no Retry-After")
    ctx.wait(control.retry_after + 0.2, "the rate limit on sign-in/email", rate_limit=True)
    return True


def password_throttle(ctx: AuditContext) -> Finding:
    """Wrong passwords on one account must slow down even the right one (per account).

    The client-wide limit could explain a refusal, so every refusal is
    followed at once by a sign-in for an unknown e-mail from the same client:
    answered normally, it shows this client is not blocked and the refusal
    was about the account (`_client_blocked`). Nothing waits out the
    account's own pause, which may be minutes long.
    """
    acct = ctx.account()
    client = ctx.client()
    wrong = "wrong-" + secrets.token_urlsafe(12)
    first: Answer | None = None
    tried = 0
    while tried < PASSWORD_PROBE:
        body = {"email": acct.email, "password": wrong}
        answer = ctx.call(client, "POST", "sign-in/email", body, wait_on_limit=False)
        if answer.ok:
            raise Inconclusive("a wrong password signed in")
        if answer.status == 429 and _client_blocked(ctx, wrong):
            continue  # the client's limit, waited out: that guess did not count
        tried += 1
        first = first or answer
        if _signature(answer) != _signature(first):
            ctx.note(f"wrong password {tried}: {answer.describe()} (different from the first)")
            break
    ctx.note(f"{tried} wrong passwords; the first answered {first.describe() if first else '-'}")
    mine = {"email": acct.email, "password": acct.password}
    for _ in range(3):
        right = ctx.call(ctx.client(), "POST", "sign-in/email", mine, wait_on_limit=False)
        ctx.note(f"the right password: {right.describe()}")
        if right.ok:
            return failed(f"after {tried} wrong passwords the right one signed in at once")
        if not _client_blocked(ctx, wrong):
            break
        # The client's own window was waited out, and the account's pause may
        # have run out meanwhile: one more wrong password, then the right one.
        again = ctx.call(client, "POST", "sign-in/email", body, wait_on_limit=False)
        ctx.note(f"one more wrong password: {again.describe()}")
    else:
        raise Inconclusive("the client stayed rate-limited; the account's own throttle is unknown")
    return passed(f"after {tried} wrong passwords the account was throttled ({right.describe()})")
