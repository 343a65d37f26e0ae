"""Where the CLI gets its vault path, passwords and the time.

This is the edge of the program: it reads the environment, the terminal and
the clock, so nothing below it has to. The CLI's head start
(`unlock_ahead.py`) reads the password here before anything else is
imported, so this module imports nothing at load time that it can put off.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing delays the head start
if TYPE_CHECKING:
    import argparse
    from datetime import datetime
    from pathlib import Path

VAULT_ENV = "DESKTOP_2FA_VAULT"
PASSWORD_ENV = "DESKTOP_2FA_PASSWORD"  # noqa: S105 - a variable name
NEW_PASSWORD_ENV = "DESKTOP_2FA_NEW_PASSWORD"  # noqa: S105 - a variable name
VAULT_FILENAME = "vault.json"


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""


def vault_path(args: argparse.Namespace) -> Path:
    """--vault, else $DESKTOP_2FA_VAULT, else the platform's user data folder."""
    from pathlib import Path

    explicit = getattr(args, "vault", None) or os.environ.get(VAULT_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_data_path  # only when needed

    return user_data_path("desktop-2fa", appauthor=False) / VAULT_FILENAME


def vault_location(args: argparse.Namespace) -> str:
    """`vault_path` as a string, made without pathlib when the path is given (issue 13)."""
    explicit = getattr(args, "vault", None) or os.environ.get(VAULT_ENV)
    if explicit:
        from desktop_2fa.vault.paths import expanded

        return expanded(explicit)
    return str(vault_path(args))


def read_password_file(path: str) -> str:
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise UserError(f"cannot read password file {path}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise UserError(f"password file {path} is not UTF-8 text") from e
    # First line only, without its line ending: `echo pw > file` must work.
    return text.splitlines()[0] if text else ""


def prompt(question: str) -> str:
    import getpass

    if not sys.stdin.isatty():
        raise UserError(
            "no password given: use --password-file or set DESKTOP_2FA_PASSWORD "
            "when not running in a terminal"
        )
    try:
        return getpass.getpass(question)
    except EOFError as e:
        raise UserError("no password given") from e


def password(args: argparse.Namespace, question: str = "Vault password: ") -> str:
    """The current vault password: --password-file, else the env var, else a prompt."""
    return password_from(getattr(args, "password_file", None), question)


def password_from(file: str | None, question: str = "Vault password: ") -> str:
    """`password` for a --password-file value (None: not given)."""
    if file:
        return read_password_file(file)
    env = os.environ.get(PASSWORD_ENV)
    if env is not None:
        return env
    return prompt(question)


def _confirmed_new_password(label: str) -> str:
    first = prompt(f"{label}: ")
    if first != prompt(f"{label} (again): "):
        raise UserError("the two passwords differ; nothing was changed")
    return first


def new_password(args: argparse.Namespace, *, for_init: bool) -> str:
    """A new password: from a file or env var for scripts, else asked twice."""
    file = getattr(args, "new_password_file", None)
    if file:
        pw = read_password_file(file)
    elif not for_init and os.environ.get(NEW_PASSWORD_ENV) is not None:
        pw = os.environ[NEW_PASSWORD_ENV]
    elif for_init and (getattr(args, "password_file", None) or PASSWORD_ENV in os.environ):
        pw = password(args)
    else:
        pw = _confirmed_new_password("New vault password")
    if not pw:
        raise UserError("the password must not be empty")
    if len(pw) < 8:
        print("warning: a password under 8 characters is easy to guess", file=sys.stderr)
    return pw


def now() -> float:
    return time.time()


def now_dt() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)
