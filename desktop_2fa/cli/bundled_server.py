"""The bundled reference server for `desktop-2fa roundtrip`, in a process of its own.

`roundtrip` without --server runs against the bundled server. Started in a
thread of the CLI, importing the server (uvicorn, starlette: about 200 ms)
came before the trip could start, and every request then shared the client's
GIL (issue 13). Instead the CLI binds a free port on 127.0.0.1 itself and
hands the listening socket to `python -m desktop_2fa.cli.bundled_server`: the
child imports and starts the server on the other core while the CLI imports
the client and makes its scratch vault, and the trip's first request waits in
the socket's queue until the server takes it.

`stop` kills the child (it holds nothing but the trip's throwaway accounts);
should the CLI die first, the child ends by itself when its stdin, a pipe
from the CLI, reaches end of file, as the kernel closes the pipe then. Where
passing a socket to a child is not possible (Windows), the server runs in a
thread as before (`server_stub.runner.start_in_thread`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`, as in the rest of the CLI
if TYPE_CHECKING:
    from collections.abc import Callable

# The signing secret reaches the child in its environment, never on its command line.
SECRET_ENV = "DESKTOP_2FA_BUNDLED_SERVER_SECRET"  # noqa: S105 - a variable name


class BundledServer:
    """The reference server started for one round trip; `stop` it when done.

    Attributes:
        base_url: where it listens, http://127.0.0.1:PORT.
        process: the child process it runs in (None where it runs in a thread).
    """

    def __init__(
        self,
        base_url: str,
        stop: Callable[[], None],
        process: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.base_url = base_url
        self.process = process
        self._stop: Callable[[], None] | None = stop

    def stop(self) -> None:
        """Stop the server and wait for it (again is fine)."""
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    # Killed, not asked: it holds nothing but this trip's throwaway accounts,
    # and a graceful uvicorn shutdown would keep the CLI waiting up to 0.1 s.
    if process.stdin is not None:
        process.stdin.close()
    process.kill()
    process.wait()


def start() -> BundledServer:
    """Listen on a free 127.0.0.1 port and start the server on it in a child process.

    Returns at once: connections wait in the socket's queue until the server
    is up.

    Raises:
        OSError: no port to listen on, or no child process.
    """
    if os.name != "posix":  # pragma: no cover - no socket passing to a child there
        from desktop_2fa.app import start_reference_server

        running = start_reference_server()
        return BundledServer(running.base_url, running.stop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop_2fa.cli.bundled_server", str(sock.fileno()), base_url],
            stdin=subprocess.PIPE,
            pass_fds=(sock.fileno(),),
            env={**os.environ, SECRET_ENV: os.urandom(32).hex()},
        )
    finally:
        sock.close()  # the child holds its own copy
    return BundledServer(base_url, lambda: _stop_process(process), process)


# Started by `start_early` before the arguments are parsed, until `take_early` or `stop_early`.
_early: list[BundledServer] = []


def start_early(arguments: list[str]) -> None:
    """Start the server now if `roundtrip ARGUMENTS` will want it (no --server).

    The CLI calls this before it builds its parser (see `cli/main.py`), which
    gives the server those milliseconds more to start. A --server written
    some other way (an abbreviation) only wastes the start: `stop_early`.
    """
    if any(a == "--server" or a.startswith("--server=") for a in arguments):
        return
    try:
        _early.append(start())
    except OSError:
        return  # the command starts it again and says what is wrong


def take_early() -> BundledServer | None:
    """The server `start_early` started, now the caller's to stop."""
    return _early.pop() if _early else None


def stop_early() -> None:
    """Stop a server `start_early` started that no command took (a usage error...)."""
    while _early:
        _early.pop().stop()


def _serve(fd: int, base_url: str) -> None:
    """The child: serve on the inherited socket until stdin closes."""
    from desktop_2fa.app import serve_reference_server  # the one launcher (issue 11)

    serve_reference_server(
        socket.socket(fileno=fd), base_url, os.environ.pop(SECRET_ENV), sys.stdin.buffer.read
    )


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.argv[2])
