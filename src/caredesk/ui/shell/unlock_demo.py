"""Opening the demo panel: made-up patients in a store of their own, built on first use."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from caredesk.errors import CareDeskError
from caredesk.ui.common.forms import user_message

if TYPE_CHECKING:
    from caredesk.services.workspace import Workspace
    from caredesk.ui.shell.unlock import UnlockPanel

log = logging.getLogger(__name__)


def open_demo(panel: UnlockPanel) -> None:
    """Show the busy page and open (or first build) the demo store in the background; `panel`
    emits `unlocked(workspace, True)`, or goes back to its first page saying why not."""
    if panel.tasks.busy:
        return
    context = panel.context
    patients = context.demo_patients
    reuse = context.has_demo_store()
    panel.busy.show_work(
        "Opening the demo panel" if reuse else "Building the demo panel",
        "Made-up patients only, kept in their own folder apart from your real data."
        + ("" if reuse else f" Generating {patients} synthetic patients takes a few seconds."),
    )
    panel.setCurrentWidget(panel.busy)

    def work() -> Workspace:
        return context.open_demo()

    def done(ws: Workspace) -> None:
        log.info("demo panel opened")
        panel.unlocked.emit(ws, True)

    def failed(exc: BaseException) -> None:
        panel.start()
        if not isinstance(exc, CareDeskError):
            raise exc
        panel.welcome.message.show_error("The demo panel could not be opened: " + user_message(exc))

    panel.tasks.run(work, done, failed, _close_workspace)


def _close_workspace(ws: Workspace) -> None:
    ws.lock()
