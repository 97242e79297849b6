"""Lock after idle time, as KeePassXC's InactivityTimer does.

An application-wide event filter restarts one single-shot timer on any keyboard or
mouse input; when it fires, `idle` is emitted and the window locks itself.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

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
    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timeout)
        self._active = False
        self._installed_on: QCoreApplication | None = None

    def set_interval_ms(self, ms: int) -> None:
        self._timer.setInterval(max(1, int(ms)))
        if self._active:
            self._timer.start()

    def interval_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._installed_on is None:
            app.installEventFilter(self)
            self._installed_on = app
        self._active = True
        self._timer.start()

    def stop(self) -> None:
        self._active = False
        self._timer.stop()
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    @property
    def active(self) -> bool:
        return self._active

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _INPUT:
            self._timer.start()  # restart: a single-shot timer is cheaper than timestamps
        return False

    def _timeout(self) -> None:
        if self._active:
            self.stop()
            self.idle.emit()
