"""`desktop-2fa-server` / `python -m server_stub`: run the reference server.

Every option can also come from an environment variable (the command line
wins); `--help` lists them.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import platformdirs

from server_stub import __version__
from server_stub.runner import ServerStartError, bind_socket, make_server
from server_stub.settings import DEFAULT_NAME, MIN_SECRET_LENGTH, RateLimit, Settings
from server_stub.storage.memory import MemoryStore
from server_stub.storage.protocol import Store
from server_stub.storage.records import StorageError
from server_stub.storage.sqlite import SQLiteStore

PROG = "desktop-2fa-server"
ENV = "D2FA_SERVER_"
LOGGER = logging.getLogger("server_stub")


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


def _base_path(text: str) -> str:
    """`/auth`, `/api/auth/` (the slash goes); a path, not a URL."""
    path = text.strip().rstrip("/")
    if not path.startswith("/") or "?" in path or "#" in path or "//" in path:
        raise argparse.ArgumentTypeError(
            f"expected a path such as /api/auth or /auth, not {text!r}"
        )
    return path


def _rate_limit(text: str) -> RateLimit:
    window, sep, maximum = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return RateLimit(window=int(window), max=int(maximum))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WINDOW:MAX with positive whole numbers (e.g. 60:5), not {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line, with the environment variables in the help."""
    parser = _Parser(
        prog=PROG,
        description="Reference server speaking better-auth 1.7's two-factor protocol "
        "(endpoints under --base-path, /api/auth by default).",
        epilog="The database's secret is kept in <db>.secret (mode 0600) unless --secret "
        f"or {ENV}SECRET is given; prefer the variable, a command line is visible to "
        "other users.",
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
        "--db", metavar="PATH", help=f"SQLite database file [{ENV}DB; user data folder]"
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
        type=_rate_limit,
        metavar="WINDOW:MAX",
        help=f"requests per window on /two-factor/* per client and path [{ENV}RATE_LIMIT; 60:5]",
    )
    limits.add_argument(
        "--no-rate-limit", action="store_true", help=f"disable the limiter [{ENV}RATE_LIMIT=off]"
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


def _secret_beside(db: Path) -> str:
    """The secret kept next to the database, created (0600) on first use."""
    path = db.with_name(db.name + ".secret")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret) < MIN_SECRET_LENGTH:
            raise UsageError(f"{path} holds a secret shorter than {MIN_SECRET_LENGTH}") from None
        return secret
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secret + "\n")
        out.flush()
        os.fsync(out.fileno())
    return secret


def _resolve(args: argparse.Namespace) -> tuple[Settings, Store, int, str]:
    """Settings, the opened store, the port and a description of the store."""
    port = args.port if args.port is not None else _port_from_env()
    rate: RateLimit | None = RateLimit()
    if args.no_rate_limit:
        rate = None
    elif args.rate_limit is not None:
        rate = args.rate_limit
    elif (env_rate := _env("RATE_LIMIT")) is not None:
        rate = None if env_rate.lower() == "off" else _env_rate_limit(env_rate)
    memory = args.memory or (args.db is None and _env_flag("MEMORY"))
    secret = args.secret or _env("SECRET")
    db = None if memory else Path(args.db or _env("DB") or _default_db()).expanduser()
    if db is not None:
        db.parent.mkdir(parents=True, exist_ok=True)
    if secret is None:
        secret = secrets.token_urlsafe(48) if db is None else _secret_beside(db)
    try:
        settings = Settings(
            secret=secret,
            base_url=args.base_url or _env("BASE_URL"),
            app_name=args.app_name,
            issuer=args.issuer,
            rate_limit=rate,
            base_path=args.base_path,
            trusted_origins=tuple(args.trusted_origin or _env_list("TRUSTED_ORIGINS")),
            trusted_proxies=tuple(args.trusted_proxy or _env_list("TRUSTED_PROXIES")),
            web=not (args.no_web or _env_flag("NO_WEB")),
        )
    except ValueError as e:
        raise UsageError(str(e)) from e
    store: Store = MemoryStore() if db is None else SQLiteStore(db)
    return settings, store, port, "memory" if db is None else str(db)


def _env_rate_limit(value: str) -> RateLimit:
    try:
        return _rate_limit(value)
    except argparse.ArgumentTypeError as e:
        raise UsageError(f"{ENV}RATE_LIMIT: {e}") from e


def _port_from_env() -> int:
    value = _env("PORT")
    if value is None:
        return 3000
    try:
        return _port(value)
    except argparse.ArgumentTypeError as e:
        raise UsageError(f"{ENV}PORT: {e}") from e


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, open the store, serve until interrupted."""
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(
            level=args.log_level.upper(),
            format="%(asctime)s %(levelname)s %(message)s",
            stream=sys.stderr,
        )
        settings, store, port, where = _resolve(args)
        sock = bind_socket(args.host, port)
    except (UsageError, ServerStartError, StorageError, OSError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    try:
        server, settings = make_server(settings, store, sock)
        limit = settings.rate_limit
        LOGGER.info(
            "listening on %s (endpoints under %s, store: %s, rate limit: %s)",
            settings.base_url,
            settings.base_path,
            where,
            "off" if limit is None else f"{limit.max} per {limit.window}s",
        )
        # The URL first, alone (server_stub.process reads it); then the auth
        # base URL a client takes (a URL without a path means /api/auth).
        print(
            f"{PROG} listening on {settings.base_url} "
            f"(auth base URL {settings.base_url}{settings.base_path})",
            flush=True,
        )
        server.run(sockets=[sock])
    finally:
        store.close()
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
