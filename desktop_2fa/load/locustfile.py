"""The enrollment round trip as a Locust user (issue 12, point 3).

    locust -f "$(desktop-2fa load --locustfile)" --host http://127.0.0.1:3000

Each simulated user runs round trips back to back (`enroll.roundtrip`), each
with a fresh throwaway account and an in-memory vault. Every step is reported
to Locust as a request named after the step ("03 activate with the first
code"), timed from its first request to its last; a failed step carries the
server's message and ends that trip (the rest are not reported). A 429 is a
failure here, not something to wait out: a load test that waits measures
nothing. Works the same on a master and its workers.

The host is the server as better-auth's client takes it: no path means
`/api/auth`, a path is the auth base itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from locust import User, constant, events, task
from locust.exception import StopUser

from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.report import Outcome, StepResult
from desktop_2fa.enroll.roundtrip import RoundTrip
from desktop_2fa.vault.model import VaultData

REQUEST_TYPE = "roundtrip"
DEFAULT_TIMEOUT = 30.0


class StepFailed(Exception):
    """A round-trip step failed; the message is the server's (or why)."""


class MemoryVault:
    """The vault a load test's throwaway accounts go into: memory only, one per trip."""

    def __init__(self) -> None:
        self._data = VaultData()

    @property
    def data(self) -> VaultData:
        return self._data

    def apply(self, edit: Callable[[VaultData], VaultData]) -> VaultData:
        """The one-writer interface (`enroll.flow.VaultSession`): one trip, one thread."""
        self._data = edit(self._data)
        return self._data


def _options(parser: Any) -> None:
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds one request of a round trip may take (desktop-2fa)",
    )


events.init_command_line_parser.add_listener(_options)  # type: ignore[no-untyped-call]


class RoundTripUser(User):
    """Runs the enrollment round trip against `--host`, over and over."""

    wait_time = constant(0)

    def on_start(self) -> None:
        if not self.host:
            self.environment.events.user_error.fire(
                user_instance=self, exception=ValueError("no --host given"), tb=None
            )
            raise StopUser()
        options = self.environment.parsed_options
        self.timeout = float(
            getattr(options, "request_timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT
        )

    @task
    def round_trip(self) -> None:
        host = str(self.host)
        numbered = iter(range(1, 100))

        def report(step: StepResult) -> None:
            index = next(numbered)
            if step.outcome is Outcome.SKIPPED:
                return
            failed = step.outcome is Outcome.FAILED
            self.environment.events.request.fire(
                request_type=REQUEST_TYPE,
                name=f"{index:02d} {step.name}",
                response_time=step.ms,
                response_length=0,
                exception=StepFailed(step.message) if failed else None,
                context={"status": step.status, "requests": step.requests},
            )

        trip = RoundTrip(
            lambda: AuthClient(host, timeout=self.timeout),
            MemoryVault(),
            clock=time.time,
            sleep=time.sleep,
            max_wait=0,
            on_step=report,
        )
        trip.run()
