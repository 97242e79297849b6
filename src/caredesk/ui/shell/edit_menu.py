"""The main window's Edit menu: Undo and Redo of the care plan on screen.

Undo and redo belong to the care-plan editor (its own shortcuts, scoped to it); the menu
items mirror them and show the shortcut without registering it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from caredesk.ui.careplan.editor import CarePlanEditor
    from caredesk.ui.shell.main_window import MainWindow


class EditMenu(QObject):
    """`is_open()`: whether a store is open (the editor may be visible with nothing in it)."""

    def __init__(self, window: MainWindow, is_open: Callable[[], bool]):
        super().__init__(window)
        self.window = window
        self.is_open = is_open
        self.menu = window.menuBar().addMenu("&Edit")
        self.undo = QAction("&Undo\tCtrl+Z", window)
        self.undo.triggered.connect(lambda: self._trigger("undo_action"))
        self.redo = QAction("&Redo\tCtrl+Shift+Z", window)
        self.redo.triggered.connect(lambda: self._trigger("redo_action"))
        self.menu.addAction(self.undo)
        self.menu.addAction(self.redo)
        self.menu.aboutToShow.connect(self.update)
        self.update()

    def editor(self) -> CarePlanEditor | None:
        """None while the pages are still being built after start-up (issue 14)."""
        if not self.window.has_view:
            return None
        from caredesk.ui.careplan.editor import CarePlanEditor
        from caredesk.ui.chart.patients_page import PatientsPage

        return self.window.view.page(PatientsPage).chart.tab(CarePlanEditor)

    def _trigger(self, name: str) -> None:
        editor = self.editor()
        if editor is not None:
            getattr(editor, name).trigger()

    def update(self) -> None:
        """Undo/redo apply to the care plan on screen, and only while it is on screen."""
        editor = self.editor()
        if editor is None:
            for action, verb, keys in ((self.undo, "&Undo", "Ctrl+Z"), (self.redo, "&Redo", "Ctrl+Shift+Z")):
                action.setEnabled(False)
                action.setText(f"{verb}\t{keys}")
            return
        shown = self.is_open() and editor.isVisible()
        stack = editor.undo_stack
        for action, own, text, keys in (
            (self.undo, editor.undo_action, stack.undoText(), "Ctrl+Z"),
            (self.redo, editor.redo_action, stack.redoText(), "Ctrl+Shift+Z"),
        ):
            verb = "&Undo" if action is self.undo else "&Redo"
            enabled = shown and own.isEnabled()
            action.setEnabled(enabled)
            action.setText(f"{verb} {text}\t{keys}" if enabled and text else f"{verb}\t{keys}")
