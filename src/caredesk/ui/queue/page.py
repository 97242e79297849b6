"""Today's queue, the home screen: whom to call and why, beside the call panel.

Keyboard-first: Up/Down or j/k move, Enter opens the patient in the call panel (the
focus goes to Start), Space starts the call timer (the focus goes to the note), V or N
logs a voicemail or no answer in one key, Ctrl+S or Ctrl+Enter saves the call, Esc in
the panel goes back to the queue. After a save only that patient is re-read
(CallQueue.refresh) and the selection moves to the patient who followed them.

A call that is not saved is never dropped: moving to another row asks Save / Keep as
draft / Discard / Cancel first, and until it is answered the highlighted row stays the
call's patient.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.contacts import Outcome
from caredesk.domain.queue import ReasonKind
from caredesk.domain.today_plan import TodayPlan
from caredesk.errors import CareDeskError
from caredesk.services import call_drafts
from caredesk.services.call_queue import CallQueue, QueueRow
from caredesk.services.calls import CallLogged
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.common import theme
from caredesk.ui.common.call_form import what_followed
from caredesk.ui.common.forms import InlineMessage, user_message
from caredesk.ui.common.hub import hub, publish
from caredesk.ui.common.tables import segments
from caredesk.ui.queue.call_panel import CallPanel
from caredesk.ui.queue.capacity_control import CapacityControl
from caredesk.ui.queue.capacity_dialog import CapacityDialog
from caredesk.ui.queue.plan_bar import PlanBar
from caredesk.ui.queue.prepared import PreparedQueue, QueueFilter, prepare_rows
from caredesk.ui.queue.queue_build import RESCORE_OVER, QueueBuild
from caredesk.ui.queue.queue_heading import heading_text
from caredesk.ui.queue.queue_view import PanelSplitter, QueueTable
from caredesk.ui.queue.table_model import QueueFilterProxy, QueueTableModel
from caredesk.ui.queue.unsaved_call import SWITCH, CallChoice, ask_about_call

log = logging.getLogger(__name__)

# How many patients a save reads again at most while looking for the next one up (the saved
# ones included): each re-read is one patient's facts and a re-plan, a few ms.
NEXT_UP_READS = 6

NO_PATIENTS = "No active patients yet: add them with File > Add patient (Ctrl+N), then enroll them in a program."


class QueuePage(QWidget):
    title = "Today's queue"
    open_patient = Signal(int)  # "show the full chart" (the workspace view switches page)
    ready = Signal()  # today's queue is built and on screen

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.queue: CallQueue | None = None
        self.build = QueueBuild(self)  # today's queue, built in the background
        self.capacity_control = CapacityControl(self)
        hub().changed.connect(self._changed)
        self._syncing = False  # True while code, not the user, moves the current row
        self._stay_after_save = False  # a save answered a question: the caller decides what follows
        self._switch_pending: int | None = None  # a row the user moved to, waiting for the question
        self.model = QueueTableModel(self)
        self.proxy = QueueFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        # Containers first, then what goes in them, top to bottom (the order is the focus
        # chain's): a widget moved into a new parent has the style sheet re-applied to it and
        # all it holds, so the call panel is made in the splitter and nothing is moved twice
        # (issue 14: the page built whole and then put in place was ~10 ms of its slice).
        layout = QVBoxLayout(self)
        pad = self.fontMetrics().height() // 2
        layout.setContentsMargins(pad, pad, pad, pad)
        self.splitter = PanelSplitter(self)
        layout.addWidget(self.splitter)
        left = QWidget()
        self.splitter.addWidget(left)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)

        self.heading = QLabel()
        self.heading.setAccessibleName("Today")
        theme.set_role(self.heading, "title")
        # Wraps, so its width is never the window's least: "Wednesday, December 2 — nobody left
        # to call, 1 reached today" on one line made a fresh tester's window 60 px wider.
        self.heading.setWordWrap(True)
        lv.addWidget(self.heading)
        self.plan_bar = PlanBar()
        self.plan_bar.capacity_requested.connect(lambda: self.change_capacity())
        self.plan_bar.hide()
        lv.addWidget(self.plan_bar)
        filter_row, self.filter_buttons = segments(self, QueueFilter, self.set_filter)
        lv.addLayout(filter_row)
        # Five filters beside the call panel's many Alt keys leave no letter for each (a
        # keyboard-only tester found no key): Alt+Left / Alt+Right step through them.
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            stepper = QShortcut(QKeySequence(keys), self)
            stepper.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            stepper.activated.connect(lambda s=step: self._step_filter(s))
        for b in self.filter_buttons.values():  # after any tooltip of its own
            keys = "(Alt+Left / Alt+Right: the filter before / after)"
            b.setToolTip(f"{b.toolTip()}\n{keys}" if b.toolTip() else f"{b.accessibleName()} {keys}")
        self.notice = InlineMessage("Queue message")
        lv.addWidget(self.notice)

        self.table = QueueTable(self.proxy, left)
        lv.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.clicked.connect(lambda _i: self.open_selected(focus=False))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.open_requested.connect(self.open_selected)
        self.table.start_requested.connect(self.start_call)
        self.table.attempt_requested.connect(self.log_attempt)

        self.panel = CallPanel(self.splitter)
        self.panel.header.queue_reason = self._enrollment_reason
        self.splitter.hold(self.panel)
        self.panel.saved.connect(self._saved)
        self.panel.timer_changed.connect(self._timer_changed)
        self.panel.header.open_chart.connect(self.open_patient)
        self.panel.drafts_changed.connect(self._draft_kept_or_dropped)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.panel)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(lambda: self.table.setFocus(Qt.FocusReason.ShortcutFocusReason))
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.panel.save)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # -- page protocol (see caredesk.ui.shell.workspace_view) -------------------------
    def load(self, workspace: Workspace) -> None:
        """Build today's queue in the background; `ready` is emitted when it is on screen."""
        self.workspace = workspace
        queue = self.queue = CallQueue(workspace)
        self.panel.set_workspace(workspace)
        self.build.start(workspace, queue)

    @property
    def loading(self) -> bool:
        """Today's queue is being built in the background (or its first patient not yet opened)."""
        return self.build.loading

    def clear(self) -> None:
        """On lock: the timer stops and every row, name and note leaves the widgets."""
        self.build.cancel()
        self.panel.clear()
        self.panel.set_workspace(None)
        self.workspace, self.queue = None, None
        self._syncing = True
        try:
            self.table.clearSelection()
            self.model.clear()
        finally:
            self._syncing = False
        self.notice.clear()
        self.heading.clear()
        self._update_counts()

    def selection(self) -> int | None:
        return self.panel.patient_id

    def focus_home(self) -> None:
        """Ctrl+1: the keyboard goes to the queue's list, on the call panel's patient, where j/k,
        V/N, Enter and Space work. The first control in the page's focus chain is the plan's
        Daily capacity… button: a tester pressed Ctrl+1, then Space, and the capacity question
        opened."""
        if not self.table.currentIndex().isValid():
            self.select_quietly(self.panel.patient_id)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def restore(self, patient_id: int | None) -> None:
        if patient_id is None:
            return
        if not self.build.restore(patient_id):
            self.select_patient(patient_id)

    # -- actions ---------------------------------------------------------------
    def _step_filter(self, step: int) -> None:
        order = list(self.filter_buttons)
        self.set_filter(order[(order.index(self.proxy.which) + step) % len(order)])

    def set_filter(self, which: QueueFilter) -> None:
        self.filter_buttons[which].setChecked(True)
        self._syncing = True
        try:
            self.proxy.set_filter(which)
        finally:
            self._syncing = False
        self.select_quietly(self.panel.patient_id)

    def select_patient(self, patient_id: int) -> bool:
        """Highlight and open the patient's row; one outside the filter shown switches to All."""
        row = self.proxy.proxy_row(patient_id)
        if row is None and self.proxy.which is not QueueFilter.ALL and self.model.row_of(patient_id) is not None:
            self.set_filter(QueueFilter.ALL)
            row = self.proxy.proxy_row(patient_id)
        if row is None:
            return False
        self.table.select_row(row)
        return True

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.proxy.patient_id(index.row()) if index.isValid() else None

    def open_selected(self, focus: bool = True) -> None:
        """Show the selected patient; with focus, the cursor goes where Space starts the timer."""
        pid = self.selected_id()
        if pid is None or not self._show(pid):
            return
        if focus:
            panel = self.panel
            (panel.start_button if panel.start_button.isEnabled() else panel.note).setFocus(
                Qt.FocusReason.OtherFocusReason
            )

    def start_call(self) -> None:
        """Start the timer for the selected patient; what is typed next is the call's note."""
        pid = self.selected_id()
        if pid is None or not self._show(pid):
            return
        self.panel.timing.start()
        self.panel.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def log_attempt(self, outcome: Outcome) -> None:
        """One key for an unanswered attempt: logged with what the form holds, next patient up."""
        pid = self.selected_id()
        if pid is None or not self._show(pid):
            return
        self.panel.set_outcome(outcome)
        self.panel.save()

    def settle_call(self, action: str) -> bool:
        """Before the call panel's patient goes away by the user's choice (`action`, as the
        question names it): ask about an unsaved call. True once the panel is free: the call
        saved, kept as a draft or discarded; False if cancelled or saving was refused."""
        panel = self.panel
        if not panel.drafts.unsaved:
            return True
        choice = ask_about_call(self, panel.header.full_name, action)
        if self.workspace is None or panel.patient_id is None:
            return False  # locked while asking (idle time): the call was kept as a draft
        if choice is CallChoice.SAVE:
            self._stay_after_save = True
            try:
                return panel.save() is not None
            finally:
                self._stay_after_save = False
        if choice is CallChoice.DRAFT:
            return panel.drafts.keep_draft()
        if choice is CallChoice.DISCARD:
            panel.drafts.discard_call()
            return True
        return False

    def _enrollment_reason(self, patient_id: int) -> str | None:
        """The text of the patient's enrollment reason in the queue as built ('Not enrolled: CCM
        ended 11/20 (14 min after …)'), for the call panel's header; None without a row or one."""
        row = self.model.row_of(patient_id)
        if row is None:
            return None
        reasons = self.model.queue_row(row).entry.reasons
        return next((r.text for r in reasons if r.kind is ReasonKind.ENROLLMENT), None)

    def _show(self, pid: int) -> bool:
        """Open pid in the panel; an unsaved call for another patient is asked about first."""
        if self.panel.patient_id == pid:
            self.notice.clear()
            return True
        if self.panel.drafts.unsaved:
            return self._switch_to(pid)
        ok = self.panel.show_patient(pid)
        if ok:
            self.notice.clear()
        return ok

    def _switch_to(self, pid: int) -> bool:
        if not self.settle_call(SWITCH):
            self.select_quietly(self.panel.patient_id)
            return False
        ok = self.panel.show_patient(pid)
        self.select_quietly(pid if ok else self.panel.patient_id)
        if ok:
            self.notice.clear()
        return ok

    def select_quietly(self, pid: int | None) -> None:
        """Highlight pid's row (or none) without opening anyone."""
        self._syncing = True
        try:
            row = self.proxy.proxy_row(pid)
            if row is not None:
                self.table.select_row(row)
            else:
                self.table.selectionModel().clear()
        finally:
            self._syncing = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        pid = self.proxy.patient_id(current.row())
        if pid is None or pid == self.panel.patient_id:
            return
        if not self.panel.drafts.unsaved:
            self._show(pid)
            return
        # The row stays the call's patient until the question is answered (asked once the
        # selection change is over, not inside it).
        self.select_quietly(self.panel.patient_id)
        if self._switch_pending is None:
            QTimer.singleShot(0, self, self._answer_pending_switch)
        self._switch_pending = pid

    def _answer_pending_switch(self) -> None:
        pid, self._switch_pending = self._switch_pending, None
        if pid is None or self.workspace is None or self.proxy.proxy_row(pid) is None:
            return
        if self._switch_to(pid):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _draft_kept_or_dropped(self, pid: int) -> None:
        self.read_drafts()
        # A kept call keeps its patient in the queue, past the wait after a no answer
        # (domain.queue._call_draft): re-scored once the keep, or the save that dropped it,
        # is through (a save moves on to the patient who followed first).
        QTimer.singleShot(0, self, lambda: self._changed(Changes.of([pid]), None))

    def read_drafts(self) -> None:
        if self.workspace is None:
            return
        try:
            self.model.set_drafts(call_drafts.patients_with_drafts(self.workspace))
        except CareDeskError as exc:
            log.warning("call drafts could not be read: %s", type(exc).__name__)

    def _timer_changed(self, running: bool) -> None:
        if not running:
            self.notice.clear()

    def _saved(self, result: CallLogged) -> None:
        """Re-rank after a call: only the changed patients are re-read; move on to the next.
        The other pages hear of the call through the hub."""
        if self.queue is None or self.workspace is None:
            return
        if self.build.defer(result.patient_ids):  # the build in progress re-scores it when done
            publish(result.changes, self)
            return
        pid = next(iter(result.patient_ids))
        # The patient next up is read again with the saved one: a call logged for them outside
        # this window (`caredesk log-contact`) may not have reached the queue yet (a tester's
        # next patient was one reached a minute before, shown as such only afterwards).
        read = set(result.patient_ids)
        following = self.proxy.following(pid)
        ahead = self.proxy.next_up(following)
        try:
            rows = self.queue.refresh(read if ahead is None else read | {ahead})
        except CareDeskError as exc:
            self.notice.show_error(user_message(exc))
            return
        publish(result.changes, self)
        self.set_rows(rows)
        if self._stay_after_save:  # saved before a switch, a lock or quitting: that goes on
            self.select_quietly(self.panel.patient_id)
            self.notice.show_info(self._saved_text(result))
            return
        target = self._next_up(following, read if ahead is None else read | {ahead})
        if target is not None:
            self.select_patient(target)
        elif self.proxy.rowCount():
            self.select_quietly(self.panel.patient_id)  # everyone left was reached today
        self.notice.show_info(self._saved_text(result))  # after the next patient is up (that clears it)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _next_up(self, following: list[int], read: set[int]) -> int | None:
        """The next patient after a save: the first of `following` still shown, never one reached
        today; one not among those just `read` is read again first (at most a few, each once)."""
        target = self.proxy.next_up(following)
        while target is not None and target not in read and self.queue is not None and len(read) < NEXT_UP_READS:
            read.add(target)
            try:
                self.set_rows(self.queue.refresh([target]))
            except CareDeskError:
                return target
            target = self.proxy.next_up(following)
        return target

    def _changed(self, changes: Changes, source: object) -> None:
        """A write elsewhere (a patient added, time logged, a plan finalized, a stay entered):
        re-score exactly those patients; the selection stays. A settings change (Kind.PRACTICE:
        the daily capacity set by `caredesk capacity` beside the app, say) re-reads the capacity."""
        if source is self or self.queue is None:
            return
        if changes.touches(Kind.PRACTICE) and not self.build.reader.loading:  # a build reads it itself
            self.capacity_control.reread(replan=not changes.patients)
        if not changes.patients or self.build.defer(changes.patients):
            return
        if len(changes.patients) > RESCORE_OVER:
            self.build.rescore(self.queue, changes.patients)
            return
        try:
            rows = self.queue.refresh(changes.patients)
        except CareDeskError as exc:
            self.notice.show_error(user_message(exc))
            return
        self.set_rows(rows)
        self.select_quietly(self.panel.patient_id)

    @staticmethod
    def _saved_text(result: CallLogged) -> str:
        minutes = result.time_entry.minutes if result.time_entry is not None else 0
        return " ".join([f"Call saved ({result.contact.outcome.value}, {minutes} min).", *what_followed(result)])

    def change_capacity(self) -> CapacityDialog | None:
        """Ask for the daily capacity; on OK it is saved and the plan is made again at once."""
        return self.capacity_control.change()

    def set_rows(self, rows: list[QueueRow]) -> None:
        if self.queue is not None:
            self.show_prepared(*prepare_rows(self.queue, rows))

    def show_prepared(self, prepared: PreparedQueue, plan: TodayPlan | None) -> None:
        self._syncing = True
        try:
            if self.workspace is not None:
                self.model.set_prepared(prepared)
        finally:
            self._syncing = False
        self.plan_bar.show_plan(plan)
        self._update_counts()

    def _update_counts(self) -> None:
        for which, b in self.filter_buttons.items():
            n = self.model.count(which) if self.workspace is not None else 0
            b.setText(f"{which.value}  {n}" if self.workspace is not None else which.value)
        if self.workspace is None:
            self.heading.clear()
            return
        self.heading.setText(heading_text(self.model, self.workspace.today()))
        if self.queue is not None and self.queue.active_patients == 0:
            self.notice.show_info(NO_PATIENTS)
        elif self.notice.text() == NO_PATIENTS:
            self.notice.clear()
