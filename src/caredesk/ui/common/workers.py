"""Run slow work (KDF, demo generation) off the GUI thread.

The worker only computes; its result reaches the GUI thread through a queued signal
on a relay object that lives there, so no widget is ever touched from the worker.
A result that arrives after its owner is gone is handed to `discard` (e.g. to close
a workspace that nobody will use).
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from caredesk.errors import CareDeskError

log = logging.getLogger(__name__)
JOB_SWITCH_INTERVAL_S = 0.0005  # the GIL's switch interval while background jobs run (see _GcHold)
HAND_OVER_MAX_S = 1.0  # the longest a page's read waits for the last one's rows to be handed over


def next_turn(receiver: QObject, slot: Callable[[], None]) -> None:
    """Run `slot` in a later event-loop turn, after the timers and input already due: a slice
    of work of its own (issue 14).

    QTimer.singleShot(0) posts an event, and a slice that posted the next one that way ran
    back to back with it whenever a timer was due meanwhile (bench_stall's 10 ms ticker saw
    one gap over both slices): the event loop dispatched the posted event first. A 1 ms timer
    is ordered with the other timers by when it is due, so those already due run first."""
    QTimer.singleShot(1, receiver, slot)


class _GcHold:
    """No automatic garbage collection while a job runs.

    Python collects cycles in whichever thread happens to allocate; a cycle holding a
    Qt widget collected in a worker thread destroys the widget off the GUI thread and
    crashes. So automatic collection pauses while jobs run (seconds at most) and the
    GUI thread collects when the last one is done, as Anki does with its GC timer.
    """

    running = 0
    was_enabled = True
    switch_interval = 0.005

    @classmethod
    def hold(cls) -> None:
        if cls.running == 0:
            cls.was_enabled = gc.isenabled()
            gc.disable()
            # Each time Qt calls into Python on the GUI thread (a slot, a model's data(), a
            # delegate's paint) it takes the GIL, and while a job runs Python the GUI thread
            # waits up to the switch interval for it (5 ms by default): a repaint of a page
            # with Python delegates then stalls for 100+ ms. A shorter interval while jobs
            # run bounds each wait; the job runs a little slower.
            cls.switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(JOB_SWITCH_INTERVAL_S)
        cls.running += 1

    @classmethod
    def release(cls) -> None:
        cls.running = max(0, cls.running - 1)
        if cls.running == 0:
            sys.setswitchinterval(cls.switch_interval)
        if cls.running == 0 and cls.was_enabled:
            # Collection resumes on the GUI thread, the only one running Python now. What
            # the jobs allocated sits in the young generations, and collecting them walks
            # all of it: a full gc.collect() froze the window for 80-120 ms at 2,000
            # patients, gc.collect(1) still 40-50 ms. freeze() + unfreeze() moves every
            # tracked object to the oldest generation without a walk (two list splices);
            # a cycle among them is freed by the next full collection, when Python's own
            # heuristic runs one.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]):
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._on_error(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:
            self._deliver(self._relay.failed, exc)
        else:
            self._deliver(self._relay.done, result)

    @staticmethod
    def _deliver(signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The relay went with its owner (the window closed while this job ran, as on quit):
            # nobody waits for the result. Not a crash: once logged as one on every such quit.
            log.debug("a background job finished after its window closed; result dropped")
            app = QCoreApplication.instance()
            if app is not None:  # its delivery would have ended the GC hold: end it on the GUI thread
                QTimer.singleShot(0, app, _GcHold.release)


class TaskRunner(QObject):
    """One background job at a time per owner; results come back on the GUI thread, unless the
    runner was shut down or deleted with its owner meanwhile (a dialog closed while its job ran):
    then `discard` gets the result, and the owner's callbacks are not called on deleted widgets."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # SQLite has one writer; jobs here are sequential anyway
        self._relays: set[_Relay] = set()
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        discard: Callable[[Any], None] | None = None,
    ) -> None:
        relay: _Relay

        def done(result: Any) -> None:
            self._relays.discard(relay)
            _GcHold.release()
            if self._closed or not isValid(self):
                if discard is not None:
                    discard(result)
                return
            on_done(result)

        def error(exc: BaseException) -> None:
            self._relays.discard(relay)
            _GcHold.release()
            if not self._closed and isValid(self):
                on_error(exc)

        relay = _Relay(done, error)
        self._relays.add(relay)
        _GcHold.hold()
        self._pool.start(_Job(fn, relay))

    def wait(self) -> None:
        """Block until the running job is done (on lock: a write finishes before the store closes).

        Its result is still delivered later through the event loop; owners check there
        whether they still want it.
        """
        self._pool.waitForDone()

    def shutdown(self) -> None:
        """Wait for the running job; anything it produced is discarded, not shown."""
        self._closed = True
        self._pool.waitForDone()
        # Deliver queued results now so `discard` can release them (e.g. close a store).
        for relay in list(self._relays):
            QCoreApplication.sendPostedEvents(relay)


