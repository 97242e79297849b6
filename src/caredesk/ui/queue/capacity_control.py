"""The daily capacity on the queue page: asked for, saved in the store, re-read when set
beside the app (`caredesk capacity`), and today's plan made again each time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caredesk.domain.call_capacity import Capacity
from caredesk.errors import CareDeskError
from caredesk.services.call_capacity import get_capacity, save_capacity
from caredesk.ui.common.forms import user_message
from caredesk.ui.common.hub import publish
from caredesk.ui.queue.capacity_dialog import CapacityDialog

if TYPE_CHECKING:
    from caredesk.ui.queue.page import QueuePage


class CapacityControl:
    def __init__(self, page: QueuePage):
        self.page = page

    def change(self) -> CapacityDialog | None:
        """Ask for the daily capacity (a window-modal dialog); on OK it is saved in the store
        and the plan is made again at once."""
        page = self.page
        if page.workspace is None or page.queue is None:
            return None
        dialog = CapacityDialog(page.queue.capacity, page)
        dialog.accepted.connect(lambda: self._save(dialog.capacity()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _save(self, capacity: Capacity) -> None:
        page = self.page
        if page.workspace is None or page.queue is None:  # locked while the dialog was open
            return
        try:
            changes = save_capacity(page.workspace, capacity)
        except CareDeskError as exc:
            page.notice.show_error(user_message(exc))
            return
        publish(changes, page)
        page.queue.capacity = capacity
        page.set_rows(page.queue.rows)
        page.select_quietly(page.panel.patient_id)
        page.notice.show_info(f"Daily capacity saved: {capacity.describe()}.")

    def reread(self, *, replan: bool) -> None:
        """The capacity was set elsewhere (Kind.PRACTICE): read it; with `replan` the plan is
        made again here (else the patients' re-scoring makes it)."""
        page = self.page
        if page.workspace is None or page.queue is None:
            return
        try:
            page.queue.capacity = get_capacity(page.workspace)
        except CareDeskError as exc:
            page.notice.show_error(user_message(exc))
            return
        if replan:
            page.set_rows(page.queue.rows)
            page.select_quietly(page.panel.patient_id)
