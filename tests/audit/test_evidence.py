"""Evidence is bounded and masked, and nothing a server sends can act in a report."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop_2fa.audit.evidence import MAX_BODY_CHARS, MAX_EXCHANGES, Recorder
from desktop_2fa.audit.html import as_html
from desktop_2fa.audit.model import Verdict
from desktop_2fa.audit.report import as_json, as_junit, as_table
from tests.audit.conftest import result, run_audit
from tests.server.support import MovableClock

HOSTILE = "<script>alert(1)</script>\x1b[2J\r\nFAKE LINE \u202e\"'><img src=x onerror=alert(2)>"


class Rewrite:
    """Replaces the answers to one endpoint by `body` (status kept)."""

    def __init__(self, app: ASGIApp, path: str, body: bytes) -> None:
        self.app, self.path, self.body = app, path, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith(self.path):
            await self.app(scope, receive, send)
            return

        async def swap(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k != b"content-length"]
                headers.append((b"content-length", str(len(self.body)).encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                message = {**message, "body": self.body}
            await send(message)

        await self.app(scope, receive, swap)


def test_a_hostile_message_is_inert_in_every_report_format(
    serve: Callable[..., str], clock: MovableClock
) -> None:
    body = json.dumps({"message": HOSTILE, "code": "INVALID_PASSWORD"}).encode()
    url = serve(wrap=partial(Rewrite, path="/two-factor/get-totp-uri", body=body))
    report = run_audit(url, clock, "totp-uri-needs-password")
    assert result(report, "totp-uri-needs-password").verdict is Verdict.PASS
    page = as_html(report)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src &#x27;none&#x27;" in page or "default-src 'none'" in page
    table = as_table(report, details=True)
    for text in (page, table, as_json(report), as_junit(report)):
        assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
    assert "\\u001b[2J" in table  # shown, escaped, not obeyed
    assert not any(line.startswith("FAKE LINE") for line in table.splitlines())


def test_a_huge_reply_is_refused_without_reading_it_all(
    serve: Callable[..., str], clock: MovableClock
) -> None:
    huge = b'{"message":"' + b"x" * (3 * 1024 * 1024) + b'"}'
    url = serve(wrap=partial(Rewrite, path="/two-factor/get-totp-uri", body=huge))
    report = run_audit(url, clock, "totp-uri-needs-password")
    found = result(report, "totp-uri-needs-password")
    assert found.verdict is Verdict.FAIL
    assert "could not complete" in found.summary and "larger than 1024 KiB" in found.summary
    assert found.exchanges[-1].status is None and "larger than" in found.exchanges[-1].error


def test_a_long_reply_is_kept_short(serve: Callable[..., str], clock: MovableClock) -> None:
    long = json.dumps({"message": "y" * 50_000, "code": "INVALID_PASSWORD"}).encode()
    url = serve(wrap=partial(Rewrite, path="/two-factor/get-totp-uri", body=long))
    report = run_audit(url, clock, "totp-uri-needs-password")
    bodies = [ex.response_body for ex in result(report, "totp-uri-needs-password").exchanges]
    assert max(len(b) for b in bodies) < MAX_BODY_CHARS + 40
    assert any(b.endswith(" more)") for b in bodies)


def test_secrets_are_masked_in_the_evidence(serve: Callable[..., str], clock: MovableClock) -> None:
    url = serve()
    report = run_audit(url, clock, "backup-code-single-use")
    found = result(report, "backup-code-single-use")
    text = " ".join(
        f"{ex.request_headers} {ex.request_body} {ex.response_headers} {ex.response_body}"
        for ex in found.exchanges
    )
    assert '"password": "<hidden>"' in text
    assert '"token": "<hidden>"' in text and "session_token=<" in text
    assert "secret=<hidden>" in text and "<10 codes hidden>" in text
    assert "cookie', 'better-auth.session_token=<" in text
    # a backup code shows only its first three characters
    codes = [json.loads(ex.request_body)["code"] for ex in found.exchanges
             if ex.url.endswith("/verify-backup-code")]  # fmt: skip
    assert codes and all(c.endswith("…") and len(c) == 4 for c in codes)


def test_a_check_keeps_at_most_so_many_exchanges() -> None:
    recorder = Recorder()
    recorder.begin()
    request = httpx.Request("POST", "http://127.0.0.1:1/api/auth/x", json={"a": 1})
    for _ in range(MAX_EXCHANGES + 7):
        recorder.add(request, httpx.Response(200, json={}, request=request), 1.0)
    kept, omitted = recorder.take()
    assert (len(kept), omitted) == (MAX_EXCHANGES, 7)


@pytest.mark.parametrize("name", ["report.html", "sub/report.html"])
def test_report_files_are_written_whole(tmp_path: object, name: str) -> None:
    from pathlib import Path

    from desktop_2fa.cli.report_files import write_report

    target = Path(str(tmp_path)) / name
    if "/" in name:
        with pytest.raises(OSError):
            write_report(str(target), "x")  # the folder does not exist: nothing written
        assert not target.exists()
        return
    target.write_text("old")
    write_report(str(target), "new")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_reply_that_drips_ends_the_check_at_the_timeout(
    dripping_server: Callable[..., str], clock: MovableClock, part: str
) -> None:
    # The server answers the preflight, then drips every later reply a byte
    # at a time: each read is quick, only a deadline per request ends it.
    report = run_audit(dripping_server(part), clock, "totp-secret-entropy", timeout=1.0)
    found = result(report, "totp-secret-entropy")
    assert found.verdict is Verdict.FAIL
    assert "did not answer within 1 s" in found.summary, found.summary


def test_every_bidi_and_line_separator_is_escaped_like_core_text() -> None:
    """The audit's own escaping missed U+061C, U+200E/F and U+2028/9 (core.text has them)."""
    from desktop_2fa.audit.evidence import printable

    for char in "\u061c\u200e\u200f\u2028\u2029\u202e\u2066\x1b\x85":
        assert char not in printable(f"a{char}b"), hex(ord(char))
