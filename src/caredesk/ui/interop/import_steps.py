"""The steps every import shares (CSV file, FHIR bundle): choose the file, preview, import, done.

    ImportWizard(ws, source=ImportSource(...))   choose file -> [the source's own pages] ->
                                                 preview (nothing stored) -> import -> result

Each step's work runs off the GUI thread (ui.common.workers.TaskRunner): reading the file,
computing the preview (the reader, then services.panel_import.plan_import: read-only), and the
import itself (apply_import: one transaction, all or none) with a progress bar and Cancel.
Nothing is stored before "Import N patients"; cancelling the import stores nothing and says so.
After a successful import the change hub hears what changed, so the queue, the patient list
and the month view refresh those patients.

A lock rejects the wizard like every child dialog: a job still running is cancelled and waited
for first (an import cancelled that way stores nothing), so the store closes with no write open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from caredesk.domain.incoming import Action, ImportPlan, ImportProblem, IncomingPatient
from caredesk.errors import Cancelled, CareDeskError, ValidationError
from caredesk.services.changes import Changes, Saved
from caredesk.services.panel_import import ImportResult, apply_import, plan_import
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, info_label, user_message
from caredesk.ui.common.hub import publish
from caredesk.ui.common.workers import ProgressRelay, TaskRunner
from caredesk.ui.interop.import_preview import ImportPreview

log = logging.getLogger(__name__)

Read = tuple[list[IncomingPatient], list[ImportProblem]]
UNEXPECTED = "(an unexpected error, written to the log)"


def failure_text(exc: BaseException, doing: str) -> str:
    """What went wrong, in the user's words: a refusal names the file, row and field as the
    reader said them; a defect is said plainly (its type goes to the log, never a traceback)."""
    if isinstance(exc, ValidationError):
        where = f", row {exc.row}" if exc.row is not None else ""
        return f"{exc.field}{where}: {exc.message}."
    if isinstance(exc, CareDeskError):
        return user_message(exc)
    log.error("%s failed: %s", doing, type(exc).__name__)
    return f"{doing[:1].upper()}{doing[1:]} failed {UNEXPECTED}. Nothing was stored."


def patients_word(n: int) -> str:
    return f"{n:,} patient{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class ImportSource:
    """What differs between a CSV file and a FHIR bundle.

    `load(path)` reads the file on a worker (returns what `incoming` needs); `noun`: "CSV file" /
    "FHIR bundle" (titles, the audit's source); `unit`: "row" / "resource"; `file_filter`: the
    open dialog's filter."""

    noun: str
    unit: str
    file_filter: str
    load: Callable[[Workspace, Path], Any]


class Job:
    """One job of a page on the wizard's runner: the newest start wins; `drop()` ignores a running
    one's result (its work is read-only) and `busy` says whether one runs."""

    def __init__(self, runner: TaskRunner):
        self.runner = runner
        self.generation = 0
        self.busy = False

    def start(
        self, fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> None:
        self.generation += 1
        generation = self.generation
        self.busy = True

        def on_done(result: Any) -> None:
            if generation == self.generation:
                self.busy = False
                done(result)

        def on_error(exc: BaseException) -> None:
            if generation == self.generation:
                self.busy = False
                failed(exc)

        self.runner.run(fn, on_done, on_error)

    def drop(self) -> None:
        self.generation += 1
        self.busy = False


def busy_bar(name: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setAccessibleName(name)
    bar.setRange(0, 0)  # busy until a count arrives
    bar.hide()
    return bar


class FilePage(QWizardPage):
    """Choose the file (typed or Browse…); Next reads it in the background, then moves on."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.owner = wizard
        source = wizard.source
        self.setTitle(f"Choose the {source.noun}")
        self.setSubTitle("Nothing is stored until you have seen the preview and pressed Import.")
        self.path = QLineEdit()
        self.path.setAccessibleName(f"{source.noun} to import")
        self.path.setPlaceholderText("The file's full path, or Browse…")
        self.path.textChanged.connect(self._path_changed)
        label = QLabel(f"&{source.noun[:1].upper()}{source.noun[1:]}")
        label.setBuddy(self.path)
        self.browse_button = button("B&rowse…", f"Choose the {source.noun}")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        self.bar = busy_bar("Reading the file")
        self.message = InlineMessage("File message")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.job = Job(wizard.runner)
        self.loaded: Any = None
        self.loaded_path: Path | None = None

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, f"Import a {self.owner.source.noun}", self.path.text(), self.owner.source.file_filter
        )
        if chosen:
            self.path.setText(chosen)
            self.owner.next()

    def _path_changed(self) -> None:
        self.loaded, self.loaded_path = None, None
        self.message.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self.job.busy

    def chosen(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def validatePage(self) -> bool:
        """True once the chosen file is read; else start reading it (Next is pressed again for us)."""
        path = self.chosen()
        if self.loaded is not None and self.loaded_path == path:
            return True
        if not self.job.busy:
            self.read(path)
        return False

    def read(self, path: Path) -> None:
        ws, load = self.owner.ws, self.owner.source.load
        self.message.show_info(f"Reading {path.name}…")
        self.bar.show()
        self.path.setEnabled(False)
        self.browse_button.setEnabled(False)
        self.completeChanged.emit()  # Next waits for the read
        self.job.start(lambda: load(ws, path), lambda loaded: self._read(path, loaded), self._failed)

    def _read(self, path: Path, loaded: Any) -> None:
        self._idle()
        self.loaded, self.loaded_path = loaded, path
        self.message.clear()
        log.info("import file read (%s)", self.owner.source.noun)
        self.owner.next()

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        self.message.show_error(failure_text(exc, "reading the file"))
        self.path.setFocus()

    def _idle(self) -> None:
        self.bar.hide()
        self.path.setEnabled(True)
        self.browse_button.setEnabled(True)
        self.completeChanged.emit()


class PreviewPage(QWizardPage):
    """What the import would do, computed in the background; its commit button says how many
    patients it stores ("Import 1,912 patients"), and nothing is stored before it is pressed."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Preview: nothing is stored yet")
        self.preview = ImportPreview(wizard.source.unit)
        self.status = info_label("Preview status")
        self.bar = busy_bar("Preparing the preview")
        self.stop_button = button("S&top", "Stop the preview")
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        self.message = InlineMessage("Preview message")
        working = QHBoxLayout()
        working.addWidget(self.bar, 1)
        working.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(working)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        self.setCommitPage(True)  # once imported there is no going back to this preview
        self.job = Job(wizard.runner)
        self.plan: ImportPlan | None = None

    def initializePage(self) -> None:
        self.compute()

    def cleanupPage(self) -> None:
        self.job.drop()
        self.plan = None
        self.preview.clear()

    def compute(self) -> None:
        ws, read = self.owner.ws, self.owner.read_incoming()
        source = self.owner.source.noun

        def job() -> ImportPlan:  # on the worker: the reader, then the store's read-only comparison
            incoming, problems = read()
            return plan_import(ws, incoming, problems, source=source)

        self.plan = None
        self.preview.clear()
        self.preview.setEnabled(False)
        self.message.clear()
        self.status.setText("Reading every row and comparing it with the store…")
        self.bar.show()
        self.stop_button.show()
        self.completeChanged.emit()
        self.job.start(job, self._planned, self._failed)

    def stop(self) -> None:
        """Stop: the preview is dropped (it stored nothing) and the previous page comes back."""
        if self.job.busy:
            self.job.drop()
            self._idle()
            self.owner.back()

    def _planned(self, plan: ImportPlan) -> None:
        self._idle()
        self.plan = plan
        self.preview.setEnabled(True)
        self.preview.show_plan(plan, self.owner.ws.today())
        n = self.to_store()
        self.setButtonText(QWizard.WizardButton.CommitButton, f"&Import {patients_word(n)}")
        if n:
            self.status.setText(
                f"Import stores {patients_word(n)} in one step (all or none) when you press it; refused "
                f"{self.owner.source.unit}s are left out: save the error report first if you want it."
            )
        elif plan.patients:
            self.status.setText("Nothing to import: every patient in the file is already stored as it is.")
        else:
            self.status.setText(f"Nothing to import: every {self.owner.source.unit} was refused (see why).")
        if note := self.owner.preview_note():
            self.status.setText(f"{self.status.text()} {note}")
        self.completeChanged.emit()
        self.preview.table.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        self.status.clear()
        self.message.show_error(failure_text(exc, "the preview"))

    def _idle(self) -> None:
        self.bar.hide()
        self.stop_button.hide()

    def to_store(self) -> int:
        """Patients the import adds or changes (unchanged ones are not written)."""
        plan = self.plan
        return 0 if plan is None else plan.count(Action.ADD) + plan.count(Action.UPDATE)

    def isComplete(self) -> bool:
        return self.to_store() > 0


class ApplyPage(QWizardPage):
    """The import in the background with a progress bar and Cancel, then what it did."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Importing")
        self.relay = ProgressRelay()
        self.relay.changed.connect(self._progress)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Import progress")
        self.bar.setTextVisible(True)
        self.cancel_button = button("&Cancel import", "Cancel the import")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.result = InlineMessage("Import result")
        self.again_button = button("&Back to the preview", "Preview again")
        self.again_button.setAutoDefault(False)
        self.again_button.clicked.connect(self.preview_again)
        self.again_button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.job = Job(wizard.runner)
        self.saved: Saved[ImportResult] | None = None

    def initializePage(self) -> None:
        plan = self.owner.preview_page.plan
        assert plan is not None
        self.saved = None
        self.relay.cancelled = False
        self.bar.setRange(0, max(1, len(plan.patients)))
        self.bar.setValue(0)
        self.bar.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.again_button.hide()
        self.result.show_info(f"Importing {patients_word(self.owner.preview_page.to_store())}…")
        ws, relay, after = self.owner.ws, self.relay, self.owner.after_import

        def job() -> tuple[Saved[ImportResult], Changes, str]:  # on the worker
            saved = apply_import(ws, plan, progress=relay.report, cancelled=lambda: relay.cancelled)
            try:
                extra, note = after(ws), ""
            except CareDeskError as exc:  # the patients are stored; only the extra step failed
                extra, note = Changes(), user_message(exc)
            return saved, extra, note

        log.info("import started (%d patients in the plan)", len(plan.patients))
        self.cancel_button.setFocus()
        self.job.start(job, self._done, self._failed)

    def cancel(self) -> None:
        if self.job.busy:
            self.relay.cancel()
            self.cancel_button.setEnabled(False)
            self.result.show_info("Cancelling… nothing will be stored.")

    def _progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(done)

    def _done(self, outcome: tuple[Saved[ImportResult], Changes, str]) -> None:
        saved, extra, note = outcome
        self.saved = saved
        self.cancel_button.hide()
        self.bar.setValue(self.bar.maximum())
        r = saved.value
        plan = self.owner.preview_page.plan
        refused = len({p.where for p in plan.problems}) if plan is not None else 0
        unit = self.owner.source.unit
        text = f"Imported: {r.added:,} added, {r.updated:,} updated, {r.unchanged:,} unchanged."
        if refused:
            text += f" {refused:,} refused {unit}{'s' if refused != 1 else ''} were not stored."
        if note:
            text += f" {note}"
        self.result.show_info(text)
        log.info("import done: %d added, %d updated, %d unchanged", r.added, r.updated, r.unchanged)
        publish(saved.changes | extra)
        self.owner.imported.emit(saved.value)
        self.completeChanged.emit()
        self.owner.button(QWizard.WizardButton.FinishButton).setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.cancel_button.hide()
        self.bar.hide()
        if isinstance(exc, Cancelled):
            log.info("import cancelled")
            self.result.show_warning("Import cancelled: nothing was stored.")
        else:
            text = failure_text(exc, "the import")
            said = any(words in text.lower() for words in ("nothing was stored", "nothing was saved"))
            self.result.show_error(text if said else f"{text} Nothing was stored.")
        self.again_button.show()
        self.again_button.setFocus()

    def preview_again(self) -> None:
        """After a cancel or a refusal: back to a fresh preview (the store may have changed)."""
        self.owner.back_to_preview()

    def isComplete(self) -> bool:
        return self.saved is not None


class ImportWizard(QWizard):
    """The shared import flow; a source adds its own pages with `add_middle_page` before the preview.

    Emits `imported(ImportResult)` after a successful import (the change hub has been told)."""

    imported = Signal(object)

    def __init__(self, ws: Workspace, source: ImportSource, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.source = source
        self.runner = TaskRunner(self)
        title = f"Import a {source.noun}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same look on every platform
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        for which, name in (
            (QWizard.WizardButton.BackButton, "Back"),
            (QWizard.WizardButton.NextButton, "Next"),
            (QWizard.WizardButton.CommitButton, "Import"),
            (QWizard.WizardButton.FinishButton, "Finish"),
            (QWizard.WizardButton.CancelButton, "Cancel"),
        ):
            self.button(which).setAccessibleName(name)
        # Room for the mapping's two columns of fields and a preview table, within the screen at 125%.
        em, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        room = self.screen().availableGeometry()
        self.resize(min(em * 150, int(room.width() * 0.92)), min(line * 44, int(room.height() * 0.9)))
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.apply_page = ApplyPage(self)
        self.addPage(self.file_page)
        self._middle: list[QWizardPage] = []

    def add_middle_page(self, page: QWizardPage) -> None:
        self._middle.append(page)
        self.addPage(page)

    def finish_pages(self) -> None:
        """Called by the source's wizard once its own pages are in."""
        self.addPage(self.preview_page)
        self.addPage(self.apply_page)

    # -- what a source supplies ----------------------------------------------------
    def read_incoming(self) -> Callable[[], Read]:
        """A function for the worker: the file's patients and problems as the reader makes them."""
        raise NotImplementedError

    def preview_note(self) -> str:
        """A line the source adds under the preview once it is read (what a bundle left out)."""
        return ""

    def after_import(self, ws: Workspace) -> Changes:
        """On the worker after a successful import (the CSV wizard remembers its mapping)."""
        return Changes()

    # -- navigation ------------------------------------------------------------------
    def back_to_preview(self) -> None:
        """From the import's page after a cancel or refusal: a fresh preview."""
        self.apply_page.saved = None
        # The preview is a commit page, so QWizard will not go back over it: start again and go
        # forward over the pages already filled in (they keep their choices), which computes the
        # preview anew.
        self.restart()
        while self.currentPage() is not self.preview_page:
            page = self.currentPage()
            self.next()
            if self.currentPage() is page:  # a page that cannot be passed now: stay there
                break

    def reject(self) -> None:
        """Cancel, Esc, closing the window, or a lock: a running import is cancelled and waited for
        (it stores nothing), a running read is waited for and dropped; then the wizard closes."""
        if self.apply_page.job.busy:
            self.apply_page.relay.cancel()
            log.info("import cancelled as its window closed")
        self.runner.shutdown()
        super().reject()
