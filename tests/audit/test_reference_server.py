"""The audit against the reference server with its default settings (issue 12, point 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_2fa.audit.model import Verdict
from desktop_2fa.audit.registry import ids
from server_stub.storage.records import SignInThrottle
from tests.audit.conftest import result, run_audit
from tests.server.support import MovableClock


@pytest.mark.slow
def test_the_audit_against_the_reference_server_passes_every_check(
    serve: Callable[..., str], clock: MovableClock
) -> None:
    url = serve()  # default settings: the 5 per 60 s limit on /two-factor/* is on
    report = run_audit(url, clock)
    assert [r.info.id for r in report.results] == list(ids())
    not_passed = {r.info.id for r in report.results if r.verdict is not Verdict.PASS}
    failures = {r.info.id: r.summary for r in report.results if r.verdict is not Verdict.PASS}
    assert not_passed == set(), failures
    assert report.server == url + "/api/auth"
    # Rate limits were met and waited out (the clock moved, no real time passed).
    waited = [n for r in report.results for n in r.notes if "rate limited; waiting" in n]
    assert waited
    # Evidence is there for every check that talked to the server.
    replay = result(report, "totp-replay-new-challenge")
    assert replay.exchanges and replay.exchanges[-1].status == 200
    assert any('"code"' in ex.request_body for ex in replay.exchanges)


@pytest.mark.parametrize(
    "options",
    [
        # A 15-minute lock after one wrong password, and the client limit on.
        {"sign_in_throttle": SignInThrottle(free=1, first_pause=900, longest_pause=900)},
        # The same lock with no client limit at all.
        {"sign_in_throttle": SignInThrottle(free=1, first_pause=900, longest_pause=900),
         "rate_limit": None},
        # The default pause with no client limit.
        {"rate_limit": None},
    ],
    ids=["strict-lock", "strict-lock-no-rate-limit", "default-pause-no-rate-limit"],
)  # fmt: skip
def test_a_stricter_pause_per_e_mail_passes_the_throttle_check(
    serve: Callable[..., str], clock: MovableClock, options: dict[str, object]
) -> None:
    """The unknown e-mails that tell the client's limit from the account's must
    never be paused themselves, however strict the server is about e-mails."""
    url = serve(**options)
    report = run_audit(url, clock, "password-throttle-account", max_wait=600)
    found = result(report, "password-throttle-account")
    assert found.verdict is Verdict.PASS, (found.summary, found.notes)
