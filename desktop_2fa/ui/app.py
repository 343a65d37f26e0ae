"""`desktop-2fa` with no command: open the desktop app.

    run(services, uri=None) -> exit status

`services` are built by the launcher (`desktop_2fa.app.run_gui`); this module
never builds them and never imports the CLI (tests/test_layering.py).

With no display it prints one line and the command-line equivalent and
returns 1, before Qt is even loaded (a Qt abort is never what a user sees).
Unexpected exceptions are written to the log and shown as one sentence in a
dialog (`install_excepthook`); no traceback reaches the user.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_2fa.app import Services

PROG = "desktop-2fa"


def display_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no window can be shown, or None when one can (checked without loading Qt)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None  # Windows/macOS always have a display; an explicit platform is trusted
    wayland = env.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = env.get("XDG_RUNTIME_DIR", "")
        socket = Path(wayland) if wayland.startswith("/") else Path(runtime) / wayland
        if socket.exists():
            return None
    display = env.get("DISPLAY")
    if display:
        host, _, number = display.partition(":")
        if host or not number:
            return None  # a remote or unusual display: let Qt try
        if Path(f"/tmp/.X11-unix/X{number.split('.')[0]}").exists():  # noqa: S108 - the X socket
            return None
        return f"the X display {display} is not running"
    if wayland:
        return f"the Wayland display {wayland} is not running"
    return "neither DISPLAY nor WAYLAND_DISPLAY is set"


def no_display_line(reason: str, uri: str | None) -> str:
    if uri:
        instead = f"add the account with: {PROG} add -   (then paste the link and press Ctrl+D)"
    else:
        instead = f"use the command line instead: {PROG} code [QUERY]   ({PROG} --help lists all)"
    return f"{PROG}: no display to open the window on ({reason}); {instead}"


def write_log(
    log_path: Path | None,
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
) -> None:
    """Append the traceback to the log file (mode 0600); never shown to the user."""
    if log_path is None:
        return
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc_type, exc, tb)))
            f.write("\n")
    except OSError:
        pass  # logging must never become the error


def install_excepthook(
    parent: Callable[[], QWidget | None], log_path: Path | None
) -> Callable[..., object]:
    """Show unexpected errors as one sentence in a dialog; returns the previous hook."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_2fa.ui import messages

    previous = sys.excepthook
    showing = [False]

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        write_log(log_path, exc_type, exc, tb)
        if showing[0]:
            return  # one dialog at a time, even if an error repeats
        showing[0] = True
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                PROG,
                messages.describe(exc, log_path),
                QMessageBox.StandardButton.Ok,
                parent(),
            )
            box.setAccessibleName("Error")
            box.exec()
        finally:
            showing[0] = False

    sys.excepthook = hook
    return previous


def configure(app: QApplication) -> None:
    """Name, icon and desktop entry of the application (window titles end in the name)."""
    from desktop_2fa.ui.icons import app_icon

    app.setApplicationName(PROG)
    app.setApplicationDisplayName(PROG)
    app.setDesktopFileName(PROG)
    app.setWindowIcon(app_icon())


def run(services: Services, *, uri: str | None = None, argv: list[str] | None = None) -> int:
    """Open the desktop app on the built `services`; returns the process exit status.

    Args:
        uri: an otpauth:// link to add (the URL handler: `desktop-2fa otpauth://...`).
    """
    problem = display_problem()
    if problem is not None:
        print(no_display_line(problem, uri), file=sys.stderr)
        return 1
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError as e:
        print(
            f"{PROG}: the desktop window cannot start ({e}); use '{PROG} --help'", file=sys.stderr
        )
        return 1

    from desktop_2fa.ui.binding_check import broken_binding

    broken = broken_binding()
    if broken is not None:
        print(f"{PROG}: {broken}", file=sys.stderr)
        return 1

    from desktop_2fa.ui import instance, jobs
    from desktop_2fa.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    configure(app)

    name = instance.server_name(services.vault_file.path)
    if instance.hand_over(name, uri or ""):
        return 0  # the running window shows itself and takes the link
    window = MainWindow(services)
    server = instance.InstanceServer(name, window)

    def message(text: str) -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()
        if text:
            window.open_uri(text)

    server.message.connect(message)
    previous = install_excepthook(lambda: window, services.log_path)
    # Ctrl+C in the terminal quits cleanly; the timer lets Python see the signal.
    signal.signal(signal.SIGINT, lambda *_: QApplication.quit())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    window.show()
    if uri:
        window.open_uri(uri)
    try:
        status = app.exec()
    finally:
        window.clipboard.clear_if_ours()
        window.session.lock()
        jobs.wait_for_all(5000)
        sys.excepthook = previous  # type: ignore[assignment]
    return int(status)
