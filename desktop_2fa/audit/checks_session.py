"""Checks of sessions and cookies: rotation, attributes, the Origin rule, enumeration."""

from __future__ import annotations

import secrets

from desktop_2fa.audit.answer import Finding, cookie_header, failed, passed
from desktop_2fa.audit.context import AuditContext
from desktop_2fa.audit.errors import Inconclusive

#: A foreign origin for the CSRF probe (a reserved name, RFC 2606; never contacted).
FOREIGN_ORIGIN = "https://attacker.example"


def session_rotated(ctx: AuditContext) -> Finding:
    """Turning 2FA on must replace the session (OWASP ASVS 5.0 V7.2.4: session fixation)."""
    acct = ctx.enabled()
    old = acct.before_activation
    if not acct.active:
        ctx.active()
    new = cookie_header(acct.keeper)
    ctx.note("cookies before 2FA was turned on kept; asking get-session with them")
    probe = ctx.client()
    answer = ctx.call(probe, "GET", "get-session", headers={"Cookie": old})
    session = answer.field("session")
    ctx.note(f"get-session with the cookies from before: {answer.describe()}")
    if old == new:
        return failed("the session cookie did not change when two-factor sign-in was turned on")
    if isinstance(session, dict):
        return failed("the session from before two-factor sign-in was turned on still works")
    return passed("the session was replaced and the old one no longer works")


def origin_check(ctx: AuditContext) -> Finding:
    """State-changing POSTs with cookies need a trusted Origin (OWASP ASVS 5.0 V3.5.1).

    The probe is `disable` with a wrong password: harmless if it gets through
    (the password check refuses it), and telling: a 403 comes before the
    password is looked at.
    """
    acct = ctx.account()
    body = {"password": "wrong-" + secrets.token_urlsafe(12)}
    through = []
    for label, headers, origin in (
        ("no Origin or Referer", {}, False),
        (f"Origin {FOREIGN_ORIGIN}", {"Origin": FOREIGN_ORIGIN}, True),
    ):
        answer = ctx.call(acct.keeper, "POST", "two-factor/disable", body, headers=headers,
                          origin=origin)  # fmt: skip
        ctx.note(f"disable with the session cookie and {label}: {answer.describe()}")
        refused = answer.status == 403 or any(w in answer.code for w in ("ORIGIN", "CSRF"))
        if not refused:
            through.append(f"{label} ({answer.describe()})")
    if through:
        return failed(f"a cookie-carrying POST reached the endpoint with {'; '.join(through)}")
    return passed("POSTs with cookies and no or a foreign Origin were refused with 403")


def cookie_attributes(ctx: AuditContext) -> Finding:
    """HttpOnly, SameSite Lax/Strict, and Secure on https (OWASP ASVS 5.0 V3.3.1, .2, .4)."""
    acct = ctx.active()
    ctx.challenge(acct)  # makes sure the challenge cookie has been seen too
    seen = dict(ctx.recorder.cookies_set)
    if not seen:
        raise Inconclusive("the server set no cookie")
    https = ctx.server.startswith("https://")
    problems = []
    for name, (cookie, url) in sorted(seen.items()):
        missing = []
        if "httponly" not in cookie.attributes:
            missing.append("HttpOnly")
        if cookie.same_site not in ("lax", "strict"):
            missing.append(f"SameSite Lax or Strict (has {cookie.same_site or 'none'})")
        if https and "secure" not in cookie.attributes:
            missing.append("Secure")
        attrs = "; ".join(f"{k}={v}" if v else k for k, v in cookie.attributes.items())
        ctx.note(f"{name} (set by {url}): {attrs}")
        if missing:
            problems.append(f"{name} lacks {', '.join(missing)}")
    if problems:
        return failed("; ".join(problems))
    secure = " and Secure" if https else " (Secure is not required on http)"
    return passed(f"{len(seen)} cookies, all HttpOnly with SameSite Lax/Strict{secure}")


def sign_in_enumeration(ctx: AuditContext) -> Finding:
    """A wrong password and an unknown e-mail answer alike (OWASP ASVS 5.0 V6.3.8)."""
    acct = ctx.account()
    wrong = "wrong-" + secrets.token_urlsafe(12)
    unknown = f"audit-nobody-{secrets.token_hex(6)}@example.test"
    answers = []
    for label, email in (("a wrong password", acct.email), ("an unknown e-mail", unknown)):
        answer = ctx.call(
            ctx.client(), "POST", "sign-in/email", {"email": email, "password": wrong}
        )
        ctx.note(f"{label}: {answer.describe()} in {answer.ms:.0f} ms")
        answers.append(answer)
    known, other = answers
    same = (known.status, known.code, known.field("message")) == (
        other.status,
        other.code,
        other.field("message"),
    )
    if known.ok or other.ok:
        raise Inconclusive("a sign-in with a wrong password succeeded")
    if not same:
        return failed(
            f"a wrong password answers {known.describe()}, an unknown e-mail {other.describe()}"
        )
    ctx.note("timings are shown for a human to judge; one sample each proves nothing")
    return passed(f"both answered {known.describe()}")
