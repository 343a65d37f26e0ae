"""What an audit is made of: checks, their verdicts, their evidence, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a failure of the check is for the people who sign in there."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A check as the report describes it.

    Attributes:
        id: stable, for `--only` and CI ("totp-replay-session").
        title: one line a tester reads.
        requirement: what must hold, in our words.
        sources: where the requirement comes from ("RFC 6238 section 5.2").
        severity: how bad a FAIL is.
    """

    id: str
    title: str
    requirement: str
    sources: tuple[str, ...]
    severity: Severity


@dataclass(frozen=True, slots=True)
class RecordedExchange:
    """One HTTP exchange as evidence: bounded, with secrets masked.

    Attributes:
        at: seconds since the audit started.
        request_headers / response_headers: (name, value) pairs, few and short;
            cookie values are replaced by their length.
        request_body / response_body: text, cut to a few KiB, with passwords,
            session tokens, TOTP secrets and backup codes masked.
        status: None when no HTTP answer came (`error` says why).
    """

    at: float
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    status: int | None
    response_headers: tuple[tuple[str, str], ...]
    response_body: str
    ms: float
    error: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one check and why.

    Attributes:
        summary: one sentence: what was seen.
        notes: the reasoning, step by step (codes sent, what was expected).
        exchanges: the HTTP exchanges the check made, in order (bounded).
        omitted: exchanges not recorded because the cap was reached.
    """

    info: CheckInfo
    verdict: Verdict
    summary: str
    ms: float
    notes: tuple[str, ...] = ()
    exchanges: tuple[RecordedExchange, ...] = ()
    omitted: int = 0


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Everything an audit found.

    Attributes:
        server: the auth base URL every endpoint hung below.
        started: ISO-8601 UTC time the audit began.
        accounts: e-mails of the accounts used (throwaway unless --email).
        warnings: things a tester should know (clock skew, cleanup failures).
    """

    server: str
    started: str
    results: tuple[CheckResult, ...]
    total_ms: float
    accounts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.results if r.verdict is verdict)

    @property
    def passed(self) -> bool:
        """No check failed (skipped ones are listed, not counted against)."""
        return bool(self.results) and self.count(Verdict.FAIL) == 0


class ProgressKind(StrEnum):
    STARTED = "started"
    WAITING = "waiting"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Progress:
    """A live event for the CLI's stderr and the GUI's Audit tab.

    Attributes:
        index: 1-based position of the check among those selected; total: their count.
        seconds_left: WAITING only: how long this wait still lasts.
        reason: WAITING only: what is waited for.
        waited: seconds spent waiting out rate limits so far; budget: --max-wait.
        result: FINISHED only.
    """

    kind: ProgressKind
    index: int
    total: int
    check: CheckInfo
    seconds_left: float = 0.0
    reason: str = ""
    waited: float = 0.0
    budget: float = 0.0
    result: CheckResult | None = None
