"""Run an audit: the selected checks in order, each with its evidence, then clean up."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from desktop_2fa.audit import registry
from desktop_2fa.audit.answer import Finding, failed, skipped
from desktop_2fa.audit.context import AuditContext
from desktop_2fa.audit.errors import Cancelled, Inconclusive, WaitTooLong
from desktop_2fa.audit.model import AuditReport, CheckInfo, CheckResult, Progress, ProgressKind
from desktop_2fa.enroll.errors import NetworkError, UnexpectedResponse

DEFAULT_MAX_WAIT = 600.0


class Audit:
    """One audit of one server.

    Args:
        server: the server URL, by the base URL rule (`enroll.client.auth_base_url`).
        only: check ids (or id prefixes) to run; None runs all.
        email, password: audit this existing account instead of throwaway ones
            (two-factor sign-in must be off; it is turned off again at the end).
        clock: Unix time now; sleep: waits (tests pass fakes that move a clock).
        max_wait: total seconds the audit may wait out rate limits.
        on_progress: sees each check start and finish, and every second of a wait.
        cancelled: polled between requests; True skips the rest.

    Raises (from the constructor):
        UnknownCheck: `only` names no check.
        EnrollError: the server URL is not usable.
    """

    def __init__(
        self,
        server: str,
        *,
        only: tuple[str, ...] | None = None,
        email: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        verify: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = DEFAULT_MAX_WAIT,
        on_progress: Callable[[Progress], None] = lambda _p: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.checks = registry.select(only)
        self.on_progress = on_progress
        self.cancelled = cancelled
        self.clock = clock
        self._current: tuple[int, CheckInfo] = (0, self.checks[0].info)
        self.ctx = AuditContext(
            server,
            timeout=timeout,
            verify=verify,
            clock=clock,
            sleep=sleep,
            max_wait=max_wait,
            email=email,
            password=password,
            on_wait=self._waiting,
            cancelled=cancelled,
        )

    def _waiting(self, seconds_left: float, reason: str, waited: float) -> None:
        index, info = self._current
        total, budget = len(self.checks), self.ctx.max_wait
        event = Progress(
            ProgressKind.WAITING, index, total, info, seconds_left, reason, waited, budget
        )
        self.on_progress(event)

    def run(self) -> AuditReport:
        """Run the checks; a failure of the server is a FAIL, never an exception.

        Raises:
            NetworkError: the server cannot be reached at all.
            UnexpectedResponse: nothing there speaks the protocol (e.g. the wrong base path).
        """
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        started = time.perf_counter()
        try:
            self._preflight()
            results = [self._run_one(i, check) for i, check in enumerate(self.checks, start=1)]
            self._clean_up()
        finally:
            self.ctx.close()
        account = self.ctx.current_account
        return AuditReport(
            server=self.ctx.server,
            started=started_at,
            results=tuple(results),
            total_ms=(time.perf_counter() - started) * 1000,
            accounts=(account.email,) if account is not None else (),
            warnings=tuple(self.ctx.warnings),
        )

    def _preflight(self) -> None:
        client = self.ctx.client()
        response = client.send("GET", "get-session")
        url = client.url_for("get-session")
        if response.status_code == 404 or response.status_code >= 500:
            raise UnexpectedResponse(
                response.status_code,
                f"GET {url} answered {response.status_code}; give the "
                "server's auth base URL (a URL without a path means /api/auth)",
            )
        try:
            body = response.json()
        except ValueError:
            body = ""
        if response.status_code != 200 or not (body is None or isinstance(body, dict)):
            raise UnexpectedResponse(
                response.status_code, f"GET {url} answered {response.status_code} without JSON"
            )
        # The server's clock, by its Date header, once: codes are computed for
        # its time (a skew under 2 s is the header's resolution, not a skew).
        if client.clock_skew is not None and abs(client.clock_skew) >= 2:
            self.ctx.skew = client.clock_skew
        warning = client.clock_warning()
        if warning:
            self.ctx.warnings.append(warning)
        self.ctx.recorder.take()

    def _run_one(self, index: int, check: registry.Check) -> CheckResult:
        info = check.info
        self._current = (index, info)
        total = len(self.checks)
        self.on_progress(Progress(ProgressKind.STARTED, index, total, info))
        self.ctx.recorder.begin()
        self.ctx.notes = []
        started = time.perf_counter()
        finding = self._finding(check)
        exchanges, omitted = self.ctx.recorder.take()
        result = CheckResult(
            info=info,
            verdict=finding.verdict,
            summary=finding.summary,
            ms=(time.perf_counter() - started) * 1000,
            notes=tuple(self.ctx.notes),
            exchanges=exchanges,
            omitted=omitted,
        )
        self.on_progress(Progress(ProgressKind.FINISHED, index, total, info, result=result))
        return result

    def _finding(self, check: registry.Check) -> Finding:
        if self.cancelled():
            return skipped("the audit was stopped before this check")
        try:
            return check.run(self.ctx)
        except Cancelled:
            return skipped("the audit was stopped during this check")
        except WaitTooLong as e:
            return failed(f"{e}; raise --max-wait to finish it")
        except Inconclusive as e:
            return failed(f"could not complete: {e}")
        except NetworkError as e:
            return failed(f"could not complete: {e}")

    def _clean_up(self) -> None:
        """Turn 2FA off again on a tester's own account (best effort, said if it fails)."""
        account = self.ctx.current_account
        if account is None or account.throwaway or account.params is None:
            return
        try:
            answer = self.ctx.call(
                account.keeper, "POST", "two-factor/disable", {"password": account.password}
            )
        except (Inconclusive, WaitTooLong, Cancelled) as e:
            self.ctx.warnings.append(f"could not turn two-factor sign-in off again: {e}")
            return
        if not answer.ok:
            self.ctx.warnings.append(
                f"could not turn two-factor sign-in off again for {account.email}: "
                f"{answer.describe()}"
            )
