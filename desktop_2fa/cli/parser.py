"""The `desktop-2fa` argument parser: every subcommand, each built only when it is used.

A subcommand is one line of `COMMANDS`: its name, the module of
`desktop_2fa.cli` that holds it, and its one-line help. That module holds
`cmd_<name>` (the handler) and, when the subcommand takes options,
`options_<name>(parser)`; dashes in the name become underscores there
(`backup-codes`: `cmd_backup_codes`). The module is imported only when its
subcommand is given (or its --help asked for): `desktop-2fa code` loads
neither the vault-editing commands nor the enrollment client, the server or
Qt (issue 13; tests/cli/test_imports.py).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from collections.abc import Callable, Sequence

from desktop_2fa import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from typing import Any, NoReturn

Handler = Callable[[argparse.Namespace], int]
PROG = "desktop-2fa"

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("vault_commands", "create a new, empty vault"),
    "add": ("vault_commands", "add an account from an otpauth:// URI"),
    "list": ("read_commands", "list the accounts (no codes)"),
    "code": ("read_commands", "print current codes and the seconds they stay valid"),
    "remove": ("vault_commands", "remove an account and its backup codes"),
    "passwd": ("vault_commands", "change the vault password"),
    "backup-codes": ("vault_commands", "show or change an account's backup codes"),
    "restore": ("restore_command", "list the vault's kept versions and restore one"),
    "enroll": ("enroll_commands",
               "turn on two-factor sign-in at a server; keep its secret and backup codes"),
    "sign-in": ("enroll_commands",
                "sign in to a server, answering the second factor from the vault"),
    "roundtrip": ("enroll_commands",
                  "run the whole enrollment round trip and report each step "
                  "(no --server: against the bundled reference server)"),
    "audit": ("audit_command",
              "audit a two-factor deployment: TOTP replays, brute-force limits, backup codes, "
              "challenge and session cookies, the Origin check, enumeration"),
    "load": ("load_command",
             "run enrollment round trips at scale on Locust, headless, and print its "
             "statistics (needs pip install 'desktop-2fa[load]')"),
    "import": ("transfer_commands", "import accounts from another authenticator's export"),
    "scan": ("transfer_commands", "read QR codes from an image, the screen or a camera"),
    "export": ("transfer_commands", "export the accounts for another authenticator or a backup"),
}  # fmt: skip


def number(minimum: float, *, inclusive: bool = True) -> Callable[[str], float]:
    """An argparse type: a finite number at or above (or above) `minimum`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        ok = value >= minimum if inclusive else value > minimum
        if not math.isfinite(value) or not ok:
            relation = "at least" if inclusive else "more than"
            raise argparse.ArgumentTypeError(f"must be {relation} {minimum:g}, got {text!r}")
        return value

    return parse


# Codes for any time from 1970 to the year 9999 (beyond, datetime cannot say when).
_MAX_UNIX_TIME = 253402300799


def unix_time(text: str) -> float:
    """An argparse type: a Unix time from 1970 to the year 9999."""
    value = number(0)(text)
    if value > _MAX_UNIX_TIME:
        raise argparse.ArgumentTypeError(f"must be before the year 10000, got {text!r}")
    return value


def _columns() -> int:
    """The terminal's width, as `shutil.get_terminal_size` finds it ($COLUMNS first)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter with its width given, so that shutil is not imported.

    argparse makes a formatter for every option it adds, and left to itself
    each asks shutil for the terminal width: importing shutil (with zlib, bz2
    and lzma) is 2 ms of the time `desktop-2fa code` takes (issue 13).
    """
    return argparse.HelpFormatter(prog, width=_columns() - 2)


def _common() -> argparse.ArgumentParser:
    """Options every subcommand takes, before or after its name."""
    common = argparse.ArgumentParser(add_help=False, formatter_class=_formatter)
    # SUPPRESS keeps a subcommand's unset option from hiding the top-level one.
    common.add_argument(
        "--vault",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="vault file (default: $DESKTOP_2FA_VAULT, else the user data folder)",
    )
    common.add_argument(
        "--password-file",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="read the vault password from the first line of PATH "
        "(default: $DESKTOP_2FA_PASSWORD, else a prompt)",
    )
    return common


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors stay one short, escaped line."""

    def error(self, message: str) -> NoReturn:
        from desktop_2fa.core.text import LINE_LIMIT, shown

        # argparse echoes what was typed (an --at of 100,000 digits, an unknown
        # command) whole; issue 9: error lines stay short.
        super().error(shown(message, LINE_LIMIT - len(f"{self.prog}: error: ")))


class _Subcommand(_Parser):
    """A subcommand's parser, made only when its subcommand is given.

    argparse keeps a parser per subcommand and uses it for nothing but parsing
    that subcommand's arguments (`parse_known_args`). Making all of them costs
    `desktop-2fa code` 2 ms (gettext looks up a translation file for each
    label), so until then only what makes it is kept; then its module adds the
    options and the handler.
    """

    def __init__(self, *, module: str, **kwargs: Any) -> None:  # ArgumentParser's: in _build
        self._module = module
        self._kwargs: dict[str, Any] | None = kwargs

    def _build(self) -> None:
        kwargs = self._kwargs
        if kwargs is None:
            return
        self._kwargs = None
        super().__init__(**kwargs)
        module = importlib.import_module(f"desktop_2fa.cli.{self._module}")
        command = self.prog.rsplit(" ", 1)[-1].replace("-", "_")
        options = getattr(module, f"options_{command}", None)
        if options is not None:
            options(self)
        self.set_defaults(handler=getattr(module, f"cmd_{command}"))

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._build()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._build()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog=PROG,
        parents=[common],
        formatter_class=_formatter,
        description="Desktop TOTP/HOTP authenticator with an encrypted vault. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Subcommand)
    for name, (module, help_text) in COMMANDS.items():
        # typeshed types `parents` after parser_class; argparse takes any parser
        sub.add_parser(
            name,
            parents=[common],  # type: ignore[list-item]
            help=help_text,
            description=help_text,
            formatter_class=_formatter,
            module=module,
        )
    return parser
