"""Evidence: every HTTP exchange of a check, recorded bounded and with secrets masked.

The recording sits in the httpx transport, below `AuthClient`, so typed calls
and raw probes alike are seen, with their real timings. Bounds (DESIGN.md,
house style 12): each exchange ends within the audit's timeout and a reply
body over `MAX_READ` bytes is refused outright (`enroll.transport`: a
hostile server can neither hang the audit nor fill memory), and what is
kept of each exchange is cut to a few KiB; each check keeps at most
`MAX_EXCHANGES`.

Masked: passwords, session tokens and cookie values (replaced by their
length), the TOTP secret inside a `totpURI`, backup codes (first three
characters kept, enough to see that the same code was sent twice). TOTP codes
stay visible: they are dead within a minute and they are the evidence of a
replay.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from desktop_2fa.audit.cookies import SetCookie, parse_set_cookie
from desktop_2fa.audit.model import RecordedExchange
from desktop_2fa.enroll.transport import MAX_REPLY_BYTES, BoundedTransport

MAX_READ = MAX_REPLY_BYTES
MAX_BODY_CHARS = 2000
MAX_HEADERS = 24
MAX_HEADER_CHARS = 300
MAX_EXCHANGES = 60
MAX_COOKIE_NAMES = 50
_REQUEST_HEADERS = ("origin", "referer", "cookie", "content-type", "x-forwarded-for")
_SECRET_KEYS = {"password", "token", "secret", "newPassword", "currentPassword"}
# C0/C1 controls (all but tab: a newline could forge a report line), bidi marks,
# overrides and line separators (as core.text), lone surrogates and the two
# non-characters XML 1.0 forbids.
_CONTROL = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


#: Where a response carries its RecordedExchange (httpx response extensions).
RECORD = "desktop_2fa.audit.record"


def printable(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """`text` cut to `limit` characters, with control and bidi characters escaped.

    Whatever a server sends may end up on a terminal or in the GUI.
    """
    cut = text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more)"
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", cut)


def _mask_value(key: str, value: Any, *, backup: bool) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(k, v, backup=backup) for k, v in value.items()}
    if isinstance(value, list):
        if key == "backupCodes":
            return f"<{len(value)} codes hidden>"
        return [_mask_value(key, v, backup=backup) for v in value]
    if not isinstance(value, str):
        return value
    if key in _SECRET_KEYS:
        return "<hidden>"
    if key == "totpURI":
        return re.sub(r"(?i)(secret=)[^&]*", r"\1<hidden>", value)
    if key == "code" and backup:
        return value[:3] + "…" if len(value) > 3 else "<hidden>"
    return value


def mask_json_text(text: str, *, backup: bool = False) -> str:
    """A JSON body with its secrets masked (any other text is kept as it is)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_mask_value("", data, backup=backup), ensure_ascii=False)


def mask_cookie_header(value: str) -> str:
    """`a=<44 chars>; b=<20 chars>`: names kept, values hidden."""
    parts = []
    for item in value.split(";"):
        name, sep, val = item.strip().partition("=")
        parts.append(f"{name}=<{len(val)} chars>" if sep else name)
    return "; ".join(parts)


def mask_set_cookie(value: str) -> str:
    """The value of a Set-Cookie hidden, its attributes kept (they are the evidence)."""
    first, sep, attributes = value.partition(";")
    name, _, val = first.partition("=")
    shown = f"{name.strip()}=<{len(val.strip())} chars>" if val.strip() else f"{name.strip()}="
    return shown + (sep + attributes if sep else "")


def _headers(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    kept = []
    for name, raw in pairs[:MAX_HEADERS]:
        key = name.lower()
        value = raw
        if key == "cookie":
            value = mask_cookie_header(raw)
        elif key == "set-cookie":
            value = mask_set_cookie(raw)
        kept.append((printable(key, 80), printable(value, MAX_HEADER_CHARS)))
    if len(pairs) > MAX_HEADERS:
        kept.append(("…", f"{len(pairs) - MAX_HEADERS} more headers"))
    return tuple(kept)


class Recorder:
    """Collects the exchanges of the check that is running (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._exchanges: list[RecordedExchange] = []
        self._omitted = 0
        #: The last Set-Cookie that set (not cleared) each cookie, and where.
        self.cookies_set: dict[str, tuple[SetCookie, str]] = {}

    def begin(self) -> None:
        with self._lock:
            self._exchanges = []
            self._omitted = 0

    def take(self) -> tuple[tuple[RecordedExchange, ...], int]:
        with self._lock:
            taken = (tuple(self._exchanges), self._omitted)
            self._exchanges = []
            self._omitted = 0
            return taken

    def elapsed(self) -> float:
        return self._clock() - self._started

    def add(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        ms: float,
        error: str = "",
    ) -> RecordedExchange:
        backup = request.url.path.endswith("/verify-backup-code")
        sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        body = request.content.decode("utf-8", "replace") if request.content else ""
        record = RecordedExchange(
            at=round(self.elapsed(), 3),
            method=request.method,
            url=printable(str(request.url), 500),
            request_headers=_headers([p for p in sent if p[0].lower() in _REQUEST_HEADERS]),
            request_body=printable(mask_json_text(body, backup=backup)),
            status=None if response is None else response.status_code,
            response_headers=()
            if response is None
            else _headers([(k, v) for k, v in response.headers.multi_items()]),
            response_body=""
            if response is None
            else printable(mask_json_text(response.content.decode("utf-8", "replace"))),
            ms=round(ms, 1),
            error=printable(error, 300),
        )
        with self._lock:
            for header in [] if response is None else response.headers.get_list("set-cookie"):
                cookie = parse_set_cookie(header)
                known = cookie.name in self.cookies_set
                if not cookie.clears and (known or len(self.cookies_set) < MAX_COOKIE_NAMES):
                    self.cookies_set[cookie.name] = (cookie, record.url)
            if len(self._exchanges) < MAX_EXCHANGES:
                self._exchanges.append(record)
            else:
                self._omitted += 1
        return record

    def cite(self, record: RecordedExchange | None) -> None:
        """Put an exchange of an earlier check first in this one's evidence.

        A replay check cites the exchange in which the code was accepted.
        """
        with self._lock:
            if record is not None and all(r is not record for r in self._exchanges):
                self._exchanges.insert(0, record)


class RecordingTransport(httpx.BaseTransport):
    """An httpx transport that records every exchange, each bounded in time and size.

    Shared by all the audit's clients; `close()` is a no-op so that one client
    closing does not close the pool under the others (`shutdown()` does).
    """

    def __init__(self, recorder: Recorder, *, verify: bool = True, timeout: float) -> None:
        self.recorder = recorder
        self._inner = BoundedTransport(verify=verify, timeout=timeout, max_bytes=MAX_READ)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self._inner.handle_request(request)
        except httpx.HTTPError as e:
            self.recorder.add(request, None, (time.perf_counter() - started) * 1e3, str(e))
            raise
        record = self.recorder.add(request, response, (time.perf_counter() - started) * 1e3)
        response.extensions[RECORD] = record
        return response

    def close(self) -> None:
        """Kept open for the other clients; see `shutdown`."""

    def shutdown(self) -> None:
        self._inner.close()
