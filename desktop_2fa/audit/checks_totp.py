"""Checks of the TOTP factor: secret size, clock window, and replays (RFC 6238 section 5.2).

"The verifier MUST NOT accept the second attempt of the same OTP after the
successful validation has been issued for the first OTP" (RFC 6238 section
5.2). better-auth 1.7.25 accepts the same code again within its window
(PROTOCOL.md section 5). Each replay check first makes sure the code was
accepted once, then sends it again another way; where a refusal could have
another cause, a fresh code sent the same way must be accepted (a positive
control), or the check cannot conclude.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from desktop_2fa.audit.answer import Answer, Body, Finding, failed, passed
from desktop_2fa.audit.context import MARGIN, AuditContext
from desktop_2fa.audit.errors import Inconclusive
from desktop_2fa.core.otp import time_step
from desktop_2fa.enroll.client import AuthClient

VERIFY_TOTP = "two-factor/verify-totp"


def _verify(ctx: AuditContext, client: AuthClient, body: Body) -> Answer:
    return ctx.call(client, "POST", VERIFY_TOTP, body)


def secret_entropy(ctx: AuditContext) -> Finding:
    acct = ctx.enabled()
    assert acct.params is not None
    size = len(acct.params.secret)
    bits = size * 8
    ctx.note(f"the totpURI's secret decodes to {size} bytes ({bits} bits)")
    if bits < 128:
        return failed(f"the TOTP secret has {bits} bits; RFC 4226 requires at least 128")
    extra = "" if bits >= 160 else ", under the 160 RFC 4226 recommends"
    return passed(f"the TOTP secret has {bits} bits{extra}")


def clock_window(ctx: AuditContext) -> Finding:
    """Codes two steps before and after the server's time are refused.

    Sent while 2FA is still being turned on (session mode), when no code has
    been used, so a refusal cannot come from replay protection instead.
    """
    acct = ctx.enabled()
    params = acct.params
    assert params is not None
    if acct.active:
        client, _ = ctx.challenge(acct)
        ctx.note("2FA is already on: probing on a sign-in challenge")
    else:
        client = acct.keeper
        ctx.note("probing in session mode, before any code was accepted")
    accepted = []
    for label, ahead in (("2 steps behind", False), ("2 steps ahead", True)):
        steps: list[int] = []

        def probe(ahead: bool = ahead, steps: list[int] = steps) -> dict[str, object]:
            # Whatever the server's step is when this lands, it is two steps away.
            now = ctx.now()
            step = (
                time_step(params, now + MARGIN) + 2
                if ahead
                else (time_step(params, now - MARGIN) - 2)
            )
            steps.append(step)
            return {"code": ctx.code_at(acct, step)}

        if not ahead and acct.last_step is not None:
            ctx.note(f"{label}: skipped, older than a code already used (replay would refuse it)")
            continue
        answer = _verify(ctx, client, probe)
        ctx.note(f"{label} (time step {steps[-1]}): {answer.sent['code']} -> {answer.describe()}")
        if answer.ok:
            ctx.accepted(acct, steps[-1])
            accepted.append(label)
    if accepted:
        return failed(f"a code {' and a code '.join(accepted)} of the server's time was accepted")
    return passed("codes two steps behind and ahead were refused")


def replay_session(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    answer = _verify(ctx, acct.keeper, ctx.recent(acct))
    ctx.cite_acceptance(acct)
    code = answer.sent["code"]
    ctx.note(f"the accepted code {code} again, signed in: {answer.describe()}")
    if answer.ok:
        return failed(f"the same code {code} was accepted a second time in the same session")
    return passed(f"the second use of {code} in the session was refused ({answer.describe()})")


def replay_new_challenge(ctx: AuditContext) -> Finding:
    acct = ctx.active()
    client, _ = ctx.challenge(acct)
    answer = _verify(ctx, client, ctx.recent(acct))
    ctx.cite_acceptance(acct)
    code = answer.sent["code"]
    ctx.note(f"the accepted code {code} on a new sign-in challenge: {answer.describe()}")
    if answer.ok:
        return failed(f"the already used code {code} signed in again on a new challenge")
    control = _verify(ctx, client, ctx.fresh(acct))
    fresh = control.sent["code"]
    ctx.note(f"positive control, a fresh code {fresh} on that challenge: {control.describe()}")
    if not control.ok:
        raise Inconclusive(
            f"a fresh code was refused too ({control.describe()}), so the refusal proves nothing"
        )
    ctx.accepted_answer(acct, control)
    return passed(f"the used code was refused ({answer.describe()}); a fresh one was accepted")


def replay_whitespace(ctx: AuditContext) -> Finding:
    """A used code dressed in whitespace must not pass as a new one."""
    acct = ctx.active()
    client, _ = ctx.challenge(acct)
    shapes: tuple[Callable[[str], str], ...] = (lambda c: f"{c[:3]} {c[3:]}", lambda c: f" {c}\t")
    for shape in shapes:

        def reshaped(shape: Callable[[str], str] = shape) -> dict[str, object]:
            return {"code": shape(ctx.recent_code(acct)[0])}

        answer = _verify(ctx, client, reshaped)
        variant = answer.sent["code"]
        ctx.note(f"{variant!r}: {answer.describe()}")
        if answer.ok:
            return failed(f"a used code was accepted again as {variant!r}")
    return passed("a used code with whitespace added was refused")


def replay_concurrent(ctx: AuditContext) -> Finding:
    """One fresh code on two challenges at the same moment: at most one may sign in."""
    acct = ctx.active()
    first, _ = ctx.challenge(acct)
    second, _ = ctx.challenge(acct)
    for attempt in range(3):
        code, _ = ctx.fresh_code(acct)
        answers = ctx.at_once(
            [partial(_verify_now, ctx, client, code) for client in (first, second)]
        )
        shown = [a.describe() if isinstance(a, Answer) else f"error: {a}" for a in answers]
        ctx.note(f"{code} on two challenges at once: {'; '.join(shown)}")
        got = [a for a in answers if isinstance(a, Answer)]
        accepted = sum(1 for a in got if a.ok)
        if accepted:
            ctx.accepted_answer(acct, next(a for a in got if a.ok))
        limited = [a.retry_after or 0.0 for a in got if a.is_rate_limiter]
        if not limited or accepted > 1 or attempt == 2:
            break
        # One of the two never reached the check: no race. Again after the wait.
        ctx.wait(max(limited) + 0.2, f"the rate limit on {VERIFY_TOTP}", rate_limit=True)
        if accepted:
            first, _ = ctx.challenge(acct)
            second, _ = ctx.challenge(acct)
    if accepted > 1:
        return failed(f"both simultaneous submissions of {code} signed in")
    if accepted == 0:
        raise Inconclusive(f"neither simultaneous submission of a fresh code was accepted: {shown}")
    return passed(f"one of two simultaneous submissions of {code} signed in, the other was refused")


def _verify_now(ctx: AuditContext, client: AuthClient, code: str) -> Answer:
    return ctx.call(client, "POST", VERIFY_TOTP, {"code": code}, wait_on_limit=False)
