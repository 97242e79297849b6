"""Load the unlocked window's modules on a worker thread once the unlock page is painted.

At program start the window paints its unlock page with only Qt and the unlock panel
imported; the database layer (SQLAlchemy, SQLCipher), the services and the pages' modules
(about half a second of imports, issue 14) load here while the user types. Importing runs
Python code, so it shares the interpreter with the GUI thread, which still gets its turn every
few milliseconds (the interpreter's switch interval): typing and painting go on. No module here
makes a QObject when imported, so none ends up owned by this thread.

`loaded` is emitted (queued to the GUI thread) when what today's queue needs is in, and the
thread goes on with the other pages' modules (`done` says when all are); `wait()` blocks until
all are, for a first use of the store that comes sooner. A module that fails to import is only logged
here (its type): the GUI thread's own import of it raises the error where it is used.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
import time
from datetime import date

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

# What an unlock and today's queue need, then the patients and month pages, in that order.
FIRST = (
    "caredesk.services.access",
    "caredesk.store.vault",
    "caredesk.services.demo_store",
    "caredesk.services.backup_schedule",
    "caredesk.services.call_queue",
    "caredesk.ui.queue.page",
    "caredesk.ui.shell.workspace_view",
    "caredesk.ui.shell.bring_forward",  # QtNetwork: a second start brings the window forward
)
LATER = (
    "caredesk.ui.chart.patients_page",
    "caredesk.ui.chart.tabs",  # the chart's record tabs, made after the page (issue 14)
    "caredesk.ui.careplan.editor",
    "caredesk.ui.month.page",
)


class Preloader(QObject):
    loaded = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.started = False
        self._start_lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="caredesk-preload", daemon=True)

    def start(self) -> None:
        # Under a lock: an unlock's worker thread may call wait() while the GUI thread starts
        # the preload, and join() before the thread has started raises.
        with self._start_lock:
            if not self.started:
                self._thread.start()
                self.started = True

    @property
    def done(self) -> bool:
        """Every module is in (or failed)."""
        return self._done.is_set()

    def wait(self) -> None:
        """Until every module is in (started now if it was not)."""
        self.start()
        self._thread.join()

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            if self._import(FIRST) and self._warm_calendar() and self._warm_widget_types():
                log.info("what the queue needs is loaded (%.0f ms)", 1000 * (time.perf_counter() - start))
            # The modules' objects (~500k) live as long as the program: kept out of the cycle
            # collector's passes, or its first full pass (70-115 ms, holding the interpreter)
            # landed in whichever page was being built (issue 14, bench_pages.py). A job's end
            # (ui/common/workers.py) hands them back to the oldest generation.
            gc.freeze()
            self.loaded.emit()
            if self._import(LATER):
                log.info("every page's modules are loaded (%.0f ms)", 1000 * (time.perf_counter() - start))
            gc.freeze()
        finally:
            self._done.set()

    @staticmethod
    def _import(names: tuple[str, ...]) -> bool:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception as exc:  # the GUI thread's import raises it again, where it is used
                log.error("preloading %s failed: %s", name, type(exc).__name__)
                return False
        return True

    @staticmethod
    def _warm_widget_types() -> bool:
        """Every QtWidgets class made (PySide6 makes a class and its enums on first use).

        The first Qt call that hands Python a widget Qt made itself (a table's viewport())
        makes every widget class, ~80 enums: 13 ms of the first page's build on the GUI thread
        (issue 14, bench_pages.py), ~40 ms here for the whole module, in no window's way. Types
        only: nothing here makes a QObject."""
        try:
            from PySide6 import QtWidgets

            for name in dir(QtWidgets):
                getattr(QtWidgets, name)
        except Exception as exc:
            log.error("preloading the widget classes failed: %s", type(exc).__name__)
            return False
        return True

    @staticmethod
    def _warm_calendar() -> bool:
        """This year's US federal holidays (the `holidays` package's first use) for the queue."""
        try:
            from caredesk.domain.workdays import US_FEDERAL

            US_FEDERAL.is_business_day(date.today())
        except Exception as exc:
            log.error("preloading the holiday calendar failed: %s", type(exc).__name__)
            return False
        return True
