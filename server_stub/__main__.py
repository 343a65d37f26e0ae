"""`desktop-2fa-server` / `python -m server_stub`: run the reference server.

Every option can also come from an environment variable (the command line
wins); `--help` lists them.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TypeVar

import platformdirs

from server_stub import __version__
from server_stub.app import HASH_THREADS, STORE_THREADS
from server_stub.runner import ServerStartError, bind_socket, make_server, with_base_url
from server_stub.secret_file import BadSecretFile, secret_beside
from server_stub.settings import (
    DEFAULT_NAME,
    DEFAULT_RATE_LIMITS,
    MIN_SECRET_LENGTH,
    RateLimit,
    Settings,
    rate_table,
)
from server_stub.storage.opening import describe, is_postgres, open_store
from server_stub.storage.protocol import Store
from server_stub.storage.records import SignInThrottle, StorageError
from server_stub.workers import Supervisor, WorkerCannotStart

PROG = "desktop-2fa-server"
ENV = "D2FA_SERVER_"
LOGGER = logging.getLogger("server_stub")
MAX_WORKERS = 64
T = TypeVar("T")
#: `WINDOW:MAX` alone sets this rule (the only one before the table existed).
LEGACY_RULE = "/two-factor/"


class UsageError(Exception):
    """A bad option or environment value: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _env(name: str) -> str | None:
    value = os.environ.get(ENV + name)
    return value if value else None


def _env_flag(name: str) -> bool:
    value = (_env(name) or "").lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise UsageError(f"{ENV}{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in (_env(name) or "").split(",") if item.strip()]


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, not {port}")
    return port


#: A path segment of plain characters (RFC 3986 section 3.3 `pchar`, without
#: percent-escapes): requests are routed on the decoded path, so a base path
#: with an escape or a space could not be reached as printed.
_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@-]+")


def _base_path(text: str) -> str:
    """`/auth`, `/api/auth/` (the slash goes); a path, not a URL."""
    path = text.strip().rstrip("/")
    segments = path.split("/")
    if not path.startswith("/") or not all(
        _SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments[1:]
    ):
        raise argparse.ArgumentTypeError(
            f"expected a path such as /api/auth or /auth, not {text!r}"
        )
    return path


def _checked(text: str, convert: Callable[[str], T], ok: Callable[[T], bool], wanted: str) -> T:
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):  # `ok` is false for NaN too
        raise argparse.ArgumentTypeError(f"expected {wanted}, not {text!r}")
    return value


def _workers(text: str) -> int:
    return _checked(text, int, lambda n: 1 <= n <= MAX_WORKERS, f"1 to {MAX_WORKERS} workers")


def _seconds(text: str) -> float:
    return _checked(text, float, lambda s: 0 < s <= 3600, "seconds, more than 0 up to 3600")


RateRule = tuple[str, RateLimit | None]


def _rate_rule(text: str) -> RateRule:
    """`PATH=WINDOW:MAX`, `PATH=off`, or `WINDOW:MAX` for the /two-factor/ rule."""
    path, sep, spec = text.partition("=")
    if not sep:
        path, spec = LEGACY_RULE, text
    try:
        if not path.startswith("/"):
            raise ValueError
        if spec.strip().lower() == "off":
            return path, None
        window, colon, maximum = spec.partition(":")
        if not colon:
            raise ValueError
        return path, RateLimit(window=int(window), max=int(maximum), path_prefixes=(path,))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "expected PATH=WINDOW:MAX with positive whole numbers (e.g. /sign-in=10:3),"
            f" PATH=off, or WINDOW:MAX for {LEGACY_RULE}, not {text!r}"
        ) from None


