"""Load the unlocked window's modules on a worker thread once the unlock page is painted.

At program start the window paints its unlock page with only Qt and the unlock panel
imported; the database layer (SQLAlchemy, SQLCipher), the services and the pages' modules
(about half a second of imports, issue 14) load here while the user types. Importing runs
Python code, so it shares the interpreter with the GUI thread, which still gets its turn every
few milliseconds (the interpreter's switch interval): typing and painting go on. No module here
makes a QObject when imported, so none ends up owned by this thread.

`loaded` is emitted (queued to the GUI thread) when they are in; `wait()` blocks until then,
for a first use of the store that comes sooner. A module that fails to import is only logged
here (its type): the GUI thread's own import of it raises the error where it is used.
"""

from __future__ import annotations

import importlib
import logging
import threading
from datetime import date

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

# What an unlock and the queue, patients and month pages need, in the order they are needed.
MODULES = (
    "caredesk.services.access",
    "caredesk.store.vault",
    "caredesk.services.demo_store",
    "caredesk.services.backup_schedule",
    "caredesk.services.call_queue",
    "caredesk.ui.queue.page",
    "caredesk.ui.chart.patients_page",
    "caredesk.ui.careplan.editor",
    "caredesk.ui.month.page",
    "caredesk.ui.shell.workspace_view",
)


class Preloader(QObject):
    loaded = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.started = False
        self._thread = threading.Thread(target=self._run, name="caredesk-preload", daemon=True)

    def start(self) -> None:
        if not self.started:
            self.started = True
            self._thread.start()

    def wait(self) -> None:
        """Until every module is in (started now if it was not)."""
        self.start()
        self._thread.join()

    def _run(self) -> None:
        for name in MODULES:
            try:
                importlib.import_module(name)
            except Exception as exc:  # the GUI thread's import raises it again, where it is used
                log.error("preloading %s failed: %s", name, type(exc).__name__)
                break
        else:
            self._warm_calendar()
        self.loaded.emit()

    @staticmethod
    def _warm_calendar() -> None:
        """This year's US federal holidays (the `holidays` package's first use) for the queue."""
        try:
            from caredesk.domain.workdays import US_FEDERAL

            US_FEDERAL.is_business_day(date.today())
        except Exception as exc:
            log.error("preloading the holiday calendar failed: %s", type(exc).__name__)
