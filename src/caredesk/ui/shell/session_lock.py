"""When the computer locks (screen lock, suspend, user switch), CareDesk locks too.

KeePassXC does the same (`src/gui/osutils/nixutils`, `winutils`): a nurse who locks the
screen and walks away leaves no chart open behind the lock screen, nor in a suspended
laptop's memory any longer than needed. `SessionLockWatch.locked(reason)` is emitted
once per OS event; the main window locks as on idle (an unsaved call is kept as a draft:
nobody is there to answer a question).

Where the events come from:
- Linux and other D-Bus desktops (QtDBus):
  session bus - `org.freedesktop.ScreenSaver.ActiveChanged(true)` (KDE, XFCE, Cinnamon,
  MATE ...) and `org.gnome.ScreenSaver.ActiveChanged(true)` (GNOME), on any path;
  system bus - `org.freedesktop.login1.Manager.PrepareForSleep(true)` (suspend, hibernate)
  and `org.freedesktop.login1.Session.Lock` on this login session's object
  (`loginctl lock-session`), found from $XDG_SESSION_ID (without it only the screen saver
  and sleep signals are heard).
- Windows: `WM_WTSSESSION_CHANGE` (lock, console or remote disconnect: a user switch)
  after `WTSRegisterSessionNotification`, and `WM_POWERBROADCAST`/`PBT_APMSUSPEND`,
  read by a native event filter.
- macOS: not yet (NSWorkspace's screensDidSleep / sessionDidResignActive notifications
  need PyObjC); the idle lock still applies there.
A missing bus or service is not an error: the watch hears what exists and logs what not.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import SLOT, QAbstractNativeEventFilter, QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SCREEN_SAVERS = (
    ("org.freedesktop.ScreenSaver", "ActiveChanged"),
    ("org.gnome.ScreenSaver", "ActiveChanged"),
)
LOGIN1 = "org.freedesktop.login1"
LOGIN1_MANAGER_PATH = "/org/freedesktop/login1"
LOGIN1_SESSIONS = "/org/freedesktop/login1/session/"


def login1_session_path(session_id: str) -> str:
    """systemd's object path for a session id (sd_bus_path_encode): "3" -> ".../session/_33".

    Letters stay, digits stay except first, anything else becomes _XX (hex)."""
    parts = [
        ch if ch.isascii() and (ch.isalpha() or (ch.isdigit() and i > 0)) else f"_{ord(ch):02x}"
        for i, ch in enumerate(session_id)
    ]
    return LOGIN1_SESSIONS + ("".join(parts) or "_")


class SessionLockWatch(QObject):
    """Emits `locked(reason)` when the OS session locks, sleeps or is switched away from."""

    locked = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._buses: list[Any] = []  # QDBusConnection values: kept so the match rules stay
        self._native: WindowsSessionFilter | None = None

    def start(self, window: QWidget) -> None:
        """Listen on this platform's sources (see the module docstring); never raises."""
        try:
            if sys.platform == "win32":
                self._native = WindowsSessionFilter(self, window)
            elif sys.platform != "darwin":
                from PySide6.QtDBus import QDBusConnection

                self.listen_session_bus(QDBusConnection.sessionBus())
                session_id = os.environ.get("XDG_SESSION_ID", "")
                self.listen_system_bus(
                    QDBusConnection.systemBus(), login1_session_path(session_id) if session_id else None
                )
            else:
                log.info("OS session lock: not watched on macOS yet")
        except Exception:  # a desktop without these services still runs CareDesk
            log.warning("OS session lock: not watched", exc_info=True)

    def listen_session_bus(self, bus: Any) -> bool:
        """Screen savers' ActiveChanged on `bus` (a QDBusConnection); False when not connected."""
        if not bus.isConnected():
            log.info("OS session lock: no D-Bus session bus")
            return False
        for interface, name in SCREEN_SAVERS:
            bus.connect("", "", interface, name, self, SLOT("_screen_saver(bool)"))
        self._buses.append(bus)
        return True

    def listen_system_bus(self, bus: Any, session_path: str | None) -> bool:
        """login1's PrepareForSleep and, for `session_path`, the session's Lock."""
        if not bus.isConnected():
            log.info("OS session lock: no D-Bus system bus")
            return False
        # Any sender, not only the login1 name's owner: a stray signal can only lock
        # CareDesk, which is harmless, and tests emit from a bus of their own.
        bus.connect(
            "", LOGIN1_MANAGER_PATH, f"{LOGIN1}.Manager", "PrepareForSleep", self, SLOT("_prepare_for_sleep(bool)")
        )
        if session_path:
            bus.connect("", session_path, f"{LOGIN1}.Session", "Lock", self, SLOT("_session_lock()"))
        self._buses.append(bus)
        return True

    def stop(self) -> None:
        """Stop the Windows filter (the D-Bus matches end with this object)."""
        if self._native is not None:
            self._native.remove()
            self._native = None

    @Slot(bool)
    def _screen_saver(self, active: bool) -> None:
        if active:
            self.locked.emit("screen locked")

    @Slot(bool)
    def _prepare_for_sleep(self, starting: bool) -> None:
        if starting:
            self.locked.emit("going to sleep")

    @Slot()
    def _session_lock(self) -> None:
        self.locked.emit("session locked")


# -- Windows -------------------------------------------------------------------
WM_WTSSESSION_CHANGE = 0x02B1
WM_POWERBROADCAST = 0x0218
PBT_APMSUSPEND = 0x0004
NOTIFY_FOR_THIS_SESSION = 0
# WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT (a user switch), WTS_SESSION_LOCK
WTS_REASONS = {0x2: "user switched", 0x4: "remote session disconnected", 0x7: "screen locked"}


class WindowsSessionFilter(QAbstractNativeEventFilter):
    """Reads session and power messages sent to the main window (Windows only)."""

    def __init__(self, watch: SessionLockWatch, window: QWidget):
        super().__init__()
        self._watch = watch
        self._hwnd = int(window.winId())
        import ctypes  # Windows only, and not before the first paint elsewhere (issue 14)

        wtsapi32: Any = ctypes.windll.wtsapi32  # type: ignore[attr-defined]
        if not wtsapi32.WTSRegisterSessionNotification(self._hwnd, NOTIFY_FOR_THIS_SESSION):
            log.warning("OS session lock: WTSRegisterSessionNotification failed")
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self)

    def remove(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self)
        import ctypes

        ctypes.windll.wtsapi32.WTSUnRegisterSessionNotification(self._hwnd)  # type: ignore[attr-defined]

    def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:
        if bytes(event_type) == b"windows_generic_MSG":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if msg.message == WM_WTSSESSION_CHANGE and msg.wParam in WTS_REASONS:
                self._watch.locked.emit(WTS_REASONS[msg.wParam])
            elif msg.message == WM_POWERBROADCAST and msg.wParam == PBT_APMSUSPEND:
                self._watch.locked.emit("going to sleep")
        return False, 0
