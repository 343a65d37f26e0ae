"""One window per vault: a second `desktop-2fa` (the otpauth: URL handler) hands over.

The first instance listens on a local socket named after the user and the
vault file; a later start sends its otpauth:// link there (or an empty line
to just raise the window) and exits. Nothing secret beyond the link the user
clicked travels, and the socket is private to the user (UserAccessOption).
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 500


def server_name(vault_path: Path) -> str:
    digest = hashlib.sha256(f"{getpass.getuser()}\0{vault_path.resolve()}".encode()).hexdigest()
    return f"desktop-2fa-{digest[:16]}"


def hand_over(name: str, message: str) -> bool:
    """Send `message` to a running instance; False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    socket.write(message.encode("utf-8") + b"\n")
    socket.flush()
    socket.waitForBytesWritten(TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts.

    Signals:
        message(str): the link a later start was given ("" to just show the window).
    """

    message = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left over from a crash
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # A one-line message arrives with (or right after) the connection;
            # reading it here, without per-socket slots, keeps ownership simple:
            # the sockets are the server's children and die with it.
            if socket.waitForReadyRead(TIMEOUT_MS) or socket.bytesAvailable():
                self._read(socket)
            socket.disconnectFromServer()

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
            self.message.emit(line)
