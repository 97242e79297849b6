"""The month page's EHR summary actions (issue 13 part 4): the selected patient's summary saved
as a PDF or copied as text to paste into an EHR note, and the month's summaries into a folder.

Everything that reads the store or lays out a PDF runs off the GUI thread (TaskRunner), the
batch with a progress dialog whose Cancel stops it between patients. File names never carry
the patient's name ("ehr-summary-2026-11.pdf"; the batch's "ehr-summary-2026-11-<MRN>.pdf").
Copied text goes through ui.common.clipboard, which clears it after 30 seconds, on lock and
on quit. What leaves the app is audited by caredesk.interop.ehr_summary_files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton, QTableView, QWidget

from caredesk.domain.calendar import Month
from caredesk.errors import CareDeskError
from caredesk.interop import ehr_summary_files as files
from caredesk.interop.ehr_summary import month_summary
from caredesk.interop.ehr_summary_text import summary_text
from caredesk.interop.ehr_summary_values import MonthSummary
from caredesk.services.billing_report import MonthRow
from caredesk.services.workspace import Workspace
from caredesk.ui.common import clipboard
from caredesk.ui.common.forms import InlineMessage, button, user_message
from caredesk.ui.common.workers import ProgressRelay, TaskRunner, close_progress_dialog, progress_dialog

log = logging.getLogger(__name__)

HOLDS_PATIENT_DATA = "It holds patient data: keep it where only the care team can read it."


def outcome_text(outcome: files.BatchOutcome, month: Month, folder: Path) -> str:
    """What the batch did, in words (MRNs only, never names)."""
    n = len(outcome.written)
    done = f"{n} EHR summar{'y' if n == 1 else 'ies'} for {month.title} saved in {folder} (one PDF per patient)."
    if outcome.cancelled:
        done = f"Cancelled after {n} of {outcome.total}: " + done
    if n:
        done += " Each file holds patient data."
    return " ".join([done, *(f"{line}." for line in outcome.failed_lines())])


class EhrSummaryActions(QObject):
    """Three buttons for the month page; `context()` gives (workspace, month) or None when
    nothing is shown, `selected()` the selected patient's row or None."""

    def __init__(
        self,
        parent: QWidget,
        table: QTableView,
        message: InlineMessage,
        context: Callable[[], tuple[Workspace, Month] | None],
        selected: Callable[[], MonthRow | None],
    ):
        super().__init__(parent)
        self._parent, self._message = parent, message
        self._context, self._selected = context, selected
        self.tasks = TaskRunner(self)
        self.progress: QProgressDialog | None = None
        self.relay: ProgressRelay | None = None
        self.save_button = button("EHR s&ummary…", "Save the selected patient's EHR summary as PDF")
        self.save_button.setToolTip("The selected patient's care-management summary for the EHR, as a PDF")
        self.save_button.clicked.connect(self.ask_save)
        self.copy_button = button("Cop&y summary text", "Copy the selected patient's EHR summary text")
        self.copy_button.setToolTip("Plain text to paste into an EHR note; cleared from the clipboard after 30 s")
        self.copy_button.clicked.connect(self.copy_text)
        self.batch_button = button("EHR summaries for the &month…", "Save the month's EHR summaries in a folder")
        self.batch_button.setToolTip("One PDF per patient with care-management time or a code this month")
        self.batch_button.clicked.connect(self.ask_batch)
        table.selectionModel().selectionChanged.connect(self.update_buttons)
        table.model().modelReset.connect(self.update_buttons)
        table.model().layoutChanged.connect(self.update_buttons)
        self.update_buttons()

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return self.save_button, self.copy_button, self.batch_button

    def update_buttons(self, *_args: object) -> None:
        free = not self.tasks.busy and self._context() is not None
        chosen = free and self._selected() is not None
        self.save_button.setEnabled(chosen)
        self.copy_button.setEnabled(chosen)
        self.batch_button.setEnabled(free)

    def clear(self) -> None:
        """On lock: a batch stops at the next patient, a running job finishes; nothing is shown."""
        if self.relay is not None:
            self.relay.cancelled = True
        self.tasks.wait()
        self._close_progress()
        for b in self.buttons:  # until the next month's rows arrive (update_buttons on their reset)
            b.setEnabled(False)

    # -- one patient -------------------------------------------------------------------
    def ask_save(self) -> None:
        context, row = self._context(), self._selected()
        if context is None or row is None or self.tasks.busy:
            return
        default = str(Path.home() / files.default_name(context[1]))
        chosen, _ = QFileDialog.getSaveFileName(self._parent, "Save the EHR summary", default, "PDF files (*.pdf)")
        if chosen:
            path = Path(chosen)
            self.save_pdf(path if path.suffix else path.with_suffix(".pdf"))

    def save_pdf(self, path: Path) -> None:
        """Gather, lay out and write the selected patient's PDF in the background."""
        context, row = self._context(), self._selected()
        if context is None or row is None or self.tasks.busy:
            return
        ws, month = context
        patient_id, mrn = row.patient_id, row.mrn

        def job() -> None:
            files.save(ws, month_summary(ws, patient_id, month), patient_id, path)

        def done(_result: object) -> None:
            self._message.show_info(f"EHR summary for MRN {mrn}, {month.title}, saved to {path}. {HOLDS_PATIENT_DATA}")

        self._start(job, done)

    def copy_text(self) -> None:
        """The selected patient's text onto the clipboard (cleared after 30 s), audited."""
        context, row = self._context(), self._selected()
        if context is None or row is None or self.tasks.busy:
            return
        ws, month = context
        patient_id, mrn = row.patient_id, row.mrn

        def done(summary: MonthSummary) -> None:
            if self._context() is None:  # locked meanwhile: nothing goes on the clipboard
                return
            clipboard.copy_text(summary_text(summary))
            try:
                files.audit_shown(ws, summary, patient_id, "copied to the clipboard")
            except CareDeskError as exc:
                self._message.show_error(user_message(exc))
                return
            self._message.show_info(
                f"EHR summary text for MRN {mrn} copied; paste it into the note. "
                "CareDesk clears it from the clipboard in 30 seconds."
            )

        self._start(lambda: month_summary(ws, patient_id, month), done)

    # -- the month's batch ---------------------------------------------------------------
    def ask_batch(self) -> None:
        if self._context() is None or self.tasks.busy:
            return
        folder = QFileDialog.getExistingDirectory(self._parent, "Folder for the month's EHR summaries")
        if folder:
            self.save_batch(Path(folder))

    def save_batch(self, folder: Path) -> None:
        """Every patient with time or a code this month, one PDF each in `folder`, in the background."""
        context = self._context()
        if context is None or self.tasks.busy:
            return
        ws, month = context
        self.relay = relay = ProgressRelay()
        self.progress = progress_dialog(
            self._parent, relay, "Gathering the month's summaries…", "EHR summaries for the month", 1
        )

        def show_count(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress.setLabelText(f"{done} of {total} EHR summaries saved…")

        relay.changed.connect(show_count)

        def job() -> files.BatchOutcome:  # on the worker thread
            return files.batch(ws, month, folder, progress=relay.report, cancelled=lambda: relay.cancelled)

        def done(outcome: files.BatchOutcome) -> None:
            text = outcome_text(outcome, month, folder)
            if outcome.failed:
                self._message.show_error(text)
            else:
                self._message.show_info(text)

        self._start(job, done)

    # -- running -----------------------------------------------------------------------
    def _start(self, job: Callable[[], object], done: Callable[..., None]) -> None:
        self._message.clear()

        def finished(result: object) -> None:
            self._close_progress()
            if self._context() is not None:
                done(result)

        self.tasks.run(job, finished, self._failed)
        self.update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if self._context() is None:
            return
        if isinstance(exc, CareDeskError):
            self._message.show_error(user_message(exc))
        else:
            log.error("EHR summary failed: %s", type(exc).__name__)  # the type only: no patient data
            self._message.show_error("The EHR summary could not be made. Nothing was saved.")

    def _close_progress(self) -> None:
        close_progress_dialog(self.progress)
        self.progress, self.relay = None, None
        self.update_buttons()
