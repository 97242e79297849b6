"""Today's queue built off the GUI thread and handed to the page in slices.

The worker builds and ranks the queue, prepares the model's rows (ui.queue.prepared) and reads
the chart of the patient the call panel opens first; the GUI thread swaps the rows in, then opens
that patient in an event-loop turn of its own, then announces `ready` in a third (what `ready`
starts, the window showing the workspace, is widget work of its own). The other pages' reads wait
until the workspace is painted (ui.common.workers: the reads take turns), so no worker runs Python
while the GUI thread hands the queue over (issue 14). Patients changed while a build runs are
re-scored when it is done; many changed patients (an import) are re-scored on the worker too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from caredesk.domain.patients import Chart
from caredesk.errors import CareDeskError
from caredesk.services import patients as patient_records
from caredesk.services.call_queue import CallQueue
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import user_message
from caredesk.ui.common.workers import BackgroundRead, next_turn
from caredesk.ui.queue.prepared import Prepared, PreparedQueue, QueueFilter, accepts, prepare_rows
from caredesk.ui.queue.prepared import prepare as prepare_queue

if TYPE_CHECKING:
    from caredesk.ui.queue.page import QueuePage

BUILDING = "Building today's queue…"
# A build's rows, and the chart of the patient the call panel opens first (read unaudited on the worker).
Built = tuple[Prepared, Chart | None]
# More changed patients than this (an import) are re-scored on a worker, not the GUI thread.
RESCORE_OVER = 50


class QueueBuild(QObject):
    """The page's background build: `start` reads, the page's `show_prepared` shows."""

    def __init__(self, page: QueuePage):
        super().__init__(page)
        self.page = page
        self.reader = BackgroundRead(self)  # today's queue, built in the background
        self._opening = False  # rows are in; the first patient opens in the next slice
        self._announcing = False  # the first patient is open; `ready` goes out in the next slice

    def start(self, workspace: Workspace, queue: CallQueue) -> None:
        """Build today's queue in the background; the page's `ready` is emitted when it is on screen."""
        page = self.page
        page.notice.show_info(BUILDING)

        def read() -> Built:
            prepared = prepare_rows(queue, queue.build())
            return prepared, self._first_chart(workspace, prepared[0])

        def failed(exc: CareDeskError) -> None:
            page.notice.show_error(user_message(exc))
            self._built(((prepare_queue([], workspace.today()), None), None))

        # The build waits for the unlock's own slice and the "Opening your panel" page's paint:
        # begun at once, its worker's Python made each of the GUI thread's events there wait
        # for the GIL. The next page's read waits for the whole hand-over (`_announce_ready`).
        self.reader.hold()
        self.reader.start(read, self._built, failed, later=True)
        next_turn(self, self.reader.handed_over)

    def _first_chart(self, workspace: Workspace, prepared: PreparedQueue) -> Chart | None:
        """On the worker: the chart of the patient `_open_first` will open (the one to restore,
        else the first row the filter shows), so the GUI thread need not read it; None if
        there is none or it cannot be read (the panel reads it then, and shows why)."""
        restore = self.reader.selection  # set by restore() in the unlock's slice, before this runs
        which = self.page.proxy.which
        ids = [row.patient_id for row in prepared.rows]
        if restore not in ids:
            shown = (
                row.patient_id
                for row, kinds in zip(prepared.rows, prepared.kinds, strict=True)
                if (row.patient_id in prepared.plan if which is QueueFilter.PLAN else accepts(kinds, which))
            )
            restore = next(shown, None)
        if restore is None:
            return None
        try:
            return patient_records.open_chart(workspace, restore, audit_view=False)
        except CareDeskError:
            return None

    @property
    def loading(self) -> bool:
        """Today's queue is being built in the background (or its first patient not yet opened)."""
        return self.reader.loading or self._opening or self._announcing

    def _built(self, built: Built) -> None:
        page = self.page
        result, chart = built
        if chart is not None:
            page.panel.first_view.offer_chart(chart)
        if page.notice.text() == BUILDING:
            page.notice.clear()
        pending = self.reader.take_pending()
        if pending and page.queue is not None:
            if len(pending) > RESCORE_OVER:  # an import while the queue was built: shown, then re-scored
                page.show_prepared(*result)
                self.rescore(page.queue, frozenset(pending))
                page.read_drafts()
                self._opening = True
                next_turn(self, self._open_first)
                return
            result = prepare_rows(page.queue, page.queue.refresh(pending))
        page.show_prepared(*result)
        page.read_drafts()
        # The first patient opens in a slice of its own (its chart is read): the rows are
        # swapped in and painted first, and neither step holds the window for long.
        self._opening = True
        next_turn(self, self._open_first)

    def _open_first(self) -> None:
        if not self._opening:
            return  # locked in between
        self._opening = False
        page = self.page
        restore = self.reader.take_selection()
        if not (restore is not None and page.select_patient(restore)) and page.proxy.rowCount():
            page.table.select_row(0)
        page.panel.first_view.offer_chart(None)  # not taken (another patient opened first): never shown later
        # What `ready` starts (the window shows the workspace) is a third slice.
        self._announcing = True
        next_turn(self, self._announce_ready)

    def _announce_ready(self) -> None:
        if self._announcing:
            self._announcing = False
            self.page.ready.emit()
            # After what `ready` started (the window shows the workspace: its layout, its paint).
            next_turn(self, self._handed_over)

    def _handed_over(self) -> None:
        """The queue is on screen: the other pages' reads, and the audit of the first patient's
        view (its chart was read on the worker), may use the GIL now."""
        self.reader.handed_over()
        self.page.panel.first_view.record_view()

    def cancel(self) -> None:
        """On lock: a build in progress finishes before the store closes; its rows are dropped."""
        self._opening = self._announcing = False
        self.reader.cancel()

    def restore(self, patient_id: int) -> bool:
        """While the queue is on its way, select this patient once it is (True); else False."""
        if self._opening:  # the first patient is about to open: this one instead
            self.reader.selection = patient_id
            return True
        return self.reader.defer_selection(patient_id)

    def defer(self, patient_ids: frozenset[int] | set[int]) -> bool:
        """While a build runs, keep these changed patients to re-score when it is done (True)."""
        return self.reader.defer(patient_ids)

    def rescore(self, queue: CallQueue, patient_ids: frozenset[int]) -> None:
        """Many patients changed (an import): re-score them on a worker; the selection stays."""
        page = self.page

        def show(result: Prepared) -> None:
            if len(pending := self.reader.take_pending()) > RESCORE_OVER:
                self.rescore(queue, frozenset(pending))
                return
            if pending:
                result = prepare_rows(queue, queue.refresh(pending))
            page.show_prepared(*result)
            page.select_quietly(page.panel.patient_id)

        def failed(exc: CareDeskError) -> None:
            page.notice.show_error(user_message(exc))

        self.reader.start(lambda: prepare_rows(queue, queue.refresh(patient_ids)), show, failed)
