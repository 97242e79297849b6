"""A second CareDesk started on a folder already open brings the open window forward.

The window holding a data folder (single_instance.InstanceLock) listens on a local socket named
for that folder and this user; a second start that finds the folder locked asks it to come
forward and ends, instead of a box saying CareDesk is already open (a care manager who started
it twice wants the window, not a message). KeePassXC and most desktop apps behave so.

The request carries no data, only its fixed word; the socket is the user's alone
(UserAccessOption). Whatever else arrives is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

REQUEST = b"caredesk: show\n"
_WAIT_MS = 1000  # connecting to and writing into a local socket of a live listener is immediate


def server_name(data_dir: Path) -> str:
    """The socket's name for `data_dir` and this user: a hash, so the folder's path (which may
    name a person) is not written in the temp folder; short enough for a Unix socket path."""
    uid = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    key = f"{uid}\0{data_dir.resolve()}".encode()
    return "caredesk-" + hashlib.sha256(key).hexdigest()[:24]


class ForwardRequests(QObject):
    """Listens for a second start's request while this window holds the data folder.

    `asked` is emitted once per request. Start it only while holding the folder's instance
    lock: a socket left by a process that crashed is removed then (nobody else can own it)."""

    asked = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a crashed owner's socket file; we hold the folder now
        if not self._server.listen(name):
            # Not fatal: a second start then says CareDesk is already open, as before.
            log.warning("cannot listen for a second start (%s)", self._server.errorString())

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if socket.bytesAvailable() < len(REQUEST):
            return  # the rest is on its way
        if bytes(socket.read(len(REQUEST)).data()) == REQUEST:
            log.info("a second start asked for this window")
            self.asked.emit()
        socket.disconnectFromServer()


def ask_open_window(data_dir: Path) -> bool:
    """Ask the CareDesk holding `data_dir` to bring its window forward; False when none listens
    (an older CareDesk, or another program holding the lock): the caller then says it is open."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(REQUEST)
    sent = socket.waitForBytesWritten(_WAIT_MS) or socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    return sent
