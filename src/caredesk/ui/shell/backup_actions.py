"""Backup and restore in the main window: File > Back up now… (Ctrl+Shift+B) and Restore from
backup…, the last-backup line in the status bar, and the backup on quit.

The window keeps only a few hooks (`unlocked`, `locking`, `locked`, `before_quit`); the rules of
when and what to keep are in services.backup_schedule, the work in BackupRun (backup_dialog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QWidget

from caredesk.errors import Cancelled, CareDeskError
from caredesk.ui.common import theme
from caredesk.ui.common.forms import button, user_message
from caredesk.ui.common.workers import close_progress_dialog, progress_dialog

# The backup services and dialogs load when first used: the window's menu and welcome page are
# built before the first paint, the database layer after it (issue 14).
if TYPE_CHECKING:
    from caredesk.services import backup_schedule as schedule
    from caredesk.services.workspace import Workspace  # annotations only: not before the first paint
    from caredesk.ui.shell.backup_dialog import BackupDialog, BackupRun
    from caredesk.ui.shell.main_window import MainWindow
    from caredesk.ui.shell.restore_dialog import RestoreDialog

log = logging.getLogger(__name__)

NOTE_MS = 5000  # how long the note about a skipped backup on quit stays (it closes itself)


class BackupIndicator(QLabel):
    """'Last verified backup: 11/24/2026 (3 days ago)' in the status bar; a warning when old or missing."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Last backup")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.hide()

    def show_for(self, ws: Workspace) -> None:
        from caredesk.services import backup_schedule as schedule
        from caredesk.services.backup import last_backup

        self.show_line(schedule.indicator(last_backup(ws), ws.today(), ws.tz))

    def show_line(self, shown: schedule.Indicator) -> None:
        self.setText(shown.text)
        self.setAccessibleDescription(shown.text)
        theme.set_role(self, "warning" if shown.warn else "hint")
        self.show()

    def clear(self) -> None:
        super().clear()
        self.hide()


