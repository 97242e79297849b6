"""The File menu's key items: Change passphrase… and Make a new recovery code and kit….

Both work on the open store of the window (never the demo panel: its passphrase is
published and its folder is not the user's store) through the context's one Access, so a
wrong passphrase counts toward the unlock page's back-off. Kept apart from the main window,
which only places them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

if TYPE_CHECKING:
    from caredesk.ui.shell.main_window import MainWindow
    from caredesk.ui.shell.passphrase_dialog import ChangePassphraseDialog
    from caredesk.ui.shell.recovery_code_dialog import NewRecoveryCodeDialog

D = TypeVar("D", bound=QDialog)


class KeyActions:
    def __init__(self, window: MainWindow, menu: QMenu, before: QAction):
        self.window = window
        self.change_passphrase = QAction("C&hange passphrase…", window)
        self.change_passphrase.setToolTip("Set a new passphrase; your data and recovery code stay as they are")
        self.change_passphrase.triggered.connect(self.open_change_passphrase)
        self.new_recovery_code = QAction("Make a new recovery code and &kit…", window)
        self.new_recovery_code.setToolTip("A new recovery code with a kit to print; the old code stops working")
        self.new_recovery_code.triggered.connect(self.open_new_recovery_code)
        menu.insertAction(before, self.change_passphrase)
        menu.insertAction(before, self.new_recovery_code)
        menu.aboutToShow.connect(self.update)
        self.update()

    def _usable(self) -> bool:
        ws = self.window.workspace
        return ws is not None and ws.is_open and not self.window.is_demo

    def update(self) -> None:
        for action in (self.change_passphrase, self.new_recovery_code):
            action.setEnabled(self._usable())

    def open_change_passphrase(self) -> ChangePassphraseDialog | None:
        ws = self.window.workspace
        if ws is None or not self._usable():
            return None
        from caredesk.ui.shell.passphrase_dialog import ChangePassphraseDialog  # loads after the first paint

        return self._open(ChangePassphraseDialog(self.window.context.access, ws, self.window))

    def open_new_recovery_code(self) -> NewRecoveryCodeDialog | None:
        ws = self.window.workspace
        if ws is None or not self._usable():
            return None
        from caredesk.ui.shell.recovery_code_dialog import NewRecoveryCodeDialog

        return self._open(NewRecoveryCodeDialog(self.window.context.access, ws, self.window))

    def _open(self, dialog: D) -> D:
        """Window-modal, deleted when closed; a lock rejects it like every child dialog."""
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
