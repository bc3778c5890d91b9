"""One running app per vault: a lock file in the vault folder and a local socket beside it.

The lock is a QLockFile, which records the owner's PID and host, so a lock
left by a crashed or killed process is recognised as stale and taken over.
The first instance also listens on a QLocalServer whose name is a hash of the
vault's path; a second start finds the lock taken, asks the first over that
socket to bring its window forward, and then says so and exits.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from crucible.app.services.instance import instance_name, lock_file_path

ACTIVATE = b"activate\n"
ALREADY_OPEN = "Crucible is already open on this vault; its window has been brought to the front."


class InstanceGuard(QObject):
    """Owns the vault for this process, and hears from later starts."""

    activation_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._name = instance_name(folder)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the vault for this process; False if another live process has it."""
        if not self._folder.exists():  # the mode of a folder the user made is theirs
            self._folder.parent.mkdir(parents=True, exist_ok=True)
            self._folder.mkdir(mode=0o700, exist_ok=True)
            os.chmod(self._folder, 0o700)
        lock = QLockFile(str(lock_file_path(self._folder)))
        # Age alone never makes a lock stale (a clinician may keep the app open
        # for days); a dead owner PID does, and QLockFile checks that itself.
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            return False
        self._lock = lock
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(self._name)  # a crashed owner leaves its socket file
        if server.listen(self._name):
            server.newConnection.connect(self._answer)
            self._server = server
        return True

    def notify_running(self, timeout_ms: int = 1500) -> bool:
        """Ask the instance that holds the vault to come forward; True if it was reached."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def release(self) -> None:
        """Give the vault up (at exit)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _answer(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
            self.activation_requested.emit()
