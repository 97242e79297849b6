"""What CareDesk puts on the clipboard leaves it again (SPEC §4; KeePassXC's Clipboard).

A copied MRN or note must not outlive the session: 30 seconds after CareDesk put text on
the clipboard, on lock and on quit, that text is cleared - but only while the clipboard
still holds exactly it, so what the user copied from another program is never wiped.

Copies come from three places and all are tracked:
- `copy_text(text)`, for a Copy button;
- Qt's own Ctrl+C in a QLineEdit, QTextEdit, selectable QLabel or table
  (QAbstractItemView copies the current cell's text);
- on X11 and Wayland, selecting text fills the "primary selection" (middle-click paste).
The guard watches QClipboard's change signals and keeps a change when this process owns
the clipboard (`ownsClipboard()`), or when the platform's clipboard is in-process only
(offscreen, minimal: nobody else can have written it).

Python cannot wipe the remembered text (str is immutable): the guard keeps it only until
the clipboard is cleared or changes, and compares, it never logs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication
from shiboken6 import isValid

log = logging.getLogger(__name__)

CLEAR_AFTER_MS = 30_000
# Platforms whose clipboard lives inside the process: every change was made by CareDesk.
_IN_PROCESS = frozenset({"offscreen", "minimal"})

Mode = QClipboard.Mode


class ClipboardGuard(QObject):
    """Remembers what CareDesk copied (per clipboard mode) and clears it when due.

    `cleared(mode)` is emitted after the guard cleared a mode; tests wait on it.
    """

    cleared = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clear_after_ms: int = CLEAR_AFTER_MS,
        owns: Callable[[Mode], bool] | None = None,
    ):
        """`owns(mode)` says whether this process wrote the clipboard's current text (tests
        stand in for another program with `lambda mode: False`)."""
        super().__init__(parent)
        self._clipboard = QGuiApplication.clipboard()
        self._owns = owns or self._owned_here
        self._modes = [Mode.Clipboard]
        if self._clipboard.supportsSelection():
            self._modes.append(Mode.Selection)
        self._ours: dict[Mode, str] = {}
        self._timers: dict[Mode, QTimer] = {}
        for mode in self._modes:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda m=mode: self._expire(m))
            self._timers[mode] = timer
        self.set_clear_after_ms(clear_after_ms)
        # Bound slots, not lambdas: Qt drops the connection when the guard is deleted.
        self._clipboard.dataChanged.connect(self._clipboard_changed)
        if Mode.Selection in self._modes:
            self._clipboard.selectionChanged.connect(self._selection_changed)

    def set_clear_after_ms(self, ms: int) -> None:
        """How long copied text may stay (30 s in the app; tests use a few dozen ms)."""
        for timer in self._timers.values():
            timer.setInterval(max(1, int(ms)))

    def copy_text(self, text: str) -> None:
        """Put `text` on the clipboard; it is cleared after the delay, on lock and on quit."""
        self._clipboard.setText(text, Mode.Clipboard)
        # Some platforms signal asynchronously or not at all for our own write: remember now.
        self._remember(Mode.Clipboard, text)

    def clear_now(self) -> None:
        """Lock and quit: clear every mode that still holds exactly what CareDesk put there."""
        for mode in list(self._ours):
            self._expire(mode)

    # -- internals -------------------------------------------------------------
    def _owned_here(self, mode: Mode) -> bool:
        if QGuiApplication.platformName() in _IN_PROCESS:
            return True
        return self._clipboard.ownsClipboard() if mode == Mode.Clipboard else self._clipboard.ownsSelection()

    @Slot()
    def _clipboard_changed(self) -> None:
        self._changed(Mode.Clipboard)

    @Slot()
    def _selection_changed(self) -> None:
        self._changed(Mode.Selection)

    def _changed(self, mode: Mode) -> None:
        text = self._clipboard.text(mode)
        if text and self._owns(mode):
            self._remember(mode, text)
        elif self._ours.get(mode) != text:
            self._forget(mode)  # someone else's text, or cleared: not ours to touch any more

    def _remember(self, mode: Mode, text: str) -> None:
        if not text:
            return
        self._ours[mode] = text
        self._timers[mode].start()  # restarts: the delay counts from the latest copy

    def _forget(self, mode: Mode) -> None:
        self._ours.pop(mode, None)
        self._timers[mode].stop()

    def _expire(self, mode: Mode) -> None:
        ours = self._ours.get(mode)
        self._forget(mode)
        if ours is not None and self._clipboard.text(mode) == ours:
            self._clipboard.clear(mode)
            log.info("cleared what CareDesk copied (%s)", mode.name)
            self.cleared.emit(mode)


_guard: ClipboardGuard | None = None


def guard() -> ClipboardGuard:
    """The application's one guard, made (and watching) on first use; needs a QGuiApplication."""
    global _guard
    if _guard is None or not isValid(_guard):
        _guard = ClipboardGuard(QCoreApplication.instance())
    return _guard


def copy_text(text: str) -> None:
    """Copy `text` for the user; CareDesk clears it after 30 s, on lock and on quit if unchanged."""
    guard().copy_text(text)
