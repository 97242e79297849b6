"""The OS session lock locks CareDesk too (issue 11 item 8): real D-Bus signals, sent by
another process (dbus-send) on a private bus started for the test, reach the window.

The private bus stands in for both the session bus (screen savers) and the system bus
(login1), which a test may not own. Skipped where dbus-daemon is missing
(tools/system-deps.sh test installs it).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from caredesk.ui.queue.page import QueuePage
from caredesk.ui.shell.session_lock import login1_session_path
from tests.ui.conftest import unlock_with

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None or shutil.which("dbus-send") is None,
    reason="needs dbus-daemon and dbus-send (apt-get install dbus; tools/system-deps.sh test)",
)
QtDBus = pytest.importorskip("PySide6.QtDBus")
_names = itertools.count()
OUR_SESSION = login1_session_path("3")


@pytest.fixture
def bus_address() -> Iterator[str]:
    """A private message bus of its own, ended after the test."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        address = daemon.stdout.readline().strip() if daemon.stdout else ""
        assert address.startswith("unix:"), f"dbus-daemon printed {address!r}"
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@pytest.fixture
def bus(bus_address: str) -> Iterator[object]:
    name = f"caredesk-test-{next(_names)}"
    connection = QtDBus.QDBusConnection.connectToBus(bus_address, name)
    assert connection.isConnected()
    yield connection
    QtDBus.QDBusConnection.disconnectFromBus(name)


def send_signal(address: str, path: str, member: str, *args: str) -> None:
    """Another process emits the signal, as the desktop or systemd-logind would."""
    subprocess.run(["dbus-send", f"--bus={address}", "--type=signal", path, member, *args], check=True, timeout=10)


def test_session_path_follows_systemd_escaping():
    assert login1_session_path("3") == "/org/freedesktop/login1/session/_33"
    assert login1_session_path("c2") == "/org/freedesktop/login1/session/c2"
    assert login1_session_path("12") == "/org/freedesktop/login1/session/_312"


@pytest.mark.parametrize("interface", ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"])
def test_screen_lock_locks_the_window(unlocked, bus, bus_address, qtbot, interface):
    assert unlocked.session_lock.listen_session_bus(bus)
    path = "/" + interface.replace(".", "/")
    send_signal(bus_address, path, f"{interface}.ActiveChanged", "boolean:false")  # unlocking the screen
    qtbot.wait(300)
    assert unlocked.workspace is not None
    send_signal(bus_address, path, f"{interface}.ActiveChanged", "boolean:true")
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=5_000)
    assert unlocked.central_page() is unlocked.unlock_panel


def test_suspend_locks_the_window(unlocked, bus, bus_address, qtbot):
    assert unlocked.session_lock.listen_system_bus(bus, OUR_SESSION)
    manager = "org.freedesktop.login1.Manager.PrepareForSleep"
    send_signal(bus_address, "/org/freedesktop/login1", manager, "boolean:false")  # waking up
    qtbot.wait(300)
    assert unlocked.workspace is not None
    send_signal(bus_address, "/org/freedesktop/login1", manager, "boolean:true")
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=5_000)


def test_loginctl_lock_of_this_session_locks_and_another_session_does_not(unlocked, bus, bus_address, qtbot):
    assert unlocked.session_lock.listen_system_bus(bus, OUR_SESSION)
    send_signal(bus_address, login1_session_path("7"), "org.freedesktop.login1.Session.Lock")
    qtbot.wait(300)
    assert unlocked.workspace is not None
    send_signal(bus_address, OUR_SESSION, "org.freedesktop.login1.Session.Lock")
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=5_000)


def test_a_call_being_worked_is_kept_as_a_draft_without_a_question(unlocked, canary_store, bus, bus_address, qtbot):
    page = unlocked.view.page(QueuePage)
    unlocked.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Space)  # the timer starts; the cursor is in the note
    qtbot.keyClicks(QApplication.focusWidget(), "Screen locked mid-call")
    assert unlocked.session_lock.listen_session_bus(bus)
    send_signal(
        bus_address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", "boolean:true"
    )
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=5_000)  # a running timer does not hold it off
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    unlock_with(qtbot, unlocked)
    assert page.panel.note.toPlainText() == "Screen locked mid-call"
    assert unlocked.workspace is not None


def test_a_locked_window_ignores_the_signal(make_window, canary_store, bus, bus_address, qtbot):
    window = make_window()  # the unlock page: nothing to lock, nothing breaks
    assert window.session_lock.listen_session_bus(bus)
    send_signal(
        bus_address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", "boolean:true"
    )
    qtbot.wait(300)
    assert window.central_page() is window.unlock_panel
