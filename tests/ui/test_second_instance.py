"""A second start on a folder already open brings the open window forward (bring_forward), and
says "already open" only when nothing listens. The second start is a real `caredesk gui` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket

from caredesk.ui.shell.bring_forward import ask_open_window, server_name
from caredesk.ui.shell.single_instance import InstanceLock

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _second_start(data_dir: Path, home: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    # Its own settings and keyring: the second start must not touch the machine's.
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=SRC,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "caredesk", "gui", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_second_start_brings_the_open_window_forward_and_ends(make_window, data_dir, tmp_path, qtbot):
    window = make_window()
    assert window.forward_requests is not None  # listening from the start (no preload in tests)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    asked: list[bool] = []
    window.forward_requests.asked.connect(lambda: asked.append(True))

    second = _second_start(data_dir, tmp_path / "home")
    try:
        # Our event loop runs meanwhile: the open window answers the request.
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    finally:
        if second.poll() is None:
            second.kill()  # it would be waiting in an "already open" box
    out, err = second.communicate()
    assert second.returncode == 0, err.decode()
    assert b"Traceback" not in out + err
    qtbot.waitUntil(lambda: asked == [True])
    assert not window.isMinimized()


def test_with_nobody_listening_the_second_start_is_told_the_folder_is_open(data_dir, qapp):
    # A lock held by something that does not listen (an older CareDesk): ask says no, and the
    # caller shows "CareDesk is already open" as before.
    lock = InstanceLock(data_dir / "caredesk.lock")
    lock.acquire()
    try:
        assert not ask_open_window(data_dir)
    finally:
        lock.release()


def test_a_socket_file_left_by_a_crash_does_not_stop_the_next_window_listening(make_window, data_dir, qtbot):
    stale = Path(QDir.tempPath()) / server_name(data_dir)
    stale.write_text("")  # what a killed CareDesk leaves where its socket was
    try:
        window = make_window()
        asked: list[bool] = []
        window.forward_requests.asked.connect(lambda: asked.append(True))
        assert ask_open_window(data_dir)
        qtbot.waitUntil(lambda: asked == [True])
    finally:
        stale.unlink(missing_ok=True)


def test_anything_but_the_request_is_ignored(make_window, data_dir, qtbot):
    window = make_window()
    asked: list[bool] = []
    window.forward_requests.asked.connect(lambda: asked.append(True))
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    assert socket.waitForConnected(1000)
    socket.write(b"GET / HTTP/1.0\r\n\r\n")
    socket.waitForBytesWritten(1000)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState)  # closed on us
    assert asked == []
    assert ask_open_window(data_dir)
    qtbot.waitUntil(lambda: asked == [True])


def test_the_socket_name_does_not_show_the_folder(tmp_path):
    folder = tmp_path / "Ana Reyes panel"
    name = server_name(folder)
    assert "Ana" not in name and "panel" not in name and len(name) < 40
    assert name == server_name(tmp_path / "x" / ".." / "Ana Reyes panel")  # one folder, however written
    assert name != server_name(tmp_path / "other")


def test_at_program_start_the_window_listens_once_the_preload_is_in(make_window, data_dir, qtbot):
    # QtNetwork loads with the pages after the first paint (issue 14), then the window listens.
    window = make_window(preload=True)
    qtbot.waitUntil(lambda: window.forward_requests is not None, timeout=15_000)
    assert ask_open_window(data_dir)
