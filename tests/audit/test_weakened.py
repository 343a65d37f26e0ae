"""Every audit check FAILs against a server weakened in exactly the way it checks.

Each case starts the reference server with one part swapped or wrapped
(`tests/audit/weakened.py`) and runs only the check(s) concerned. The
reference server itself passes them all (test_reference_server.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

import server_stub.app
from desktop_2fa.audit.model import Verdict
from desktop_2fa.audit.registry import ids
from server_stub.services import ids as server_ids
from server_stub.services import totp as server_totp
from server_stub.settings import RateLimit
from tests.audit import weakened as w
from tests.audit.conftest import result, run_audit
from tests.server.support import MovableClock

Setup = Callable[[pytest.MonkeyPatch], dict[str, Any]]


def _patch(target: object, name: str, value: object, **options: Any) -> Setup:
    def setup(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        monkeypatch.setattr(target, name, value)
        return options

    return setup


def _options(**options: Any) -> Setup:
    return lambda _mp: options


def _code_cache(path: str, code: str, message: str, store: type, **kw: Any) -> Setup:
    return _options(store=store(), wrap=partial(w.CodeCache, path=path, code=code,
                                                 message=message, **kw))  # fmt: skip


TOTP_CACHE = ("/two-factor/verify-totp", "INVALID_CODE", "Invalid code")
BACKUP_CACHE = ("/two-factor/verify-backup-code", "INVALID_BACKUP_CODE", "Invalid backup code")

#: check id -> (how the server is weakened, words the FAIL summary must contain)
CASES: dict[str, tuple[Setup, str]] = {
    "totp-secret-entropy": (
        _patch(server_ids, "new_totp_key", w.short_totp_key), "has 80 bits"),
    "backup-code-entropy": (
        _patch(server_ids, "new_backup_codes", w.short_backup_codes), "about 13.3 bits"),
    "totp-uri-needs-password": (
        _patch(server_stub.app, "TwoFactorService", w.UriWithoutPassword), "gave the TOTP secret"),
    "origin-check": (
        _patch(server_stub.app, "OriginPolicy", w.NoOriginCheck), "reached the endpoint"),
    "clock-window": (_patch(server_totp, "WINDOW", 3), "was accepted"),
    "session-rotated-on-enable": (
        _patch(server_stub.app, "AccountService", w.NoRotation), "did not change"),
    "totp-replay-session": (_options(store=w.NoReplayStore()), "accepted a second time"),
    "totp-replay-new-challenge": (_options(store=w.NoReplayStore()), "signed in again"),
    "totp-replay-whitespace": (
        _code_cache(*TOTP_CACHE, w.NoReplayStore, normalize=True), "accepted again as '"),
    "totp-replay-concurrent": (
        _code_cache(*TOTP_CACHE, w.NoReplayStore, gap=0.3), "both simultaneous"),
    "backup-code-race": (
        _code_cache(*BACKUP_CACHE, w.ReusableBackupCodes, gap=0.3), "simultaneous redemptions"),
    "backup-code-single-use": (
        _options(store=w.ReusableBackupCodes()), "signed in a second time"),
    "challenge-cookie-single-use": (
        _options(store=w.ReusableChallenges()), "signed in again"),
    "challenge-cookie-expires": (_options(challenge_max_age=86_400), "lives 86400 s"),
    "cookie-attributes": (_options(wrap=w.LaxCookies), "lacks HttpOnly, SameSite"),
    "disable-needs-password": (
        _patch(server_stub.app, "TwoFactorService", w.DisableWithoutPassword), "turned off"),
    "sign-in-enumeration": (
        _patch(server_stub.app, "AccountService", w.TellsUnknownEmails), "an unknown e-mail 400"),
    "challenge-attempt-cap": (
        _options(challenge_max_attempts=1000, lockout_max_failures=10**6), "still took"),
    "account-lockout": (_options(lockout_max_failures=10**6), "still signed in"),
    "rate-limit-two-factor": (_options(rate_limit=None), "all answered without a 429"),
    # The client address from X-Forwarded-For, believed from 127.0.0.1.
    "rate-limit-not-spoofable": (
        _options(trusted_proxies=("127.0.0.1",)), "lifted the rate limit"),
    # Only /two-factor/* limited; the pause per e-mail stays on: it stops
    # guessing at one account, not one client spraying many.
    "rate-limit-sign-in": (
        _options(rate_limit=RateLimit(path_prefixes=("/two-factor/",))), "without a 429"),
    "password-throttle-account": (_options(sign_in_throttle=None), "signed in at once"),
}  # fmt: skip


def test_every_check_has_a_weakened_server() -> None:
    assert sorted(CASES) == sorted(ids())


@pytest.mark.parametrize("check_id", list(CASES))
def test_the_check_fails_against_its_weakened_server(
    check_id: str,
    serve: Callable[..., str],
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup, words = CASES[check_id]
    url = serve(**setup(monkeypatch))
    report = run_audit(url, clock, check_id)
    found = result(report, check_id)
    assert found.verdict is Verdict.FAIL, found
    assert words in found.summary, found.summary
    assert not found.summary.startswith("could not complete"), found.summary
    assert found.exchanges, "a FAIL comes with its evidence"
    assert not report.passed


def test_only_the_race_fails_when_replays_are_refused_one_at_a_time(
    serve: Callable[..., str], clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The concurrent check finds what the sequential ones cannot."""
    url = serve(**_code_cache(*TOTP_CACHE, w.NoReplayStore, gap=0.3)(monkeypatch))
    report = run_audit(url, clock, "totp-replay")
    verdicts = {r.info.id: r.verdict for r in report.results}
    assert verdicts == {
        "totp-replay-session": Verdict.PASS,
        "totp-replay-new-challenge": Verdict.PASS,
        "totp-replay-whitespace": Verdict.PASS,
        "totp-replay-concurrent": Verdict.FAIL,
    }
