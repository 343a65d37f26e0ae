"""The `desktop-2fa` argument parser: every subcommand and its options."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from desktop_2fa import __version__
from desktop_2fa.cli import audit_command, load_command, restore_command, transfer_commands
from desktop_2fa.cli import enroll_commands as ec
from desktop_2fa.cli import vault_commands as vc

Handler = Callable[[argparse.Namespace], int]
PROG = "desktop-2fa"


def _number(minimum: float, *, inclusive: bool = True) -> Callable[[str], float]:
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


def _unix_time(text: str) -> float:
    value = _number(0)(text)
    if value > _MAX_UNIX_TIME:
        raise argparse.ArgumentTypeError(f"must be before the year 10000, got {text!r}")
    return value


def _common() -> argparse.ArgumentParser:
    """Options every subcommand takes, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
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


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Desktop TOTP/HOTP authenticator with an encrypted vault. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("init", vc.cmd_init, "create a new, empty vault")
    p.add_argument("--kdf-memory-mib", type=int, default=256, metavar="MIB",
                   help="Argon2id memory in MiB (at least 64; default 256)")  # fmt: skip
    p.add_argument("--kdf-passes", type=int, default=3, metavar="N",
                   help="Argon2id passes (at least 3; default 3)")  # fmt: skip
    p.add_argument("--kdf-lanes", type=int, default=4, metavar="N",
                   help="Argon2id lanes (default 4)")  # fmt: skip
    p.add_argument("--new-password-file", metavar="PATH", help="read the new password from PATH")

    p = add("add", vc.cmd_add, "add an account from an otpauth:// URI")
    p.add_argument("uri", metavar="URI", help="otpauth://... ('-' reads it from stdin)")
    p.add_argument("--note", default="", help="a note kept with the account")
    p.add_argument("--group", default="", help="a group name to sort the account under")
    p.add_argument("--favourite", action="store_true", help="list the account first")

    p = add("list", vc.cmd_list, "list the accounts (no codes)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("code", vc.cmd_code, "print current codes and the seconds they stay valid")
    p.add_argument("query", nargs="?", metavar="QUERY",
                   help="part of an issuer, name, group or id; an HOTP account's "
                   "code is only produced (and its counter advanced) when it alone "
                   "matches")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--at", type=_unix_time, metavar="UNIX_TIME",
                   help="compute codes for this time instead of now")  # fmt: skip

    p = add("remove", vc.cmd_remove, "remove an account and its backup codes")
    p.add_argument("account", metavar="ACCOUNT", help="issuer, name or id of the account")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = add("passwd", vc.cmd_passwd, "change the vault password")
    p.add_argument("--new-password-file", metavar="PATH",
                   help="read the new password from PATH "
                   "(default: $DESKTOP_2FA_NEW_PASSWORD, else asked twice)")  # fmt: skip

    p = add("backup-codes", vc.cmd_backup_codes, "show or change an account's backup codes")
    p.add_argument("account", metavar="ACCOUNT", help="issuer, name or id of the account")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--add", nargs="+", metavar="CODE",
                        help="add codes ('-' reads a pasted block from stdin)")  # fmt: skip
    action.add_argument("--use", metavar="CODE", help="mark a code used")
    action.add_argument("--unuse", metavar="CODE", help="mark a code unused again")
    action.add_argument("--json", action="store_true", help="print JSON")

    restore_command.register(add)
    _add_server_commands(add)
    audit_command.register(add, _number)
    load_command.register(add, _number)
    transfer_commands.register(add)
    return parser


def _server_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--server", required=required, metavar="URL",
                   help="the server as better-auth's client takes it: http://127.0.0.1:3000 "
                   "means http://127.0.0.1:3000/api/auth; a URL with a path "
                   "(https://host/auth) is the auth base itself")  # fmt: skip
    p.add_argument("--timeout", type=_number(0, inclusive=False), default=10.0, metavar="SECONDS",
                   help="connect/read timeout (default 10)")  # fmt: skip
    p.add_argument("--insecure", action="store_true",
                   help="do not verify TLS certificates (test servers only)")  # fmt: skip


def _account_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--email", required=True, help="the server account's e-mail")
    p.add_argument("--server-password-file", metavar="PATH",
                   help="read the server account's password from PATH "
                   "(default: $DESKTOP_2FA_SERVER_PASSWORD, else a prompt)")  # fmt: skip


def _add_server_commands(add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = add("enroll", ec.cmd_enroll,
            "turn on two-factor sign-in at a server; keep its secret and backup codes")  # fmt: skip
    _server_options(p, required=True)
    _account_options(p)
    p.add_argument("--sign-up", action="store_true", help="create the server account first")
    p.add_argument("--name", default="", help="display name for --sign-up")

    p = add("sign-in", ec.cmd_sign_in,
            "sign in to a server, answering the second factor from the vault")  # fmt: skip
    _server_options(p, required=True)
    _account_options(p)
    p.add_argument("--account", metavar="ACCOUNT",
                   help="vault account to use when none is marked as enrolled there")  # fmt: skip
    p.add_argument("--backup-code", nargs="?", const="", metavar="CODE",
                   help="answer with a backup code (default: the first unused one)")  # fmt: skip

    p = add("roundtrip", ec.cmd_roundtrip,
            "run the whole enrollment round trip and report each step "
            "(no --server: against the bundled reference server)")  # fmt: skip
    _server_options(p, required=False)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--quiet", action="store_true", help="no live progress on stderr")
    p.add_argument("--junit", metavar="FILE", help="also write the report as JUnit XML")
    p.add_argument("--max-wait", type=_number(0), default=70.0, metavar="SECONDS",
                   help="total time to wait out rate limits (default 70)")  # fmt: skip
