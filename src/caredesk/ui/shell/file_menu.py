"""The main window's File menu: its actions in order, and which of them a locked window offers.

The commands themselves are the window's (lock, add a patient, open a dialog) or their own
features' (import and export, backup, the key items); this module only makes and places the
actions. Kept apart from the main window, as the Edit menu and the key items are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from caredesk.ui.interop.menu import InteropActions
from caredesk.ui.shell.key_menu import KeyActions

if TYPE_CHECKING:
    from caredesk.ui.shell.main_window import MainWindow


class FileMenu:
    def __init__(self, window: MainWindow):
        menu = window.menuBar().addMenu("&File")
        self.lock_action = QAction("&Lock", window, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(window.lock)
        self.settings_action = QAction("&Settings…", window)
        self.settings_action.triggered.connect(window.open_settings)
        self.quit_action = QAction("&Quit", window, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(window.close)
        self.due_plans_action = QAction("Print all &due care plans…", window, shortcut=QKeySequence("Ctrl+Shift+P"))
        self.due_plans_action.triggered.connect(window.print_due_plans)
        self.add_patient_action = QAction("&Add patient…", window, shortcut=QKeySequence(QKeySequence.StandardKey.New))
        self.add_patient_action.triggered.connect(window.add_patient)
        self.resources_action = QAction("&Community resources…", window, shortcut=QKeySequence("Ctrl+Shift+R"))
        self.resources_action.triggered.connect(window.open_resources)
        self.practice_action = QAction("&Practice details…", window)
        self.practice_action.triggered.connect(window.open_practice_details)
        # The demo is left for the real store from the menu, not only by knowing Ctrl+L.
        self.own_store_action = QAction("&Open my store…", window)
        self.own_store_action.setToolTip("Close the demo panel and unlock (or create) your own store")
        self.own_store_action.triggered.connect(window.leave_demo)
        menu.addAction(self.add_patient_action)
        menu.addSeparator()
        menu.addAction(self.own_store_action)
        menu.addAction(self.lock_action)
        menu.addSeparator()
        menu.addAction(self.due_plans_action)
        menu.addAction(self.resources_action)
        menu.addSeparator()
        self.interop = InteropActions(window, lambda: window.workspace)  # import a panel, FHIR in and out
        menu.addActions(list(self.interop.actions))
        menu.addSeparator()
        menu.addAction(window.backups.backup_action)
        menu.addAction(window.backups.restore_action)
        menu.addSeparator()
        menu.addAction(self.practice_action)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.key_actions = KeyActions(window, menu, before=self.settings_action)  # passphrase, recovery code
        for action in (
            self.add_patient_action,
            self.lock_action,
            self.due_plans_action,
            self.resources_action,
            self.settings_action,
            self.quit_action,
        ):
            window.addAction(action)  # shortcuts work even while the menu bar is hidden
        self.set_open(False)

    def set_open(self, is_open: bool, *, demo: bool = False) -> None:
        """What needs a store is offered while one is open; Open my store… only in the demo."""
        for action in (
            self.lock_action,
            self.due_plans_action,
            self.practice_action,
            self.resources_action,
            self.add_patient_action,
        ):
            action.setEnabled(is_open)
        self.interop.set_enabled(is_open)
        self.own_store_action.setVisible(is_open and demo)
