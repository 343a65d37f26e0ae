"""A round trip's report: a table for people, JSON for scripts, JUnit XML for CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "pass"
    FAILED = "fail"
    SKIPPED = "skip"


@dataclass(frozen=True, slots=True)
class StepResult:
    """One step of the round trip.

    Attributes:
        name: what the step checks ("a wrong code is refused").
        status: HTTP status of the step's last exchange (None: no answer).
        ms: wall time of the step, waits for a rate limit included.
        outcome: pass, fail or skip.
        message: the server's message, or why the step failed.
        requests: method and full URL of each exchange of the step, in order
            ("POST http://host/api/auth/sign-in/email").
    """

    name: str
    status: int | None
    ms: float
    outcome: Outcome
    message: str = ""
    requests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    server: str
    email: str
    steps: tuple[StepResult, ...]
    total_ms: float
    warnings: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.outcome is Outcome.PASSED for s in self.steps)

    def _endpoints(self, requests: tuple[str, ...]) -> str:
        """`POST sign-in/email, GET get-session` for requests under the report's base URL."""
        shown = []
        for request in requests:
            method, _, url = request.partition(" ")
            inside = url.startswith(self.server + "/")
            shown.append(f"{method} {url[len(self.server) + 1 :]}" if inside else request)
        return ", ".join(shown) or "-"

    def as_table(self) -> str:
        rows = [("#", "step", "requests", "HTTP", "ms", "result", "message")]
        for i, s in enumerate(self.steps, start=1):
            status = "-" if s.status is None else str(s.status)
            rows.append(
                (str(i), s.name, self._endpoints(s.requests), status, f"{s.ms:.0f}",
                 s.outcome.value, s.message)
            )  # fmt: skip
        widths = [max(len(r[c]) for r in rows) for c in range(6)]
        lines = [
            f"Round trip against {self.server} as {self.email}",
            f"(requests below are relative to {self.server}/)",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        for r in rows:
            lines.append("  ".join(r[c].ljust(widths[c]) for c in range(6)) + "  " + r[6])
        verdict = "PASSED" if self.passed else "FAILED"
        passed = sum(1 for s in self.steps if s.outcome is Outcome.PASSED)
        skipped = sum(1 for s in self.steps if s.outcome is Outcome.SKIPPED)
        lines.append(
            f"{verdict}: {passed} of {len(self.steps)} steps ok"
            + (f", {skipped} skipped" if skipped else "")
            + f" in {self.total_ms / 1000:.2f} s"
        )
        return "\n".join(line.rstrip() for line in lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "server": self.server,
            "email": self.email,
            "passed": self.passed,
            "total_ms": round(self.total_ms, 1),
            "warnings": list(self.warnings),
            "steps": [
                {
                    "name": s.name,
                    "status": s.status,
                    "ms": round(s.ms, 1),
                    "outcome": s.outcome.value,
                    "message": s.message,
                    "requests": list(s.requests),
                }
                for s in self.steps
            ],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def as_junit(self) -> str:
        """JUnit XML as CI servers read it: one testcase per step."""
        failures = sum(1 for s in self.steps if s.outcome is Outcome.FAILED)
        skipped = sum(1 for s in self.steps if s.outcome is Outcome.SKIPPED)
        suite = ET.Element(
            "testsuite",
            {
                "name": "desktop-2fa enrollment round trip",
                "tests": str(len(self.steps)),
                "failures": str(failures),
                "errors": "0",
                "skipped": str(skipped),
                "time": f"{self.total_ms / 1000:.3f}",
            },
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "server", "value": self.server})
        for i, s in enumerate(self.steps, start=1):
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": "roundtrip",
                    "name": f"{i:02d} {s.name}",
                    "time": f"{s.ms / 1000:.3f}",
                },
            )
            if s.outcome is Outcome.FAILED:
                failure = ET.SubElement(case, "failure", {"message": s.message})
                failure.text = f"HTTP {s.status}: {s.message}"
            elif s.outcome is Outcome.SKIPPED:
                ET.SubElement(case, "skipped", {"message": s.message})
            elif s.message or s.requests:
                ET.SubElement(case, "system-out").text = "\n".join(
                    [*s.requests, s.message] if s.message else s.requests
                )
        ET.indent(suite)
        return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
