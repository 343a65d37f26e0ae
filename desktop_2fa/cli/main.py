"""`desktop-2fa`: parse arguments, run one subcommand, turn errors into one line.

Exit status: 0 ok, 1 a user error (one clear line on stderr), 2 bad usage.

Imports are deliberately late: before the parser and the commands are even
imported, `unlock_ahead` starts the vault's key derivation, and for
`roundtrip` the bundled server starts in its own process (`bundled_server`).
"""

from __future__ import annotations

import gc
import os
import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing delays the head start
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn

PROG = "desktop-2fa"


_LINK_SCHEMES = ("otpauth://", "otpauth-migration://")


def _take_link(arguments: list[str]) -> str | None:
    """Remove and return an otpauth link given in place of a command.

    That is how the desktop's `otpauth:` URL handler calls us
    (`resources/desktop-2fa.desktop`: `Exec=desktop-2fa %u`).
    """
    from desktop_2fa.cli.unlock_ahead import command_index

    index = command_index(arguments)
    if index is not None and arguments[index].lower().startswith(_LINK_SCHEMES):
        return arguments.pop(index)
    return None


def _run_gui(args: argparse.Namespace, link: str | None) -> int:
    from desktop_2fa.app import run_gui
    from desktop_2fa.cli.context import vault_path

    return run_gui(vault_path(args), link)


def _describe(error: BaseException) -> str:
    """One sentence for any error we expect; never a traceback."""
    import errno

    from desktop_2fa.cli.context import UserError
    from desktop_2fa.core.errors import CoreError
    from desktop_2fa.core.text import shown
    from desktop_2fa.enroll.errors import EnrollError
    from desktop_2fa.vault.errors import VaultError

    if isinstance(error, UserError | CoreError | VaultError | EnrollError):
        return str(error)
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            if error.filename is None:
                # Every file write names its file (vault/durable.py): this is
                # the output, redirected to a full disk, perhaps after a save.
                return "the disk is full; the output could not be written"
            # Every write goes to a temp file first (vault/durable.py), so a
            # full disk stops it before anything is replaced.
            return "the disk is full; nothing was changed"
        where = f" {shown(str(error.filename))}" if error.filename else ""
        return f"cannot use{where}: {error.strerror or error}"
    if isinstance(error, MemoryError):
        return "out of memory; nothing was changed"
    return f"unexpected {type(error).__name__}: {error}"


def error_line(error: BaseException) -> str:
    """The one line printed for `error`: escaped, and short however long its parts were."""
    from desktop_2fa.core.text import LINE_LIMIT, shown

    return shown(f"{PROG}: error: {_describe(error)}", LINE_LIMIT)


def _exit_now(status: int) -> NoReturn:
    """End the process once the output is out, without tearing the interpreter down.

    A finished subcommand has closed its files and has nothing left to say:
    freeing every module and object on the way out costs about 15 ms, a
    tenth of a whole `desktop-2fa code` (issue 13), and scripts call it in a
    loop.
    """
    import contextlib  # loaded long since; not at the top, which runs before the head start

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader went away (`| head -1`): it has what it wanted
    except (OSError, ValueError) as e:
        # Python's own exit would say so and return 120: a script must not
        # take a `code > file` on a full disk for a success.
        if isinstance(e, OSError):
            with contextlib.suppress(OSError, ValueError):
                print(error_line(e), file=sys.stderr)
            status = status or 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


def run() -> None:
    """The `desktop-2fa` command: `main`, then a quick exit after a subcommand."""
    # No cyclic garbage collection while the modules load: its passes over
    # every object imported so far are about 1 ms of CPU per `desktop-2fa
    # code`, while the key derivation wants both cores (issue 13). `main`
    # turns it back on for every command but the short reads.
    gc.disable()
    sys.exit(main(exit_quickly=True))


def main(argv: Sequence[str] | None = None, *, exit_quickly: bool = False) -> int:
    """Parse `argv`, run the subcommand (or the desktop app) and return the exit status.

    Args:
        exit_quickly: end the process as soon as a subcommand is done
            (`_exit_now`); the desktop app always returns normally, as Qt's
            objects are torn down with the interpreter.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    roundtrip = _head_starts(arguments)
    try:
        from desktop_2fa.cli import plain_arguments

        plain = plain_arguments.parse(arguments)  # `code` and `list`, without argparse
        if plain is not None:
            status = _run(plain.handler, plain)
            plain_arguments.done()
        else:
            gc.enable()  # the app, a load test, an import... may run for long
            from desktop_2fa.cli.parser import build_parser

            parser = build_parser()
            link = _take_link(arguments)
            args = parser.parse_args(arguments)
            handler = getattr(args, "handler", None)
            if handler is None:
                return _run_gui(args, link)
            if link is not None:
                parser.error("give either a command or an otpauth:// link, not both")
            status = _run(handler, args)
    finally:
        if roundtrip:
            from desktop_2fa.cli import bundled_server

            bundled_server.stop_early()
    if exit_quickly:
        _exit_now(status)
    return status


def _head_starts(arguments: list[str]) -> bool:
    """Start now what the command will wait for (see module docstring); True for roundtrip."""
    from desktop_2fa.cli import unlock_ahead

    unlock_ahead.start(arguments)  # the vault's key derivation
    index = unlock_ahead.command_index(arguments)
    if index is None or arguments[index] != "roundtrip":
        return False
    from desktop_2fa.cli import bundled_server

    bundled_server.start_early(arguments[index + 1 :])  # the bundled server
    return True


def _run(handler: Callable[[Any], int], args: object) -> int:
    """Run a handler on its arguments: argparse's namespace, or `plain_arguments`' alike."""
    try:
        status: int = handler(args)
        return status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        print(error_line(e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    run()
