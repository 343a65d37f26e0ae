"""`desktop-2fa audit`: check a two-factor deployment for the weaknesses 2FA servers ship with.

Exit status: 0 every check passed (skipped ones are listed), 1 a check failed
or the server could not be audited at all, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from desktop_2fa.audit.model import Progress

PROG = "desktop-2fa audit"


class LiveProgress:
    """The audit's progress on stderr: one line per check, waits counted down.

    On a terminal the current line is rewritten every second; elsewhere (CI
    logs) a wait is announced when it starts and every 10 s.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self._last_wait: tuple[int, str] | None = None
        self._last_shown = 0.0

    def __call__(self, event: Progress) -> None:
        from desktop_2fa.audit.model import ProgressKind

        head = f"[{event.index:>2}/{event.total}]"
        if event.kind is ProgressKind.STARTED:
            self._last_wait = None
            if self.tty:
                self.out.write(f"\r\x1b[K{head} {event.check.id} …")
        elif event.kind is ProgressKind.WAITING:
            self._waiting(head, event)
        else:
            assert event.result is not None
            from desktop_2fa.core.text import LINE_LIMIT, shown

            verdict = event.result.verdict.value.upper()
            prefix = "\r\x1b[K" if self.tty else ""
            summary = shown(event.result.summary, LINE_LIMIT)  # may quote the server
            self.out.write(f"{prefix}{head} {verdict} {event.check.id}: {summary}\n")
        self.out.flush()

    def _waiting(self, head: str, event: Progress) -> None:
        text = (
            f"{head} waiting {event.seconds_left:.0f} s for {event.reason} "
            f"(rate-limit waits so far {event.waited:.0f} of {event.budget:.0f} s)"
        )
        key = (event.index, event.reason)
        if self.tty:
            self.out.write(f"\r\x1b[K{text}")
            return
        if key != self._last_wait or self._last_shown - event.seconds_left >= 10:
            self._last_wait = key
            self._last_shown = event.seconds_left
            self.out.write(text + "\n")


def options_audit(p: argparse.ArgumentParser) -> None:
    """The `audit` subcommand's options (its imports wait until it runs)."""
    from desktop_2fa.cli.parser import number

    p.add_argument("--server", metavar="URL",
                   help="the server as better-auth's client takes it: a URL without a path "
                   "means <URL>/api/auth; a URL with a path is the auth base itself")  # fmt: skip
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--details", action="store_true",
                     help="explain each check with its evidence, not just failed ones")  # fmt: skip
    p.add_argument("--junit", metavar="FILE", help="also write the report as JUnit XML")
    p.add_argument("--html", metavar="FILE", help="also write the report as an HTML page")
    p.add_argument("--only", nargs="+", metavar="ID",
                   help="run only these checks (an id, or its start up to a dash, such as "
                   "totp-replay); --list shows them")  # fmt: skip
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.add_argument("--max-wait", type=number(0), default=600.0, metavar="SECONDS",
                   help="total time to wait out rate limits (default 600)")  # fmt: skip
    p.add_argument("--email", help="audit this existing account (two-factor sign-in off) "
                   "instead of throwaway ones")  # fmt: skip
    p.add_argument("--server-password-file", metavar="PATH",
                   help="with --email: read its password from PATH "
                   "(default: $DESKTOP_2FA_SERVER_PASSWORD, else a prompt)")  # fmt: skip
    p.add_argument("--timeout", type=number(0, inclusive=False), default=10.0, metavar="SECONDS",
                   help="connect/read timeout per request (default 10)")  # fmt: skip
    p.add_argument("--insecure", action="store_true",
                   help="do not verify TLS certificates (test servers only)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no live progress on stderr")


def _usage_error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _list_checks() -> int:
    from desktop_2fa.audit.registry import CHECKS

    for check in CHECKS:
        info = check.info
        print(f"{info.id:<27} {info.severity.value:<6} {info.title}")
        print(f"{'':<27} {'; '.join(info.sources)}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from desktop_2fa.audit.errors import UnknownCheck
    from desktop_2fa.audit.report import as_json, as_junit, as_table
    from desktop_2fa.audit.runner import Audit
    from desktop_2fa.cli import context
    from desktop_2fa.cli.report_files import write_report
    from desktop_2fa.core.text import json_safe
    from desktop_2fa.enroll.errors import EnrollError

    if args.list:
        return _list_checks()
    if not args.server:
        return _usage_error("--server URL is required (or --list)")
    password = None
    if args.email:
        from desktop_2fa.cli.enroll_commands import read_server_password

        password = read_server_password(args)
    elif args.server_password_file:
        return _usage_error("--server-password-file goes with --email")
    try:
        audit = Audit(
            args.server,
            only=tuple(args.only) if args.only else None,
            email=args.email,
            password=password,
            timeout=args.timeout,
            verify=not args.insecure,
            clock=context.now,
            max_wait=args.max_wait,
            on_progress=(lambda _e: None) if args.quiet else LiveProgress(sys.stderr),
        )
    except (UnknownCheck, EnrollError) as e:
        return _usage_error(str(e))
    report = audit.run()
    # The table escapes what the server sent; JSON leaves C1 controls and bidi
    # overrides raw inside its strings.
    print(json_safe(as_json(report)) if args.json else as_table(report, details=args.details))
    # Files after printing: a bad path must not hide the report.
    if args.junit:
        write_report(args.junit, as_junit(report))
    if args.html:
        from desktop_2fa.audit.html import as_html

        write_report(args.html, as_html(report))
    return 0 if report.passed else 1
