"""The call panel's first view of a chart read off the GUI thread, and the audit of that view.

The queue's first patient is read by the worker that built the queue, unaudited; the panel
shows it without reading it again (~12 ms of the GUI thread at 2,000 patients, issue 14) and
the view is audited on a worker once the queue's hand-over is painted (the write beside the
first paint slowed it), at the latest when another patient is shown or on lock. Every view
of a chart is audited (SPEC §4); only its time moves.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from caredesk.domain.patients import Chart
from caredesk.errors import CareDeskError
from caredesk.services import patients as patient_records
from caredesk.ui.common.workers import TaskRunner

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel

log = logging.getLogger(__name__)


class OfferedChart:
    """`offer_chart(chart)` by the queue; the panel takes it (`offered`) in show_patient, marks
    `view_to_record`, and `record_view()` writes the audit; `views.wait()` before the store closes."""

    def __init__(self, panel: CallPanel):
        self.panel = panel
        self.offered: Chart | None = None  # read off the GUI thread for the next show_patient
        self.view_to_record: int | None = None  # an offered chart shown, its view not yet audited
        self.views = TaskRunner(panel)  # the audit of an offered chart's view

    def offer_chart(self, chart: Chart | None) -> None:
        """A chart read off the GUI thread, unaudited (the queue's first patient, read by the
        worker that built the queue): the next show_patient of that patient shows it without
        reading it again (~12 ms of the GUI thread at 2,000 patients, issue 14); its view is
        audited by `record_view`. Any other patient is read as usual; None withdraws it."""
        self.offered = chart

    def record_view(self) -> None:
        """Audit the view of an offered chart shown, on a worker: the queue page calls this once
        its hand-over is painted (the write beside the first paint slowed it), and it is done
        at the latest when another patient is shown or on lock."""
        pid, self.view_to_record = self.view_to_record, None
        ws = self.panel.workspace
        if pid is None or ws is None:
            return

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, CareDeskError):
                raise exc
            log.warning("a chart view was not audited: %s", type(exc).__name__)

        self.views.run(lambda: patient_records.record_view(ws, pid), lambda _none: None, failed)
