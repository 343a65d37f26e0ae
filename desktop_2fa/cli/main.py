"""`desktop-2fa`: parse arguments, run one subcommand, turn errors into one line.

Exit status: 0 ok, 1 a user error (one clear line on stderr), 2 bad usage.

Imports are deliberately late: `unlock_ahead` starts the vault's key
derivation before the parser and the commands are even imported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

PROG = "desktop-2fa"


def _run_gui(parser: argparse.ArgumentParser) -> int:
    # The Qt app is a separate issue; until it lands, say so instead of failing.
    print(
        "desktop-2fa: the desktop window is not part of this build yet; use the commands below.",
        file=sys.stderr,
    )
    parser.print_help()
    return 0


def _describe(error: BaseException) -> str:
    """One sentence for any error we expect; never a traceback."""
    from desktop_2fa.cli.context import UserError
    from desktop_2fa.core.errors import CoreError
    from desktop_2fa.enroll.errors import EnrollError
    from desktop_2fa.vault.errors import VaultError

    if isinstance(error, UserError | CoreError | VaultError | EnrollError):
        return str(error)
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"cannot use{where}: {error.strerror or error}"
    return f"unexpected {type(error).__name__}: {error}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    from desktop_2fa.cli import unlock_ahead  # first, see module docstring

    unlock_ahead.start(arguments)
    from desktop_2fa.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _run_gui(parser)
    try:
        status: int = handler(args)
        return status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        print(f"{PROG}: error: {_describe(e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
