"""`desktop-2fa load`: round trips at scale, run headless by Locust in a child process.

Locust monkey-patches the standard library for gevent when it starts, so it
runs as its own process (`python -m locust -f desktop_2fa/load/locustfile.py`)
and this command only builds its command line and waits for it. Locust prints
its statistics; its exit status (1 when a step failed) is ours.
"""

from __future__ import annotations

import argparse
import re
import sys

PROG = "desktop-2fa load"
_RUN_TIME = re.compile(r"(\d+h)?(\d+m)?(\d+s)?|\d+")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def _run_time(text: str) -> str:
    if not text or not _RUN_TIME.fullmatch(text) or not any(ch.isdigit() for ch in text):
        raise argparse.ArgumentTypeError(f"expected a time like 15s, 2m or 1h30m, not {text!r}")
    return text


def options_load(p: argparse.ArgumentParser) -> None:
    """The `load` subcommand's options (Locust is only looked for when it runs)."""
    from desktop_2fa.cli.parser import number

    p.add_argument("--server", metavar="URL",
                   help="the server as better-auth's client takes it (no path means "
                   "/api/auth); for load tests, turn its rate limit off")  # fmt: skip
    p.add_argument("--users", type=_positive_int, default=10, metavar="N",
                   help="simultaneous users, each running round trips (default 10)")  # fmt: skip
    p.add_argument("--spawn-rate", type=number(0, inclusive=False), default=5.0, metavar="R",
                   help="users started per second (default 5)")  # fmt: skip
    p.add_argument("--run-time", type=_run_time, default="60s", metavar="T",
                   help="how long, e.g. 15s, 2m, 1h30m (default 60s)")  # fmt: skip
    p.add_argument("--csv", metavar="PREFIX",
                   help="also write Locust's CSV files PREFIX_stats.csv and others")  # fmt: skip
    p.add_argument("--timeout", type=number(0, inclusive=False), default=30.0, metavar="SECONDS",
                   help="per request of a round trip (default 30)")  # fmt: skip
    p.add_argument("--locustfile", action="store_true",
                   help="print the path of the Locust file (for locust -f, --master, "
                   "--worker and the web UI) and exit")  # fmt: skip


def _usage_error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def cmd_load(args: argparse.Namespace) -> int:
    import importlib.util
    import subprocess

    from desktop_2fa.cli.context import UserError
    from desktop_2fa.enroll.client import auth_base_url
    from desktop_2fa.enroll.errors import EnrollError
    from desktop_2fa.load import LOCUSTFILE

    if args.locustfile:
        print(LOCUSTFILE)
        return 0
    if not args.server:
        return _usage_error("--server URL is required (or --locustfile)")
    try:
        host = auth_base_url(args.server)
    except EnrollError as e:
        return _usage_error(str(e))
    if importlib.util.find_spec("locust") is None:
        raise UserError("Locust is not installed; install it with: pip install 'desktop-2fa[load]'")
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--users", str(args.users), "--spawn-rate", f"{args.spawn_rate:g}",
        "--run-time", args.run_time, "--request-timeout", f"{args.timeout:g}",
        "--stop-timeout", "10",
    ]  # fmt: skip
    if args.csv:
        command += ["--csv", args.csv]
    process = subprocess.Popen(command)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Locust got the same Ctrl+C: it stops its users and prints the statistics.
        return process.wait()
