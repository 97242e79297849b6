"""'Print all due care plans': every patient's latest plan whose copy is not given yet.

The plans are rendered and printed (or saved, one PDF per patient named by MRN) in the
background, with a progress dialog whose Cancel stops between two plans; the window
stays responsive. Afterwards the nurse can record the copies that went out as given
(typically mailed) in one step, and only those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import GivenMethod
from caredesk.errors import CareDeskError
from caredesk.services import plan_printing
from caredesk.services.plan_printing import BatchOutcome, DueCopy
from caredesk.services.workspace import Workspace
from caredesk.ui.careplan.pdf_print import PrinterSink, new_printer, prints_to_file
from caredesk.ui.common.forms import InlineMessage, button, combo, date_edit, heading, picked_date, user_message
from caredesk.ui.common.hub import publish
from caredesk.ui.common.workers import ProgressRelay, TaskRunner, close_progress_dialog, progress_dialog

log = logging.getLogger(__name__)


def due_line(copy: DueCopy, tz: tzinfo) -> str:
    finalized = us_date(copy.version.finalized_at.astimezone(tz).date())
    return f"{copy.name} · MRN {copy.mrn} · version {copy.version.number}, finalized {finalized}"


def outcome_text(outcome: BatchOutcome, verb: str) -> str:
    n, total = len(outcome.sent), outcome.total
    plans = f"{n} care plan{'s' if n != 1 else ''}"
    left_out = "".join(f" {line}" for line in outcome.skipped_lines())  # the batch went on without them
    if outcome.cancelled:
        return f"Cancelled after {n} of {total}: {plans} {verb}.{left_out}"
    if outcome.error is not None:
        return f"Stopped after {n} of {total}: {plans} {verb}.{left_out} {outcome.error}"
    return f"{plans[:1].upper()}{plans[1:]} {verb}.{left_out}"


class DuePlansDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Print all due care plans")
        self.setAccessibleName("Print all due care plans")
        self.ws = ws
        self.tasks = TaskRunner(self)
        self.relay: ProgressRelay | None = None
        self.progress: QProgressDialog | None = None
        self.sent: list[DueCopy] = []
        self._closed = False
        self.printer_factory = new_printer  # tests give a printer that writes a file
        try:
            self.copies = plan_printing.due_copies(ws)
        except CareDeskError as exc:
            self.copies = []
            log.warning("due care plans could not be read")
            self._load_error = user_message(exc)
        else:
            self._load_error = ""

        self.intro = heading("", "body")
        self.intro.setAccessibleName("Due care plans summary")
        self.list = QListWidget()
        self.list.setAccessibleName("Due care plans (ticked ones are sent)")
        self.list.itemChanged.connect(lambda _item: self._update_start())
        self.to_printer = QRadioButton("Send to a printer, as one print job")
        self.to_folder = QRadioButton("Save as PDF files in a folder (one per patient, named by MRN)")
        self.to_printer.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.to_printer)
        group.addButton(self.to_folder)
        self.large_print = QCheckBox("Large print (16 pt)")
        self.large_print.setAccessibleName("Large print")
        self.start_button = button("Print…", "Print the due care plans", primary=True)
        self.start_button.clicked.connect(self.start)
        self.to_folder.toggled.connect(lambda on: self.start_button.setText("Save…" if on else "Print…"))
        self.close_button = button("Close")
        self.close_button.clicked.connect(self.reject)
        self.message = InlineMessage("Due care plans message")

        # After a run: record what went out as given, in one step.
        self.given_on = date_edit("Copies given on", ws.today())
        self.method = combo("Copies given by", [m.value for m in GivenMethod])
        self.method.setCurrentText(GivenMethod.MAIL.value)
        self.record_button = button("Record as given", "Record the copies that went out as given")
        self.record_button.clicked.connect(self.record_given)
        self.record_row = QWidget()
        rr = QHBoxLayout(self.record_row)
        rr.setContentsMargins(0, 0, 0, 0)
        self.record_label = QLabel()
        rr.addWidget(self.record_label)
        rr.addWidget(self.given_on)
        rr.addWidget(self.method)
        rr.addWidget(self.record_button)
        rr.addStretch(1)
        self.record_row.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.large_print)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.to_printer)
        lay.addWidget(self.to_folder)
        lay.addLayout(buttons)
        lay.addWidget(self.message)
        lay.addWidget(self.record_row)
        self._show_copies()
        if self._load_error:
            self.message.show_error(self._load_error)
        self.resize(720, 520)

    def _show_copies(self) -> None:
        n = len(self.copies)
        self.intro.setText(
            f"{n} patient{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} a finalized care plan "
            "whose copy is not recorded as given yet (the latest version of each active or paused patient)."
            if n
            else "Every finalized care plan has been given to its patient. Nothing is waiting."
        )
        self.list.clear()
        today, late = self.ws.today(), 0
        for copy in self.copies:
            # A plan past its review date still tells the patient "we will go over this plan
            # with you again by <that date>" (issue 12): warned, and left unticked to choose.
            passed = plan_printing.review_passed(copy, today)
            line = due_line(copy, self.ws.tz)
            item = QListWidgetItem(line + (f" · review date {us_date(passed)} has passed" if passed else ""))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if passed else Qt.CheckState.Checked)
            self.list.addItem(item)
            late += passed is not None
        if late:
            self.intro.setText(
                f"{self.intro.text()} {late} {'are' if late != 1 else 'is'} past the review date the copy "
                f"promises: {'they are' if late != 1 else 'it is'} not ticked. Tick a plan to send it anyway; "
                "untick any you want to leave out."
            )
        self._update_start()

    def chosen(self) -> list[DueCopy]:
        """The ticked copies, in list order: what a run prints or saves."""
        return [c for i, c in enumerate(self.copies) if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _update_start(self) -> None:
        self.start_button.setEnabled(bool(self.chosen()) and not self.tasks.busy)

    # -- running ---------------------------------------------------------------------
    def start(self) -> None:
        """Ask where (a printer, a folder), then run the batch in the background."""
        if not self._can_start():
            return
        if self.to_folder.isChecked():
            folder = QFileDialog.getExistingDirectory(self, "Folder for the care plan PDFs")
            if folder:
                self.save_to_folder(Path(folder))
            return
        printer = self.printer_factory()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the due care plans")
        # Page ranges mean nothing across many documents.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, False)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def _can_start(self) -> bool:
        # A lock (or Close) can come while the print or folder dialog is open.
        return not self._closed and self.ws.is_open and not self.tasks.busy and bool(self.chosen())

    def print_to(self, printer: QPrinter) -> None:
        """Every due plan into one print job (QPainter on a QPrinter works off the GUI thread)."""
        if not self._can_start():
            return
        sink = PrinterSink(printer)

        def send(_copy: DueCopy, data: bytes) -> None:
            sink.send(data)

        def close_job() -> str | None:
            try:
                sink.finish()
            except CareDeskError as exc:  # the job could not be closed: say so, keep what was sent
                return str(exc)
            return None

        if prints_to_file(printer):  # one PDF of the plans' own pages (pdf_print), not paper
            self._run(send, "printed to a PDF file", f"printed to {Path(printer.outputFileName()).name}", close_job)
        else:
            self._run(send, "sent to a printer", "sent to the printer", close_job)

    def save_to_folder(self, folder: Path) -> None:
        if not self._can_start():
            return
        try:
            send = plan_printing.folder_sender(folder)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self._run(send, "saved as PDF", f"saved in {folder}", lambda: None)

    def _run(
        self, send: Callable[[DueCopy, bytes], None], how: str, verb: str, close: Callable[[], str | None]
    ) -> None:
        ws, copies, large = self.ws, self.chosen(), self.large_print.isChecked()
        self.message.clear()
        self.record_row.hide()
        self.relay = relay = ProgressRelay()
        self.progress = progress_dialog(
            self, relay, "Preparing the patients' copies…", "Print all due care plans", len(copies)
        )

        def show_count(done: int, total: int) -> None:
            if self.progress:
                self.progress.setLabelText(f"{done} of {total} care plans {verb}…")

        relay.changed.connect(show_count)
        self.start_button.setEnabled(False)
        log.info("batch of due care plans started")

        def job() -> BatchOutcome:  # on the worker thread
            try:
                outcome = plan_printing.print_batch(
                    ws, copies, send, how, large_print=large, progress=relay.report, cancelled=lambda: relay.cancelled
                )
            finally:
                problem = close()  # a print job is always closed, even after an error
            if problem is not None and outcome.error is None:
                outcome = replace(outcome, error=problem)
            return outcome

        self.tasks.run(job, lambda outcome: self._finished(outcome, verb), self._failed)

    def _finished(self, outcome: BatchOutcome, verb: str) -> None:
        self._close_progress()
        log.info("batch of due care plans ended: %d of %d sent", len(outcome.sent), outcome.total)
        text = outcome_text(outcome, verb)
        if outcome.error is not None or outcome.skipped:
            self.message.show_error(text)
        else:
            self.message.show_info(text)
        self.sent = outcome.sent
        if self.sent:
            n = len(self.sent)
            self.record_label.setText(f"Record {'this copy' if n == 1 else f'these {n} copies'} as given on")
            self.record_row.show()
            self.record_button.setEnabled(True)
        self.start_button.setEnabled(bool(self.chosen()))

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        log.error("batch of due care plans failed: %s", type(exc).__name__)
        self.message.show_error(
            user_message(exc)
            if isinstance(exc, CareDeskError)
            else "The care plans could not be printed. Nothing more was sent."
        )
        self.start_button.setEnabled(bool(self.chosen()))

    def _close_progress(self) -> None:
        close_progress_dialog(self.progress)
        self.progress, self.relay = None, None

    # -- afterwards --------------------------------------------------------------------
    def record_given(self) -> None:
        if not self.sent:
            return
        on = picked_date(self.given_on)
        try:
            saved = plan_printing.record_given(self.ws, self.sent, on, self.method.currentText())
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        count = saved.value
        ids = [c.version.patient_id for c in self.sent]
        self.message.show_info(
            f"Recorded {count} cop{'y' if count == 1 else 'ies'} as given ({self.method.currentText()}, {us_date(on)})."
        )
        self.record_button.setEnabled(False)
        self.copies = [c for c in self.copies if c.version.patient_id not in set(ids)]
        self._show_copies()
        self.sent = []
        publish(saved.changes)

    def done(self, result: int) -> None:
        self._closed = True
        if self.relay is not None:
            self.relay.cancel()
        self.tasks.shutdown()  # the plan being printed finishes; nothing more starts
        self._close_progress()
        super().done(result)
