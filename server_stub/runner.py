"""Run the server under uvicorn: in the foreground (the CLI) or in a thread.

The desktop app and `desktop-2fa roundtrip` start the bundled server
in-process::

    with start_in_thread() as server:      # free 127.0.0.1 port, memory store
        client.enroll(server.base_url)

uvicorn runs on uvloop when it is installed, with httptools behind
`GuardedHttpProtocol` (a deadline and a size cap on request heads). uvicorn's
own proxy-header handling is off: only `--trusted-proxy` decides whose
`X-Forwarded-For` is believed (`http/client_address.py`).
"""

from __future__ import annotations

import dataclasses
import secrets
import socket
import threading
import time
from types import TracebackType

import uvicorn

from server_stub.app import create_app
from server_stub.http.connections import GuardedHttpProtocol
from server_stub.settings import Clock, Settings, system_clock
from server_stub.storage.memory import MemoryStore
from server_stub.storage.protocol import Store


class ServerStartError(RuntimeError):
    """The server did not come up (port taken, bad address, crashed at start)."""


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0: a free one).

    Raises:
        ServerStartError: the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise ServerStartError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    sock.set_inheritable(True)
    return sock


def url_for(sock: socket.socket) -> str:
    """`http://host:port` of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def with_base_url(settings: Settings, sock: socket.socket) -> Settings:
    """`settings` with `base_url` set to the socket's URL unless one is given."""
    if settings.base_url is None:
        return dataclasses.replace(settings, base_url=url_for(sock))
    return settings


def make_server(
    settings: Settings, store: Store, sock: socket.socket, *, clock: Clock = system_clock
) -> tuple[uvicorn.Server, Settings]:
    """A uvicorn server for the app; `base_url` defaults to the socket's URL."""
    settings = with_base_url(settings, sock)
    app = create_app(settings, store, clock=clock)
    config = uvicorn.Config(
        app,
        loop="auto",
        http=GuardedHttpProtocol.with_timeout(settings.header_timeout),
        proxy_headers=False,  # X-Forwarded-For only from --trusted-proxy
        lifespan="off",
        access_log=False,  # our own access log never shows query strings
        log_config=None,
        server_header=False,
        date_header=True,  # Node (and so better-auth) sends Date; clients check their clock by it
    )
    return uvicorn.Server(config), settings


@dataclasses.dataclass
class RunningServer:
    """A server running in a background thread; stop it (or use `with`)."""

    base_url: str
    settings: Settings
    store: Store
    _server: uvicorn.Server
    _thread: threading.Thread
    _owns_store: bool

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to shut down and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._owns_store:
            self.store.close()

    @property
    def auth_url(self) -> str:
        """`<base_url>/api/auth`, where the endpoints live."""
        return self.base_url + self.settings.base_path

    @property
    def running(self) -> bool:
        """True while the server thread is alive."""
        return self._thread.is_alive()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_in_thread(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock = system_clock,
    timeout: float = 10.0,
) -> RunningServer:
    """Start the server in a daemon thread and return once it accepts requests.

    Args:
        settings: defaults to a fresh random secret and default options;
            `base_url` None becomes the bound address.
        store: defaults to a new in-memory store (closed on `stop`).
        host, port: where to listen (port 0 picks a free port).

    Raises:
        ServerStartError: binding failed or uvicorn did not start in time.
    """
    if settings is None:
        settings = Settings(secret=secrets.token_urlsafe(48))
    owns_store = store is None
    the_store: Store = MemoryStore() if store is None else store
    sock = bind_socket(host, port)
    server, settings = make_server(settings, the_store, sock, clock=clock)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="desktop-2fa-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout)
            sock.close()
            raise ServerStartError("the server did not start")
        time.sleep(0.005)
    assert settings.base_url is not None
    return RunningServer(settings.base_url, settings, the_store, server, thread, owns_store)
