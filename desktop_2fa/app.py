"""Composition root: builds the services the desktop app runs on and hands them over.

The UI never constructs a vault file, a clock or a key-derivation policy
itself; it receives them here. That is what lets tests run the real windows
against a temporary vault with cheap Argon2id parameters and a fixed clock::

    services = build_services(tmp_path / "vault.json", kdf=lambda: fast_kdf)
    window = MainWindow(services)

Nothing here imports Qt (DESIGN.md, layers): `desktop_2fa.ui.app.run` does,
and only once it knows there is a display.

This is also the one launcher between the two front ends (issue 11): the CLI
reaches the desktop window, the Qt screen grab and the bundled reference
server only through here, the UI imports this module for its types only,
and `ui.app.run` receives the built services and nothing else
(tests/test_layering.py holds all of it).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from desktop_2fa.vault.crypto import KdfParams, default_kdf_params
from desktop_2fa.vault.store import VaultFile

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from server_stub.settings import Settings


class ReferenceServer(Protocol):
    """The bundled server as the front ends see it (server_stub.runner.RunningServer)."""

    @property
    def base_url(self) -> str: ...

    def stop(self) -> None: ...


def _now_utc() -> datetime:
    return datetime.now(UTC)


#: What the bundled server allows one client, where it is more than better-auth's
#: production rules: sign-ins and sign-ups per 10 s, two-factor requests per
#: path per 60 s.
BUNDLED_SIGN_IN_LIMIT = 10
BUNDLED_TWO_FACTOR_LIMIT = 15


def _bundled_settings(secret: str | None = None, base_url: str | None = None) -> Settings:
    """The reference server as desktop-2fa starts it for its own round trip and wizard.

    The server's defaults (better-auth's production rules, the seed guide's
    two-factor rule) but roomier for sign-in and two-factor: one round trip
    signs in four times and sends three codes within seconds, and 3 sign-ins
    per 10 s and 5 codes per 60 s made every trip wait 10 s, and the next one
    within a minute wait for the codes too. The audit's 30 quick requests
    still meet 429s; a standalone `desktop-2fa-server` keeps the defaults.
    """
    import secrets

    from server_stub.settings import DEFAULT_RATE_LIMITS, RateLimit, Settings

    def roomier(rule: RateLimit) -> RateLimit:
        if "/sign-in" in rule.path_prefixes:
            return RateLimit(rule.window, BUNDLED_SIGN_IN_LIMIT, rule.path_prefixes)
        if "/two-factor/" in rule.path_prefixes:
            return RateLimit(rule.window, BUNDLED_TWO_FACTOR_LIMIT, rule.path_prefixes)
        return rule

    return Settings(
        secret=secret or secrets.token_urlsafe(48),
        base_url=base_url,
        rate_limit=tuple(roomier(rule) for rule in DEFAULT_RATE_LIMITS),
    )


def start_reference_server() -> ReferenceServer:
    """The bundled reference server, in this process, on a free 127.0.0.1 port."""
    from server_stub.runner import start_in_thread  # only when the wizard asks for it

    return start_in_thread(_bundled_settings())


_start_reference_server = start_reference_server  # the Services default


def serve_reference_server(
    sock: socket.socket, base_url: str, secret: str, until: Callable[[], object]
) -> None:
    """Serve the bundled reference server (memory store) on a listening socket.

    For `desktop-2fa roundtrip`'s child process (`cli/bundled_server.py`):
    `until` runs in a thread (the child reads its stdin to end of file), and
    when it returns the server stops.
    """
    import threading

    from server_stub.runner import make_server
    from server_stub.storage.memory import MemoryStore

    store = MemoryStore()
    server, _ = make_server(_bundled_settings(secret=secret, base_url=base_url), store, sock)

    def stop_when_told() -> None:
        until()
        server.should_exit = True

    threading.Thread(target=stop_when_told, name="stop-when-told", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        store.close()


def grab_screens() -> list[npt.NDArray[np.uint8]]:
    """Every screen's pixels (Qt is the portable way to capture; `scan --screen`)."""
    from desktop_2fa.ui.screen_grab import grab_screens as grab

    return grab()


@dataclass(frozen=True)
class Services:
    """Everything the desktop app needs from below the UI line.

    Attributes:
        vault_file: the vault on disk (maybe not created yet).
        new_kdf: Argon2id parameters for a vault the app creates (the real,
            slow defaults unless a test injects cheap ones).
        clock: Unix time; read once per tick at the UI edge and passed down.
        now: the same clock as a timezone-aware datetime, for vault edits.
        monotonic: for idle time and stall measurements (never for codes).
        start_reference_server: starts the bundled server for the wizard.
        log_path: where unexpected errors are written (never shown as a traceback).
        camera_index: which camera the add dialog opens (0: the default one).
        icon_packs: the folder of installed icon packs (next to the vault).
    """

    vault_file: VaultFile
    new_kdf: Callable[[], KdfParams] = default_kdf_params
    clock: Callable[[], float] = time.time
    now: Callable[[], datetime] = _now_utc
    monotonic: Callable[[], float] = time.monotonic
    start_reference_server: Callable[[], ReferenceServer] = _start_reference_server
    log_path: Path | None = None
    camera_index: int = 0
    icon_packs: Path | None = None

    @property
    def icon_packs_folder(self) -> Path:
        return self.icon_packs or self.vault_file.path.parent / "icon-packs"


def default_log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("desktop-2fa", appauthor=False) / "desktop-2fa.log"


def build_services(
    vault_path: Path,
    *,
    kdf: Callable[[], KdfParams] | None = None,
    clock: Callable[[], float] | None = None,
    log_path: Path | None = None,
    start_reference_server: Callable[[], ReferenceServer] | None = None,
) -> Services:
    """The services for the vault at `vault_path`.

    Args:
        kdf: Argon2id parameters for a new vault; the real defaults (256 MiB,
            3 passes) when None. Tests pass their cheap `fast_kdf`.
        clock: Unix time source; `time.time` when None.
        log_path: where the error dialog writes details; the platform's log folder
            when None.
        start_reference_server: override for the wizard's bundled server.
    """
    the_clock = clock or time.time
    return Services(
        vault_file=VaultFile(vault_path),
        new_kdf=kdf or default_kdf_params,
        clock=the_clock,
        now=(lambda: datetime.fromtimestamp(the_clock(), UTC)) if clock else _now_utc,
        log_path=log_path,
        start_reference_server=start_reference_server or _start_reference_server,
    )


def run_gui(vault_path: Path, uri: str | None = None) -> int:
    """Build the services and open the desktop app; returns the exit status."""
    from desktop_2fa.ui.app import run

    return run(build_services(vault_path, log_path=default_log_path()), uri=uri)
