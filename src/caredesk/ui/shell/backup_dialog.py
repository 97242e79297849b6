"""File > Back up now…: choose the folder, write one verified backup in the background with a
progress bar and Cancel, then say what was written, or why not in the store's own words.

`BackupRun` is the job itself (services.backup_schedule.backup_and_prune on a worker), shared
with the backup on quit: progress 0-1000 on a ProgressRelay, `cancel()` asks the job to stop
(it leaves no file), `stop()` cancels and waits (before the store is locked or the app quits).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from caredesk.errors import Cancelled, CareDeskError
from caredesk.services import backup_schedule as schedule
from caredesk.services.backup import check_folder
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, heading, user_message
from caredesk.ui.common.workers import ProgressRelay, TaskRunner
from caredesk.ui.shell.settings import AppSettings

log = logging.getLogger(__name__)

STEPS = 1000  # the progress bar's range: make_backup reports fractions
INTRO = (
    "One encrypted file that opens with your passphrase or recovery code, checked after it is "
    "written. Choose a folder on a USB drive or another disk, not this computer's own drive."
)


class BackupRun(QObject):
    """One backup at a time on a worker thread (see the module docstring)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.relay = ProgressRelay()
        self._tasks: TaskRunner | None = None

    @property
    def running(self) -> bool:
        return self._tasks is not None and self._tasks.busy

    def start(
        self,
        ws: Workspace,
        folder: Path,
        keep: int,
        on_done: Callable[[schedule.BackupDone], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        relay = self.relay
        relay.cancelled = False
        self._tasks = TaskRunner(self)  # a fresh one: stop() shuts the last one for good

        def job() -> schedule.BackupDone:  # on the worker thread
            return schedule.backup_and_prune(
                ws,
                folder,
                keep=keep,
                progress=lambda fraction: relay.report(int(fraction * STEPS), STEPS),
                cancel=lambda: relay.cancelled,
            )

        self._tasks.run(job, on_done, on_error)

    def cancel(self) -> None:
        self.relay.cancel()

    def stop(self) -> None:
        """Cancel and wait for the job (the store is about to close); its outcome is dropped."""
        if self._tasks is not None:
            self.relay.cancel()
            self._tasks.shutdown()
            self._tasks = None


def failure_text(exc: BaseException) -> str:
    """The store's message as it is ('is the drive plugged in?'); a defect is said plainly, not shown as a trace."""
    if isinstance(exc, CareDeskError):
        return user_message(exc)
    return "The backup could not be made (an unexpected error, written to the log). Nothing was kept."


class BackupDialog(QDialog):
    """Emits `made(BackupDone)` after a verified backup (the window updates its indicator)."""

    made = Signal(object)

    def __init__(self, ws: Workspace, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.settings = settings
        self.setWindowTitle("Back up now")
        self.setAccessibleName("Back up now")
        # Wide enough for the result line; the height follows the wrapped text (see _say).
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)
        self.run = BackupRun(self)
        self._stopped = False  # set by stop(): the store is locking; nothing more starts here
        self.run.relay.changed.connect(self._progress)

        last = settings.backup_folder
        self.folder = QLineEdit(str(last) if last else "")
        self.folder.setAccessibleName("Backup folder")
        self.folder.setPlaceholderText("A folder on a USB drive, say")
        label = QLabel("Back up &to folder")
        label.setBuddy(self.folder)
        self.browse_button = button("B&rowse…", "Choose the backup folder")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse_button)

        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName("Backup progress")
        self.bar.setTextVisible(True)
        self.bar.hide()
        self.message = InlineMessage("Backup message")
        self.start_button = button("&Back up", primary=True)
        self.start_button.clicked.connect(self.start)
        self.close_button = button("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Back up your store", "section"))
        layout.addWidget(heading(INTRO, "hint"))
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.folder, self.browse_button)
        QWidget.setTabOrder(self.browse_button, self.start_button)
        QWidget.setTabOrder(self.start_button, self.close_button)
        self.folder.setFocus()
        self.adjustSize()  # the wrapped intro's height at this width

    # -- choosing ----------------------------------------------------------------------
    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the backup folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.start_button.setFocus()

    # -- running -----------------------------------------------------------------------
    def start(self) -> None:
        if self.run.running or self._stopped or not self.ws.is_open:
            # A key press queued behind a lock (screen lock, Ctrl+L) must not start a backup of the
            # locked store: a GUI tester's Alt+B landed after the lock and the app hung.
            return
        text = self.folder.text().strip()
        if not text:
            self._say("error", "Backup folder: choose where the backup goes (Browse…).")
            self.folder.setFocus()
            return
        folder = Path(text).expanduser()
        try:
            check_folder(folder)  # an unplugged drive is said at once, before any work
        except CareDeskError as exc:
            self._say("error", user_message(exc))
            return
        self._say("info", "Backing up and checking the copy…")
        self.bar.setValue(0)
        self.bar.show()
        self._running(True)
        log.info("backup started")
        self.run.start(self.ws, folder, self.settings.backups_kept, self._done, self._failed)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(done)

    def _done(self, result: Any) -> None:
        assert isinstance(result, schedule.BackupDone)
        self._running(False)
        self.bar.setValue(STEPS)
        self.settings.backup_folder = result.made.path.parent
        self.settings.sync()
        log.info("backup made and verified (%d older removed)", len(result.removed))
        self._say("info", schedule.result_text(result))
        self.close_button.setFocus()
        self.made.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._running(False)
        self.bar.hide()
        if isinstance(exc, Cancelled):
            log.info("backup cancelled")
            self._say("info", user_message(exc))
            return
        log.error("backup failed: %s", type(exc).__name__, exc_info=not isinstance(exc, CareDeskError))
        self._say("error", failure_text(exc))

    def _say(self, kind: str, text: str) -> None:
        """The message under the bar; the dialog grows to show every wrapped line of it."""
        if kind == "error":
            self.message.show_error(text)
        else:
            self.message.show_info(text)
        self.adjustSize()

    def _running(self, on: bool) -> None:
        self.folder.setEnabled(not on)
        self.browse_button.setEnabled(not on)
        self.start_button.setEnabled(not on)
        self.close_button.setEnabled(True)
        self.close_button.setText("Cancel" if on else "Close")
        self.close_button.setAccessibleName(self.close_button.text())
        if on:
            self.close_button.setFocus()  # Enter or Space now cancels

    # -- leaving -----------------------------------------------------------------------
    def reject(self) -> None:
        """Cancel (or Esc) while the backup runs stops it and keeps the dialog open to say so."""
        if self.run.running:
            self.run.cancel()
            self.close_button.setEnabled(False)
            self._say("info", "Cancelling…")
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.run.running:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)

    def stop(self) -> None:
        """The store is locking or the app quits: cancel, wait, close."""
        self._stopped = True
        self.run.stop()
        self._running(False)
        super().reject()
