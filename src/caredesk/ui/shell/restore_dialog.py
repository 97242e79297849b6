"""Restore from backup… (the welcome page and the File menu): pick the .cdbk file, give the
passphrase the store had then or the recovery code and a new passphrase, and the backup is
checked and put in place in the background; then what was restored, where the replaced store
is kept, a new recovery code when one was issued, and the restored store opens.

The data folder's lock: the window holds it (a QLockFile, single_instance) and the restore
takes the same file itself (store.folder_lock, which refuses while anyone holds it). So the
window lets go of it just before the job and takes it back when the job ends, ok or not; the
restore holds it meanwhile, so no other CareDesk can open the folder in between. The window is
locked (no store open) for the whole of it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.app import AppContext
from caredesk.errors import CareDeskError, ValidationError, WrongSecret
from caredesk.services.access import PendingKeyChange
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, heading, passphrase_field, user_message
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.shell import restore_confirm as confirm
from caredesk.ui.shell import restore_result as results
from caredesk.ui.shell.restore_result import ResultPanel
from caredesk.ui.shell.single_instance import InstanceLock

log = logging.getLogger(__name__)


class RestoreDialog(QDialog):
    """Emits `restored(workspace)` when the user goes on into the restored, open store."""

    restored = Signal(object)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, instance_lock: InstanceLock | None = None
    ):
        super().__init__(parent)
        self.context = context
        self.instance_lock = instance_lock
        self.tasks = TaskRunner(self)
        self.workspace: Workspace | None = None  # the restored store, open, until the user goes on
        self.pending: PendingKeyChange | None = None  # a new recovery code shown, in effect on Open
        self.restored_done = False
        self.confirm_box: QMessageBox | None = None  # asked before a store is replaced
        self.replacing: Any = None  # what it said (restore_facts.Replacing), for the result
        self.setWindowTitle("Restore from backup")
        self.setAccessibleName("Restore from backup")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 76)  # the result and messages wrap inside

        self.form = QWidget()
        self.file = QLineEdit()
        self.file.setAccessibleName("Backup file")
        self.file.setPlaceholderText("caredesk-backup-YYYY-MM-DD-HHMM.cdbk")
        self.browse_button = button("Bro&wse…", "Choose the backup file")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.with_passphrase = QRadioButton("Open it with the &passphrase the store had when the backup was made")
        self.with_code = QRadioButton("Open it with the recovery &code (passphrase forgotten)")
        for radio in (self.with_passphrase, self.with_code):
            radio.setAccessibleName(radio.text().replace("&", ""))
            radio.toggled.connect(self._show_fields)
        self.passphrase = passphrase_field("Passphrase")
        self.code = QLineEdit()
        self.code.setAccessibleName("Recovery code")
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.new_passphrase = passphrase_field("New passphrase")
        self.confirm = passphrase_field("Repeat new passphrase")
        self.message = InlineMessage("Restore message")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # the restore reports no steps: a busy bar
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Restoring")
        self.bar.hide()
        self.restore_button = button("&Restore", primary=True)
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.start)
        self.cancel_button = button("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self.form)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Restore from a backup", "section"))
        layout.addWidget(heading(results.where_text(self.context), "hint"))
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.browse_button)
        layout.addWidget(confirm.label("Backup &file", self.file))
        layout.addLayout(row)
        layout.addWidget(self.with_passphrase)
        layout.addWidget(self.with_code)
        self.passphrase_label = confirm.label("Passp&hrase", self.passphrase)
        self.code_label = confirm.label("Reco&very code", self.code)
        self.new_label = confirm.label("&New passphrase (at least 10 characters)", self.new_passphrase)
        self.confirm_label = confirm.label("R&epeat new passphrase", self.confirm)
        for w in (self.passphrase_label, self.passphrase, self.code_label, self.code, self.new_label):
            layout.addWidget(w)
        layout.addWidget(self.new_passphrase)
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.confirm)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        self.outcome = ResultPanel()
        self.outcome.open_button.clicked.connect(self.accept)
        outer = QVBoxLayout(self)
        outer.addWidget(self.form)
        outer.addWidget(self.outcome)
        self.outcome.hide()
        self.with_passphrase.setChecked(True)
        self._show_fields()
        self.file.setFocus()

    def _show_fields(self) -> None:
        by_code = self.with_code.isChecked()
        for w in (self.passphrase_label, self.passphrase):
            w.setVisible(not by_code)
        for w in (self.code_label, self.code, self.new_label, self.new_passphrase, self.confirm_label, self.confirm):
            w.setVisible(by_code)
        self.adjustSize()

    def browse(self) -> None:
        start = self.file.text() or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Choose the backup file", start, "CareDesk backups (*.cdbk);;All files (*)"
        )
        if chosen:
            self.file.setText(chosen)
            (self.code if self.with_code.isChecked() else self.passphrase).setFocus()

    # -- restoring ---------------------------------------------------------------------
    def start(self) -> None:
        if self.tasks.busy:
            return
        fields = (self.file, self.passphrase, self.code, self.new_passphrase, self.confirm)
        if (problem := confirm.form_problem(self.with_code.isChecked(), *fields)) is not None:
            self._say("error", problem[0])
            return problem[1].setFocus()
        context, file = self.context, Path(self.file.text().strip()).expanduser()
        secret = self.new_passphrase.text() if self.with_code.isChecked() else self.passphrase.text()
        code = self.code.text() if self.with_code.isChecked() else None
        self._working(True)
        self.replacing = None
        if not context.has_store():
            return self._restore(file, secret, code)
        self._say("info", "Reading what the store in this folder holds…")
        facts = lambda: confirm.read_facts(context, file, secret, code)  # noqa: E731
        self.tasks.run(facts, lambda replacing: self._ask(replacing, file, secret, code), self._failed)

    def _ask(self, replacing: Any, file: Path, secret: str, code: str | None) -> None:
        """The question (Cancel the default); the restore runs only on Replace."""
        if replacing is None:
            return self._restore(file, secret, code)
        self.replacing, self.confirm_box = replacing, (box := confirm.question(self, replacing))
        box.finished.connect(lambda _r: self._answered(confirm.replace_chosen(box), file, secret, code))
        box.open()

    def _answered(self, replace: bool, file: Path, secret: str, code: str | None) -> None:
        self.confirm_box = None
        self.activateWindow()  # the box gone: keys go to the dialog again (a refusal's field)
        if replace:
            return self._restore(file, secret, code)
        self._working(False)
        self._say("info", "Nothing was restored: the store in this folder is unchanged.")

    def _restore(self, file: Path, secret: str, code: str | None) -> None:
        self._say("info", "Checking the backup, then putting it in place…")
        if self.instance_lock is not None:
            self.instance_lock.release()  # the restore takes the folder's lock itself
        log.info("restore started")
        context = self.context
        self.tasks.run(
            lambda: results.restore_and_open(context, file, secret, code), self._done, self._failed, results.close_pair
        )

    def _done(self, result: Any) -> None:
        done, ws = result
        problem = results.take_lock_back(self.instance_lock)
        self._working(False)
        log.info("backup restored")
        text = results.result_text(done, self.context.data_dir, self.replacing)
        if ws is not None and problem is not None:
            ws.lock()
            ws = None
        if ws is None:
            text += " " + (problem or results.not_opened(done))
        self.workspace = ws
        self.pending = done.pending if ws is not None else None
        self.restored_done = True
        self.form.hide()
        self.outcome.show_result(text, self.pending, opens=ws is not None)
        self.outcome.show()
        self._fit()

    def _failed(self, exc: BaseException) -> None:
        problem = results.take_lock_back(self.instance_lock)
        self._working(False)
        if not isinstance(exc, CareDeskError):
            log.error("restore failed: %s", type(exc).__name__, exc_info=exc)
            self._say("error", "The backup could not be restored (an unexpected error, written to the log).")
            return
        log.info("restore refused: %s", type(exc).__name__)
        if isinstance(exc, ValidationError) and exc.field == "passphrase" and self.with_code.isChecked():
            # The new passphrase, refused as too easy to guess: named as its field is labelled.
            self._say("error", " ".join(filter(None, (f"New passphrase: {exc.message}.", problem))))
            self.new_passphrase.setFocus()
            self.new_passphrase.selectAll()
            return
        self._say("error", " ".join(filter(None, (user_message(exc), problem))))
        if isinstance(exc, WrongSecret):
            field = self.code if self.with_code.isChecked() else self.passphrase
            field.setFocus()
            field.selectAll()

    def _fit(self) -> None:
        """Tall enough for every wrapped line (adjustSize alone cut off the new recovery code)."""
        self.adjustSize()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(self.width(), max(self.height(), layout.totalHeightForWidth(self.width())))

    def _say(self, kind: str, text: str) -> None:
        """The message under the fields; the dialog grows to show every wrapped line of it."""
        if kind == "error":
            self.message.show_error(text)
        else:
            self.message.show_info(text)
        self.adjustSize()

    def _working(self, on: bool) -> None:
        self.form.setEnabled(True)
        for w in self.form.findChildren(QWidget):
            if w is not self.message and w is not self.bar:
                w.setEnabled(not on)
        self.bar.setVisible(on)
        if not on:  # Enter retries after a refusal (disabling Restore had dropped its default)
            self.restore_button.setDefault(True)

    # -- leaving -----------------------------------------------------------------------
    def accept(self) -> None:
        """Open: a new recovery code marked saved takes effect now (the typed one stops working)."""
        pending = self.pending
        if pending is not None and not pending.committed:
            if not self.outcome.saved.isChecked():
                return
            try:
                pending.commit()
            except CareDeskError as exc:
                self.outcome.view.message.show_error(user_message(exc))
                return
            log.info("passphrase set and new recovery code in effect after a restore")
        ws, self.workspace, self.pending = self.workspace, None, None
        self.outcome.view.reset()
        if ws is not None:
            self.restored.emit(ws)  # before `finished`, so the window knows a store is open
        super().accept()

    def reject(self) -> None:
        """A running restore is not cut off half way (it is quick, and safe to let finish).
        After a restore, closing goes on into the store, unless a new recovery code was never
        confirmed: then it is dropped, the store closes, and the typed code still opens it."""
        if self.tasks.busy:
            return
        if self.restored_done and (self.pending is None or self.pending.committed):
            self.accept()
            return
        self.stop()
        super().reject()

    def stop(self) -> None:
        """The app quits, or the dialog closes without Open: wait for a running restore; an
        opened store is closed, not shown; a new code not confirmed is dropped (never in effect)."""
        self.tasks.shutdown()
        if self.confirm_box is not None:  # an unanswered question is a no
            self.confirm_box.reject()
        ws, self.workspace = self.workspace, None
        if self.pending is not None and not self.pending.committed:
            log.info("new recovery code after a restore dropped before it took effect")
        self.pending = None
        self.outcome.view.reset()
        if ws is not None:
            ws.lock()