def _rate_epilog() -> str:
    pause = SignInThrottle()
    rows = "\n".join(
        f"  {prefix:<14} {rule.max:>4} per {rule.window} s"
        for prefix, rule in sorted(rate_table(DEFAULT_RATE_LIMITS))
    )
    return (
        "rate limits per client address and path (the longest matching prefix wins;\n"
        f"change one with --rate-limit PATH=WINDOW:MAX, drop one with PATH=off):\n{rows}\n"
        "Past them a request gets 429 with X-Retry-After and Retry-After. Separately, an\n"
        f"e-mail pauses for a client address after {pause.free} wrong passwords in a row from "
        f"it, and for\nevery address after {pause.account_free} in a row from any "
        f"({pause.first_pause} s, doubling up to {pause.longest_pause} s).\n\n"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line, with the environment variables in the help."""
    parser = _Parser(
        prog=PROG,
        description="Reference server speaking better-auth 1.7's two-factor protocol "
        "(endpoints under --base-path, /api/auth by default).",
        epilog=_rate_epilog()
        + "A SQLite database's secret is kept in <db>.secret (mode 0600) unless --secret\n"
        f"or {ENV}SECRET is given; a PostgreSQL database needs one of them (every worker\n"
        "and machine must share it). Prefer the variable: a command line is visible to\n"
        "other users.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--host",
        default=_env("HOST") or "127.0.0.1",
        help=f"address to bind [{ENV}HOST; 127.0.0.1]",
    )
    add("--port", type=_port, default=None, help=f"TCP port, 0 = any free one [{ENV}PORT; 3000]")
    store = parser.add_mutually_exclusive_group()
    store.add_argument(
        "--db",
        metavar="PATH|URL",
        help=f"SQLite database file, or postgresql://USER@HOST:PORT/DB [{ENV}DB; a SQLite "
        "file in the user data folder]",
    )
    store.add_argument(
        "--memory", action="store_true", help=f"keep everything in memory [{ENV}MEMORY=1]"
    )
    add("--secret", help=f"server secret, >= {MIN_SECRET_LENGTH} characters [{ENV}SECRET]")
    add("--app-name", default=_env("APP_NAME") or DEFAULT_NAME, help=f"appName [{ENV}APP_NAME]")
    add("--issuer", default=_env("ISSUER") or DEFAULT_NAME, help=f"TOTP issuer [{ENV}ISSUER]")
    limits = parser.add_mutually_exclusive_group()
    limits.add_argument(
        "--rate-limit",
        type=_rate_rule,
        action="append",
        metavar="PATH=WINDOW:MAX",
        help="set one row of the rate-limit table below, repeatable; PATH=off drops it "
        f"[{ENV}RATE_LIMIT=rule,rule]",
    )
    limits.add_argument(
        "--no-rate-limit", action="store_true", help=f"disable the limiter [{ENV}RATE_LIMIT=off]"
    )
    add(
        "--workers",
        type=_workers,
        default=None,
        help=f"server processes sharing the port and the database; one that dies is "
        f"replaced [{ENV}WORKERS; 1]",
    )
    add(
        "--header-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"time a client gets to send a request's headers [{ENV}HEADER_TIMEOUT; 10]",
    )
    add(
        "--trusted-origin",
        action="append",
        metavar="URL",
        default=None,
        help="extra origin allowed to send cookies and, from a browser, to call the API "
        f"(CORS), repeatable [{ENV}TRUSTED_ORIGINS=a,b]",
    )
    add(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        default=None,
        help=f"peer whose X-Forwarded-For is believed, repeatable [{ENV}TRUSTED_PROXIES=a,b]",
    )
    add("--base-url", help=f"public URL if not http://HOST:PORT [{ENV}BASE_URL]")
    add(
        "--no-web",
        action="store_true",
        help=f"serve the API alone, not the guide's pages at / [{ENV}NO_WEB=1]",
    )
    add(
        "--base-path",
        type=_base_path,
        default=_env("BASE_PATH") or "/api/auth",
        metavar="PATH",
        help=f"where the endpoints live, better-auth's basePath [{ENV}BASE_PATH; /api/auth]",
    )
    add(
        "--log-level",
        default=(_env("LOG_LEVEL") or "info").lower(),
        choices=["debug", "info", "warning", "error"],
        help=f"info logs one line per request [{ENV}LOG_LEVEL]",
    )
    add("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _default_db() -> Path:
    return platformdirs.user_data_path("desktop-2fa") / "server.sqlite3"


@dataclass(frozen=True)
class _Options:
    """What `main` needs after parsing: settings and how to open the store."""

    settings: Settings
    location: str | None  # None: in memory
    port: int
    workers: int

    def open_store(self) -> Store:
        # One connection for every thread that may call the store at once.
        return open_store(self.location, pool_size=STORE_THREADS + HASH_THREADS)


def _rate_limits(args: argparse.Namespace) -> tuple[RateLimit, ...] | None:
    rules: list[RateRule] = []
    if args.no_rate_limit:
        return None
    if args.rate_limit is not None:
        rules = args.rate_limit
    elif (env_rate := _env("RATE_LIMIT")) is not None:
        if env_rate.strip().lower() == "off":
            return None
        try:
            rules = [_rate_rule(item.strip()) for item in env_rate.split(",") if item.strip()]
        except argparse.ArgumentTypeError as e:
            raise UsageError(f"{ENV}RATE_LIMIT: {e}") from e
    table: dict[str, RateLimit | None] = dict(rate_table(DEFAULT_RATE_LIMITS))
    table.update(rules)
    return tuple(
        RateLimit(rule.window, rule.max, (prefix,))
        for prefix, rule in table.items()
        if rule is not None
    )


def _env_value(name: str, parse: Callable[[str], T]) -> T | None:
    value = _env(name)
    if value is None:
        return None
    try:
        return parse(value)
    except argparse.ArgumentTypeError as e:
        raise UsageError(f"{ENV}{name}: {e}") from e


def _secret(given: str | None, location: str | None) -> str:
    if given is not None:
        return given
    if location is None:
        return secrets.token_urlsafe(48)
    if is_postgres(location):
        raise UsageError(
            f"a PostgreSQL database needs --secret or {ENV}SECRET: every worker and machine "
            "on it must share the secret"
        )
    try:
        return secret_beside(Path(location))
    except BadSecretFile as e:
        raise UsageError(str(e)) from e


def _resolve(args: argparse.Namespace) -> _Options:
    """Settings, where the store is, the port and the number of workers."""
    port = args.port
    if port is None:
        from_env = _env_value("PORT", _port)
        port = 3000 if from_env is None else from_env
    workers = args.workers or _env_value("WORKERS", _workers) or 1
    header_timeout = args.header_timeout or _env_value("HEADER_TIMEOUT", _seconds) or 10.0
    memory = args.memory or (args.db is None and _env_flag("MEMORY"))
    location: str | None = None
    if not memory:
        location = args.db or _env("DB") or str(_default_db())
        if not is_postgres(location):
            db = Path(location).expanduser()
            db.parent.mkdir(parents=True, exist_ok=True)
            location = str(db)
    if workers > 1 and location is None:
        raise UsageError("--memory keeps everything inside one process; --workers needs --db")
    if workers > 1 and not hasattr(os, "fork"):
        raise UsageError("--workers needs a system with fork()")
    try:
        settings = Settings(
            secret=_secret(args.secret or _env("SECRET"), location),
            base_url=args.base_url or _env("BASE_URL"),
            app_name=args.app_name,
            issuer=args.issuer,
            rate_limit=_rate_limits(args),
            trusted_origins=tuple(args.trusted_origin or _env_list("TRUSTED_ORIGINS")),
            trusted_proxies=tuple(args.trusted_proxy or _env_list("TRUSTED_PROXIES")),
            header_timeout=header_timeout,
            base_path=args.base_path,
            web=not (args.no_web or _env_flag("NO_WEB")),
        )
    except ValueError as e:
        raise UsageError(str(e)) from e
    return _Options(settings, location, port, workers)


def _raise_open_file_limit() -> None:
    """Use every file descriptor the system allows: each client holds one, and a
    common default of 1,024 is soon spent by slow or idle clients."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this system
        pass


def _announce(options: _Options, settings: Settings) -> None:
    limits = settings.rate_limit
    table = rate_table(limits)
    LOGGER.info(
        "listening on %s (endpoints under %s, store: %s, workers: %d, rate limits: %s)",
        settings.base_url,
        settings.base_path,
        describe(options.location),
        options.workers,
        ", ".join(f"{p} {r.max}/{r.window}s" for p, r in sorted(table)) or "off",
    )
    # The URL first, alone (server_stub.process reads it); then the auth
    # base URL a client takes (a URL without a path means /api/auth).
    print(
        f"{PROG} listening on {settings.base_url} "
        f"(auth base URL {settings.base_url}{settings.base_path})",
        flush=True,
    )


def _serve(options: _Options, settings: Settings, sock: socket.socket) -> None:
    """One server process: its own store, uvicorn on the shared socket.

    Raises:
        WorkerCannotStart: the store cannot be opened (a worker started while
            the database is down; the supervisor tries again).
    """
    try:
        store = options.open_store()
    except StorageError as e:
        raise WorkerCannotStart(str(e)) from e
    try:
        server, _ = make_server(settings, store, sock)
        server.run(sockets=[sock])
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, check the store, serve (in N workers) until interrupted."""
    try:
        args = build_parser().parse_args(argv)
        options = _resolve(args)
        where = "[%(process)d] " if options.workers > 1 else ""
        logging.basicConfig(
            level=args.log_level.upper(),
            format=f"%(asctime)s %(levelname)s {where}%(message)s",
            stream=sys.stderr,
        )
        # Reachable, and the schema is up to date before anyone serves.
        options.open_store().close()
        _raise_open_file_limit()
        sock = bind_socket(args.host, options.port)
    except (UsageError, ServerStartError, StorageError, OSError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    try:
        settings = with_base_url(options.settings, sock)
        _announce(options, settings)
        if options.workers == 1:
            try:
                _serve(options, settings, sock)
            except WorkerCannotStart as e:  # the database went away since the check
                print(f"{PROG}: error: {e}", file=sys.stderr)
                return 1
            return 0
        return Supervisor(options.workers, lambda: _serve(options, settings, sock)).run()
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
