"""Lock after idle time, as KeePassXC's InactivityTimer does.

The user's keyboard and mouse input reaches CareDesk through its top-level windows (QWindow): the
platform hands every input event to the window before the window passes it to a widget. An event
filter on those windows restarts one single-shot timer on any input; when it fires, `idle` is
emitted and the window locks itself. A window that appears later (a dialog, a question) is filtered
from the moment it takes the focus, or with the others when the timer starts.

Why not an application-wide filter: that one is called in Python for every event of every object
(paints, timers, layout requests: ~11,000 in one UI test, ~5% of the GUI thread), and waits for the
interpreter lock while a worker holds it. The windows see only their own events.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
}


class InactivityTimer(QObject):
    """`idle` is emitted after `interval_ms` with no keyboard, mouse, touch or tablet input in any
    of the application's top-level windows, once `start` was called; `stop` ends the watch."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timeout)
        self._active = False
        self._watched: list[QWindow] = []

    def set_interval_ms(self, ms: int) -> None:
        self._timer.setInterval(max(1, int(ms)))
        if self._active:
            self._timer.start()

    def interval_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        if not self._active:
            app = QGuiApplication.instance()
            if isinstance(app, QGuiApplication):
                app.focusWindowChanged.connect(self._watch_windows)
            self._watch_windows()
        self._active = True
        self._timer.start()

    def stop(self) -> None:
        if self._active:
            app = QGuiApplication.instance()
            if isinstance(app, QGuiApplication):
                app.focusWindowChanged.disconnect(self._watch_windows)
        self._active = False
        self._timer.stop()
        for window in self._watched:
            if shiboken6.isValid(window):
                window.removeEventFilter(self)
        self._watched = []

    @property
    def active(self) -> bool:
        return self._active

    def _watch_windows(self, *_focus: object) -> None:
        """Filter every top-level window not filtered yet (a dialog shown since, say)."""
        self._watched = [w for w in self._watched if shiboken6.isValid(w)]
        for window in QGuiApplication.topLevelWindows():
            if window not in self._watched:
                window.installEventFilter(self)
                self._watched.append(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _INPUT:
            self._timer.start()  # restart: a single-shot timer is cheaper than timestamps
        return False

    def _timeout(self) -> None:
        if self._active:
            self.stop()
            self.idle.emit()
