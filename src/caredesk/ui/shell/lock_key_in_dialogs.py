"""Ctrl+L locks from inside the window's forms too.

File > Lock's Ctrl+L belongs to the main window, and Qt gives no window's shortcut to a window a
modal dialog blocks: a tester pressed Ctrl+L three times in Add patient and in Log contact…, and
CareDesk stayed unlocked (then typed the passphrase into the form). Each dialog of the window gets
a Ctrl+L of its own when it takes the focus; the lock then keeps what the form holds, as an idle
lock does (MainWindow._lock_now). Questions (QMessageBox) get none: the lock's own question about
an unsaved call is one, and a question is answered, not locked over.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

LOCK_KEY = QKeySequence("Ctrl+L")
_GIVEN = "caredesk_lock_key"  # a dialog's property once it has its Ctrl+L


class LockKeyInDialogs(QObject):
    """Gives `lock` a Ctrl+L in every dialog owned by `window` as the dialog takes the focus."""

    def __init__(self, window: QWidget, lock: Callable[[], None]):
        super().__init__(window)
        self.window, self.lock = window, lock
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._focus_changed)

    def _focus_changed(self, _focused: QWindow | None) -> None:
        dialog = QApplication.activeWindow()
        if not isinstance(dialog, QDialog) or isinstance(dialog, QMessageBox) or dialog.property(_GIVEN):
            return
        if not self._owns(dialog):
            return
        QShortcut(LOCK_KEY, dialog, self.lock)
        dialog.setProperty(_GIVEN, True)

    def _owns(self, dialog: QWidget) -> bool:
        """Whether `dialog` is one of the window's own (a dialog is a window of its own, so
        QWidget.isAncestorOf does not see it)."""
        parent = dialog.parentWidget()
        while parent is not None:
            if parent is self.window:
                return True
            parent = parent.parentWidget()
        return False
