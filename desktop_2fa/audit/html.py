"""An audit report as one self-contained HTML page.

Every string goes through `html.escape` (server messages, headers and bodies
are attacker-controlled), and the page forbids scripts and every outside
resource by its Content-Security-Policy, so a hostile server cannot run code
in the tester's browser through the report.
"""

from __future__ import annotations

from html import escape

from desktop_2fa.audit.model import AuditReport, CheckResult, RecordedExchange, Verdict
from desktop_2fa.audit.report import exchange_lines, verdict_line

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #cf222e; font-weight: bold; }
.skip { color: #6e7781; font-weight: bold; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; white-space: pre-wrap;
      word-break: break-all; }
details { margin: 1em 0; } summary { cursor: pointer; font-weight: bold; }
.meta { color: #57606a; }
td:nth-child(2) { white-space: nowrap; }
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _verdict(result: CheckResult) -> str:
    v = result.verdict
    return f'<span class="{_e(v.value)}">{_e(v.value.upper())}</span>'


def _exchange(ex: RecordedExchange) -> str:
    return "<pre>" + _e("\n".join(exchange_lines(ex))) + "</pre>"


def _details(result: CheckResult) -> str:
    info = result.info
    parts = [
        f'<details id="{_e(info.id)}"{" open" if result.verdict is Verdict.FAIL else ""}>',
        f"<summary>{_verdict(result)} {_e(info.id)}: {_e(info.title)}</summary>",
        f"<p><b>Requirement:</b> {_e(info.requirement)} "
        f'<span class="meta">({_e("; ".join(info.sources))}; severity '
        f"{_e(info.severity.value)})</span></p>",
        f"<p><b>Result:</b> {_e(result.summary)} "
        f'<span class="meta">({result.ms:.0f} ms)</span></p>',
    ]
    if result.notes:
        parts.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.notes) + "</ul>")
    if result.exchanges:
        parts.append("<p><b>Evidence</b> (secrets masked):</p>")
        parts += [_exchange(ex) for ex in result.exchanges]
    if result.omitted:
        parts.append(f"<p class='meta'>{result.omitted} more exchanges not recorded.</p>")
    parts.append("</details>")
    return "\n".join(parts)


def as_html(report: AuditReport) -> str:
    rows = "\n".join(
        f"<tr><td>{i}</td><td><a href='#{_e(r.info.id)}'>{_e(r.info.id)}</a></td>"
        f"<td>{_e(r.info.severity.value)}</td><td>{_verdict(r)}</td><td>{_e(r.summary)}</td></tr>"
        for i, r in enumerate(report.results, start=1)
    )
    warnings = "".join(f"<p><b>Warning:</b> {_e(w)}</p>" for w in report.warnings)
    accounts = ", ".join(report.accounts) or "none"
    details = "\n".join(_details(r) for r in report.results)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<title>desktop-2fa audit of {_e(report.server)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Two-factor audit of {_e(report.server)}</h1>
<p class="meta">Started {_e(report.started)}; account {_e(accounts)}.</p>
{warnings}
<p><b>{_e(verdict_line(report))}</b></p>
<table>
<tr><th>#</th><th>Check</th><th>Severity</th><th>Result</th><th>Summary</th></tr>
{rows}
</table>
<h2>Checks in detail</h2>
{details}
</body>
</html>
"""
