"""An audit report as a table for people, JSON for scripts, JUnit XML for CI.

Everything from the server was made printable (control characters escaped,
lengths bounded) when it was recorded (`evidence.printable`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from desktop_2fa.audit.evidence import printable
from desktop_2fa.audit.model import AuditReport, CheckResult, RecordedExchange, Verdict

MARK = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.SKIP: "SKIP"}


def exchange_lines(ex: RecordedExchange) -> list[str]:
    """One exchange as a few lines of text."""
    status = ex.status if ex.status is not None else f"no answer ({ex.error})"
    lines = [f"+{ex.at:.3f}s {ex.method} {ex.url} -> {status} in {ex.ms:.0f} ms"]
    for name, value in ex.request_headers:
        lines.append(f"    > {name}: {value}")
    if ex.request_body:
        lines.append(f"    > {ex.request_body}")
    for name, value in ex.response_headers:
        if name in ("set-cookie", "x-retry-after", "retry-after", "location", "…"):
            lines.append(f"    < {name}: {value}")
    if ex.response_body:
        lines.append(f"    < {ex.response_body}")
    return lines


def _same(a: RecordedExchange, b: RecordedExchange) -> bool:
    """Alike but for when and how long (a quick series of probes)."""
    keep = ("method", "url", "request_headers", "request_body", "status", "response_body")
    return all(getattr(a, k) == getattr(b, k) for k in keep)


def _runs(exchanges: tuple[RecordedExchange, ...]) -> list[tuple[RecordedExchange, int]]:
    """Consecutive identical exchanges as (the first, how many more)."""
    runs: list[tuple[RecordedExchange, int]] = []
    for ex in exchanges:
        if runs and _same(runs[-1][0], ex):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((ex, 0))
    return runs


def detail_lines(result: CheckResult) -> list[str]:
    """Requirement, reasoning and evidence of one check."""
    info = result.info
    lines = [
        f"{info.id}: {info.title} ({info.severity.value}) - {MARK[result.verdict]}",
        f"  requirement: {info.requirement} [{'; '.join(info.sources)}]",
        f"  result: {result.summary}",
    ]
    lines += [f"  - {note}" for note in result.notes]
    if result.exchanges:
        lines.append("  evidence:")
        for ex, repeats in _runs(result.exchanges):
            lines += ["    " + line for line in exchange_lines(ex)]
            if repeats:
                lines.append(f"    (and {repeats} more times the same)")
    if result.omitted:
        lines.append(f"    ({result.omitted} more exchanges not recorded)")
    return lines


def verdict_line(report: AuditReport) -> str:
    failed = [r.info.id for r in report.results if r.verdict is Verdict.FAIL]
    total = len(report.results)
    head = (
        f"FAILED: {len(failed)} of {total} checks failed ({', '.join(failed)})"
        if failed
        else (f"PASSED: {report.count(Verdict.PASS)} of {total} checks passed")
    )
    skipped = report.count(Verdict.SKIP)
    return (
        head + (f", {skipped} skipped" if skipped else "") + f" in {report.total_ms / 1000:.1f} s"
    )


def as_table(report: AuditReport, *, details: bool = False) -> str:
    """The summary table; failed checks (or all, with `details`) explained below it."""
    lines = [f"Audit of {report.server} (started {report.started})"]
    if report.accounts:
        lines.append(f"account: {', '.join(report.accounts)}")
    lines += [f"warning: {w}" for w in report.warnings]
    rows = [("#", "check", "severity", "result", "summary")]
    for i, r in enumerate(report.results, start=1):
        rows.append((str(i), r.info.id, r.info.severity.value, MARK[r.verdict], r.summary))
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    for row in rows:
        lines.append("  ".join(row[c].ljust(widths[c]) for c in range(4)) + "  " + row[4])
    lines.append(verdict_line(report))
    shown = [r for r in report.results if details or r.verdict is Verdict.FAIL]
    for result in shown:
        lines.append("")
        lines += detail_lines(result)
    return "\n".join(printable(line.rstrip(), 4000) for line in lines)


def _exchange_dict(ex: RecordedExchange) -> dict[str, object]:
    return {
        "at": ex.at,
        "method": ex.method,
        "url": ex.url,
        "request_headers": [list(h) for h in ex.request_headers],
        "request_body": ex.request_body,
        "status": ex.status,
        "response_headers": [list(h) for h in ex.response_headers],
        "response_body": ex.response_body,
        "ms": ex.ms,
        "error": ex.error,
    }


def as_dict(report: AuditReport) -> dict[str, object]:
    return {
        "tool": "desktop-2fa audit",
        "server": report.server,
        "started": report.started,
        "passed": report.passed,
        "counts": {v.value: report.count(v) for v in Verdict},
        "total_ms": round(report.total_ms, 1),
        "accounts": list(report.accounts),
        "warnings": list(report.warnings),
        "checks": [
            {
                "id": r.info.id,
                "title": r.info.title,
                "requirement": r.info.requirement,
                "sources": list(r.info.sources),
                "severity": r.info.severity.value,
                "verdict": r.verdict.value,
                "summary": r.summary,
                "ms": round(r.ms, 1),
                "notes": list(r.notes),
                "evidence": [_exchange_dict(ex) for ex in r.exchanges],
                "evidence_omitted": r.omitted,
            }
            for r in report.results
        ],
    }


def as_json(report: AuditReport) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False)


def as_junit(report: AuditReport) -> str:
    """JUnit XML: one testcase per check, the evidence in the failure text."""
    suite = ET.Element(
        "testsuite",
        {
            "name": "desktop-2fa audit",
            "tests": str(len(report.results)),
            "failures": str(report.count(Verdict.FAIL)),
            "errors": "0",
            "skipped": str(report.count(Verdict.SKIP)),
            "time": f"{report.total_ms / 1000:.3f}",
        },
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "server", "value": report.server})
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"audit.{r.info.severity.value}", "name": f"{r.info.id}: {r.info.title}",
             "time": f"{r.ms / 1000:.3f}"},
        )  # fmt: skip
        if r.verdict is Verdict.FAIL:
            failure = ET.SubElement(case, "failure", {"message": r.summary})
            failure.text = "\n".join(detail_lines(r))
        elif r.verdict is Verdict.SKIP:
            ET.SubElement(case, "skipped", {"message": r.summary})
        else:
            ET.SubElement(case, "system-out").text = "\n".join(detail_lines(r))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
