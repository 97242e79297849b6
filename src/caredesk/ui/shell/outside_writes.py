"""Writes made outside this window (a `caredesk` command on the same data folder) shown while unlocked.

The store allows another process beside the app (WAL, busy timeout); a fresh tester added five
patients and logged calls from the CLI, and today's queue still said "1 to call" until a lock and
an unlock: a stale queue invites calling a patient twice.

Every `interval_ms` (2 s) while unlocked, a timer asks the store whether another process has
committed since the last look (Workspace.written_elsewhere: SQLite's data_version on a connection
of its own, our own commits told apart; a few µs on the GUI thread, ~0.1 ms after a change).
Then, on a worker, the audit events written since the last look say whether anything but reads
happened (a `caredesk queue` beside the app commits only its unlock and lock: nothing to do;
caredesk.services.outside_changes). Which patients changed cannot be told, so a refresh names them
all: the change hub gets a change set of every patient and every kind of record, the path of the
app's own writes, as after an import (past a few dozen patients the queue re-scores and the
patient list and the month re-read on workers; an open chart refreshes its tabs; the selection
stays; a care plan draft is never reloaded under the user). The status line says so.

Never under the user: while a modal dialog is open or the call panel holds a call not saved, what
was found changed waits (the status line says it will come) and is shown once the call is saved,
kept or discarded, or at the next tick after the dialog closed. The timer stops with the lock (idle,
Ctrl+L, the computer's), and reading changes is no view: nothing is audited.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from caredesk.errors import CareDeskError
from caredesk.ui.common.workers import TaskRunner

if TYPE_CHECKING:
    from caredesk.services.changes import Changes
    from caredesk.services.outside_changes import SinceMark
    from caredesk.services.workspace import Workspace
    from caredesk.ui.queue.call_panel import CallPanel
    from caredesk.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

POLL_MS = 2000
UPDATED = "Updated with changes made outside this window ({time})."
WAITING = "Changes were made outside this window: they will show once this call is saved, kept as a draft or discarded."


class OutsideWrites(QObject):
    """`start(workspace)` after an unlock, `stop()` at the lock. `interval_ms` is the poll's
    period (tests make it small). `refreshed` counts the refreshes made (for tests and logs)."""

    def __init__(self, window: MainWindow, interval_ms: int = POLL_MS):
        super().__init__(window)
        self.window = window
        self.workspace: Workspace | None = None
        self.pending = False  # seen, not yet shown
        self.refreshed = 0
        self.reads_only = 0  # outside commits that only read (a `caredesk queue`): nothing refreshed
        self.mark: int | None = None  # the newest audit event looked at
        self.ready: Changes | None = None  # found changed, waiting for the user to be free
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.runner = TaskRunner(self)
        self._panel_connected = False

    @property
    def watching(self) -> bool:
        return self.timer.isActive()

    def start(self, workspace: Workspace) -> None:
        """Take the store's baseline now (before the pages read) and poll from now on; nothing
        happens when the store cannot tell (opened on a full disk)."""
        self.stop()
        self.workspace = workspace
        try:
            watching = workspace.watch_outside_writes()
        except CareDeskError as exc:
            log.info("writes made elsewhere will not be shown (%s)", type(exc).__name__)
            watching = False
        if not watching:
            return
        self.timer.start()
        # The store's side (the audit log, the changes) loads at the first unlock, not before the
        # window's first paint (issue 14).
        from caredesk.services.outside_changes import audit_mark

        def marked(mark: int) -> None:
            if ws is self.workspace and self.mark is None:
                self.mark = mark

        ws = workspace
        self.runner.run(lambda: audit_mark(ws), marked, self._failed)

    def stop(self) -> None:
        """At the lock: no more polls; a read of the ids under way finishes, its result dropped."""
        self.timer.stop()
        self.refreshed = self.reads_only = 0
        self.mark = self.ready = None
        self.workspace = None
        self.pending = False
        self.runner.wait()

    def poll(self) -> None:
        ws = self.workspace
        if ws is None or not ws.is_open:
            self.timer.stop()
            return
        if not self.pending:
            self.pending = ws.written_elsewhere()
        if self.pending and not self.runner.busy:
            self._check(ws)
        self.show_when_free()

    def _check(self, ws: Workspace) -> None:
        """What the outside write changed, read on a worker (the user may be busy meanwhile:
        reading changes nothing on screen)."""
        from caredesk.services.outside_changes import changed_since

        self.pending = False
        mark = self.mark
        self.runner.run(lambda: changed_since(ws, mark), lambda since: self._checked(ws, since), self._failed)

    def _checked(self, ws: Workspace, since: SinceMark) -> None:
        if ws is not self.workspace:
            return  # locked meanwhile
        self.mark = since.mark
        if not since.changes:
            self.reads_only += 1
            log.info("a write made elsewhere only recorded reads (%d since the unlock)", self.reads_only)
            return
        self.ready = since.changes if self.ready is None else self.ready | since.changes
        self.show_when_free()

    def show_when_free(self) -> None:
        """Refresh what was found changed, unless the user is in the middle of something: then later."""
        ws = self.workspace
        if self.ready is None or ws is None:
            return
        self._connect_panel()
        if self._busy_user():
            if self._call_open():
                self.window.statusBar().showMessage(WAITING)
            return
        from caredesk.ui.common.hub import publish

        changes, self.ready = self.ready, None
        publish(changes)
        self.refreshed += 1
        now = ws.clock.now().astimezone(ws.tz)
        self.window.statusBar().showMessage(UPDATED.format(time=f"{now:%H:%M}"))
        log.info("refreshed after a write made elsewhere (%d since the unlock)", self.refreshed)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, CareDeskError):
            raise exc
        self.pending = True  # a busy store: tried again at the next tick
        log.info("could not read what changed elsewhere (%s)", type(exc).__name__)

    def _busy_user(self) -> bool:
        return QApplication.activeModalWidget() is not None or self._call_open()

    def _call_open(self) -> bool:
        panel = self._panel()
        return panel is not None and panel.drafts.unsaved

    def _panel(self) -> CallPanel | None:
        """Today's queue's call panel (None before the pages are made)."""
        if not self.window.has_view:
            return None
        from caredesk.ui.queue.page import QueuePage

        return self.window.view.page(QueuePage).panel

    def _connect_panel(self) -> None:
        """Once: a call saved, kept as a draft or discarded lets a waiting refresh through at once."""
        panel = self._panel()
        if panel is None or self._panel_connected:
            return
        self._panel_connected = True
        panel.saved.connect(self._after_call)
        panel.drafts_changed.connect(self._after_call)

    def _after_call(self, *_args: object) -> None:
        if self.ready is not None:
            QTimer.singleShot(0, self, self.show_when_free)  # after the queue has taken the save