def brief_note(parent: QWidget, text: str) -> None:
    """A note that closes itself after NOTE_MS (Enter closes it sooner): quitting goes on after it."""
    box = QMessageBox(QMessageBox.Icon.Information, "CareDesk", text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName("Backup on quit")
    QTimer.singleShot(NOTE_MS, box, box.accept)
    box.exec()
    box.deleteLater()


class BackupActions(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.backup_action = QAction("&Back up now…", window, shortcut=QKeySequence("Ctrl+Shift+B"))
        self.backup_action.setToolTip("Write one encrypted, verified backup file to a folder (a USB drive, say)")
        self.backup_action.triggered.connect(self.back_up_now)
        self.backup_action.setEnabled(False)
        self.restore_action = QAction("&Restore from backup…", window)
        self.restore_action.setToolTip("Put a backup file back in place of this computer's store (checked first)")
        self.restore_action.triggered.connect(self.restore)
        window.addAction(self.backup_action)
        self.indicator = BackupIndicator()
        window.statusBar().addPermanentWidget(self.indicator)
        # The welcome page (no store yet, a new laptop, say) offers it too, under its two buttons.
        welcome = window.unlock_panel.welcome
        self.welcome_restore = button("&Restore from backup…")
        self.welcome_restore.setToolTip("Put a CareDesk backup file (.cdbk) in place: a new or re-imaged computer")
        self.welcome_restore.clicked.connect(self.restore)
        welcome.body.addWidget(self.welcome_restore)
        self.dialog: BackupDialog | None = None
        self.restoring: RestoreDialog | None = None
        self._quit_run: BackupRun | None = None
        self._quit_progress: QProgressDialog | None = None
        self._quit_asked = False
        self._then_quit: Callable[[], object] | None = None

    @property
    def quit_run(self) -> BackupRun:
        """The backup on quit's runner, made when first needed."""
        if self._quit_run is None:
            from caredesk.ui.shell.backup_dialog import BackupRun

            self._quit_run = BackupRun(self)
        return self._quit_run

    # -- the window's hooks ------------------------------------------------------------
    def unlocked(self, ws: Workspace) -> None:
        self.backup_action.setEnabled(True)
        self.indicator.show_for(ws)

    def locking(self) -> None:
        """Before the store closes: a backup in progress is cancelled and waited for."""
        if self.dialog is not None:
            self.dialog.stop()
        run = self._quit_run
        quitting = run is not None and run.running
        if run is not None:
            run.stop()
        if quitting and self._then_quit is not None:  # an idle or OS lock during the backup on quit:
            close_progress_dialog(self._quit_progress)  # the quit still goes on, without the backup
            self._quit_progress = None
            QTimer.singleShot(0, self._then_quit)

    def locked(self) -> None:
        self.backup_action.setEnabled(False)
        self.indicator.clear()

    def shutdown(self) -> None:
        self.locking()
        if self.restoring is not None:
            self.restoring.stop()

    # -- back up now -------------------------------------------------------------------
    def back_up_now(self) -> BackupDialog | None:
        ws = self.window.workspace
        if ws is None:
            return None
        from caredesk.ui.shell.backup_dialog import BackupDialog

        dialog = BackupDialog(ws, self.window.settings, self.window)
        dialog.made.connect(lambda _done: self._made(ws))
        dialog.finished.connect(lambda _code: self._forget(dialog))
        self.dialog = dialog
        return self.window.open_modal(dialog)

    def _made(self, ws: Workspace) -> None:
        if ws is self.window.workspace and ws.is_open:
            self.indicator.show_for(ws)

    def _forget(self, dialog: BackupDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # -- restore -----------------------------------------------------------------------
    def restore(self) -> RestoreDialog | None:
        """From the welcome page or the File menu: an open store is locked first (after the
        question about an unsaved call); the restored store opens when the user goes on."""
        window = self.window
        if window.workspace is not None and not window.lock_for_restore():
            return None
        from caredesk.ui.shell.restore_dialog import RestoreDialog

        dialog = RestoreDialog(window.context, window, instance_lock=window.instance_lock)
        dialog.restored.connect(window.open_restored)
        dialog.finished.connect(lambda _code: self._restore_closed(dialog))
        self.restoring = dialog
        return window.open_modal(dialog)

    def _restore_closed(self, dialog: RestoreDialog) -> None:
        if self.restoring is dialog:
            self.restoring = None
        if self.window.workspace is None and dialog.restored_done:
            self.window.unlock_panel.start()  # a store is there now: the unlock page, not the welcome

    # -- backup on quit ----------------------------------------------------------------
    def before_quit(self, ws: Workspace | None, then: Callable[[], object]) -> bool:
        """True when a backup on quit was started: `then()` is called when it ends (done,
        failed or cancelled) and quitting goes on. False when none is due (or one was made)."""
        if ws is None or self._quit_asked:
            return False
        self._quit_asked = True
        from caredesk.services import backup_schedule as schedule
        from caredesk.services.backup import check_folder, last_backup
        from caredesk.ui.shell.backup_dialog import STEPS, failure_text

        settings = self.window.settings
        folder = settings.backup_folder
        if not schedule.due_on_quit(settings.backup_on_quit, folder, last_backup(ws), ws.clock.now(), ws.tz):
            return False
        assert folder is not None
        try:
            check_folder(folder)
        except CareDeskError as exc:
            log.info("no backup on quit: the folder is not usable")
            brief_note(self.window, f"No backup on quit: {user_message(exc)} CareDesk quits now.")
            return False
        run = self.quit_run
        self._quit_progress = dialog = progress_dialog(
            self.window, run.relay, f"Backing up to {folder} before quitting…", "Backup on quit", STEPS
        )
        dialog.setCancelButtonText("Quit without backup")
        log.info("backup on quit started")

        def finished(result: Any) -> None:
            close_progress_dialog(self._quit_progress)
            self._quit_progress = None
            if isinstance(result, BaseException) and not isinstance(result, Cancelled):
                log.error("backup on quit failed: %s", type(result).__name__)
                brief_note(self.window, f"No backup on quit: {failure_text(result)} CareDesk quits now.")
            then()

        self._then_quit = then
        run.start(ws, folder, settings.backups_kept, finished, finished)
        return True