class ProgressRelay(QObject):
    """Progress from a job to a progress dialog; lives on the GUI thread.

    The worker calls `report` (Qt queues the signal across threads) and reads
    `cancelled`, which the dialog's Cancel button sets.
    """

    changed = Signal(int, int)  # done, total

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False

    def report(self, done: int, total: int) -> None:
        self.changed.emit(done, total)

    def cancel(self) -> None:
        self.cancelled = True


def progress_dialog(parent: QWidget, relay: ProgressRelay, label: str, title: str, total: int) -> QProgressDialog:
    """A window-modal progress dialog wired to `relay`: shown after 300 ms, Cancel sets the flag."""
    dialog = QProgressDialog(label, "Cancel", 0, max(1, total), parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(f"{title} progress")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def show_progress(done: int, n: int) -> None:
        dialog.setMaximum(max(1, n))
        dialog.setValue(done)

    relay.changed.connect(show_progress)
    dialog.canceled.connect(relay.cancel)
    return dialog


def close_progress_dialog(dialog: QProgressDialog | None) -> None:
    """Hide it now and delete it later (it may still be handling its own signal)."""
    if dialog is not None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()


class _ReadTurns:
    """The pages' reads run one at a time, in the order they were started, and the next one
    waits while the rows of the last are handed over to the widgets.

    Three reads at once (today's queue, the patient list, the month's report after an unlock)
    ran Python on three workers, and each time the GUI thread needed the GIL (every slot,
    model data() and delegate paint) it had to win it from all three: the window stalled for
    100+ ms while it used 20-30 ms of CPU (issue 14). One read at a time also finishes the
    first one started (today's queue, the home screen) sooner; and while a finished read's
    rows go into the widgets (the model's reset, the first paint) the GUI thread has the GIL
    to itself. A ticket is taken on the GUI thread when the read starts; the worker waits
    (without the GIL) for its turn. A hand-over that never says it is done (its window
    closed) holds the next read back HAND_OVER_MAX_S at most.
    """

    def __init__(self) -> None:
        self._turns: deque[object] = deque()
        self._changed = threading.Condition()
        self._handing_over_until = 0.0  # time.monotonic(): the next read waits till then

    def wrap(self, read: Callable[[], Any], dropped: Callable[[], bool]) -> Callable[[], Any]:
        """`read` run in its turn; `dropped()` (read on the worker) True: its result is no longer
        wanted (a newer read, a lock), so it gives its turn up unread and returns UNREAD."""
        ticket = object()
        with self._changed:
            self._turns.append(ticket)

        def in_turn() -> Any:
            with self._changed:
                while not dropped():
                    if self._turns[0] is ticket:
                        wait = self._handing_over_until - time.monotonic()
                        if wait <= 0:
                            break
                        self._changed.wait(wait)
                    else:
                        self._changed.wait()
                else:
                    self._turns.remove(ticket)
                    self._changed.notify_all()
                    return UNREAD
            try:
                return read()
            finally:
                with self._changed:
                    self._turns.remove(ticket)
                    self._handing_over_until = time.monotonic() + HAND_OVER_MAX_S
                    self._changed.notify_all()

        return in_turn

    def hold(self) -> None:
        """No read starts until handed_over() (HAND_OVER_MAX_S at most): the GUI thread has work
        of its own to finish first."""
        with self._changed:
            self._handing_over_until = time.monotonic() + HAND_OVER_MAX_S

    def handed_over(self) -> None:
        """The last read's rows are in the widgets (on the GUI thread): the next read may start."""
        with self._changed:
            self._handing_over_until = 0.0
            self._changed.notify_all()

    def wake(self) -> None:
        """A read was dropped: its worker, if waiting for its turn, gives the turn up."""
        with self._changed:
            self._changed.notify_all()


_READ_TURNS = _ReadTurns()
UNREAD = object()  # what a read dropped while it waited for its turn returns


class BackgroundRead(QObject):
    """A page's read of the store off the GUI thread: the newest read wins, and patients
    changed while it runs are kept in `pending` to re-read once its rows are shown.

    `start(read, show, failed)`: `read()` runs on a worker; `show(result)` on the GUI thread
    unless a newer read or `cancel()` came since; `failed(exc)` likewise for a CareDeskError
    (anything else is a defect and is raised to the crash handler). The pages' reads take
    turns (_ReadTurns): the next starts one event-loop turn after `show` returned, or, with
    `start(..., later=True)`, once the owner calls `handed_over()` (a hand-over in slices).
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.loading = False
        self.pending: set[int] = set()
        self.selection: int | None = None  # the patient to select once the rows are shown
        self._generation = 0

    def start(
        self,
        read: Callable[[], Any],
        show: Callable[[Any], None],
        failed: Callable[[CareDeskError], None],
        *,
        later: bool = False,
    ) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.pending.clear()
        _READ_TURNS.wake()  # an older read still waiting for its turn gives it up

        def done(result: Any) -> None:
            if result is UNREAD:
                return  # it never had its turn: the one handing over now is another read
            if generation != self._generation:
                _READ_TURNS.handed_over()  # read, but not wanted: nothing to hand over
                return
            self.loading = False
            try:
                show(result)
            finally:
                if not later:  # after what `show` queued (a paint, a slice of its own)
                    QTimer.singleShot(0, _READ_TURNS.handed_over)

        def error(exc: BaseException) -> None:
            _READ_TURNS.handed_over()
            if generation != self._generation:
                return
            self.loading = False
            if not isinstance(exc, CareDeskError):
                raise exc
            failed(exc)

        self.runner.run(_READ_TURNS.wrap(read, lambda: generation != self._generation), done, error)

    @staticmethod
    def handed_over() -> None:
        """After `start(..., later=True)` or `hold()`: the next read may start."""
        _READ_TURNS.handed_over()

    @staticmethod
    def hold() -> None:
        """No page's read starts until `handed_over()` (HAND_OVER_MAX_S at most)."""
        _READ_TURNS.hold()

    def defer(self, patient_ids: frozenset[int] | set[int]) -> bool:
        """While a read runs, remember these changed patients (True); else False."""
        if self.loading:
            self.pending |= patient_ids
        return self.loading

    def take_pending(self) -> set[int]:
        pending, self.pending = self.pending, set()
        return pending

    def defer_selection(self, patient_id: int) -> bool:
        """While a read runs, keep the patient to select after it (True); else False."""
        if self.loading:
            self.selection = patient_id
        return self.loading

    def take_selection(self) -> int | None:
        selection, self.selection = self.selection, None
        return selection

    def cancel(self) -> None:
        """On lock: a read in progress finishes before the store closes, and its result is dropped
        (one still waiting for its turn gives it up unread)."""
        self._generation += 1
        _READ_TURNS.wake()
        _READ_TURNS.handed_over()
        self.runner.wait()
        self.loading = False
        self.pending.clear()
        self.selection = None
