"""A compact list of one patient's open tasks with a Done button, for embedding (the call panel).

The app's letter task (proposed after three unanswered calls) is closed here like any other,
without leaving the call. Keyboard: Tab into the list, arrows pick a task, Tab to "Done",
Space. The button has no Alt+letter on purpose: the call panel's outcomes own those.
After Done the change is published (the queue re-ranks; an open chart re-reads); changes to
this patient's tasks made elsewhere re-read the list. A host may give the list a fixed
height (`show_lines`) so nothing around it moves as tasks come and go.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Task
from caredesk.errors import CareDeskError
from caredesk.services import tasks as task_service
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, user_message
from caredesk.ui.common.hub import hub, publish

NONE_OPEN = "No open tasks."


def task_line(task: Task, today: date) -> str:
    """One line: the title and when it is due ("due today", "overdue since 11/20/2026")."""
    if task.due is None:
        return task.title
    if task.due < today:
        return f"{task.title} (overdue since {us_date(task.due)})"
    if task.due == today:
        return f"{task.title} (due today)"
    return f"{task.title} (due {us_date(task.due)})"


class OpenTasks(QWidget):
    """`show_patient(ws, patient_id)` lists that patient's open tasks; `clear()` drops them."""

    count_changed = Signal(int)  # open tasks shown, so a host can hide an empty list
    all_closed = Signal()  # Done closed the last open task: the host decides where the focus goes

    def __init__(self, title: str = "", parent: QWidget | None = None):
        """`title` (with its Alt+letter, optional) heads the list with the count of open tasks;
        Done sits at its right, so the list has the whole width for the titles."""
        super().__init__(parent)
        self.setAccessibleName("Open tasks")
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.list = QListWidget()
        self.list.setAccessibleName("Open tasks")
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)  # wrapped titles scroll smoothly
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self.empty = QLabel(NONE_OPEN)
        self.empty.setAccessibleName("Open tasks")
        self.empty.setProperty("role", "muted")
        self.done_button = button("Done", "Mark the selected task done")
        self.done_button.setAutoDefault(False)  # Enter in a form around it still saves the form
        self.done_button.clicked.connect(self.complete_current)
        self.message = InlineMessage("Open tasks message")
        self._title = title
        self.title = QLabel(title)
        self.title.setBuddy(self.list)
        self.title.setProperty("role", "section")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title, 1, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(self.fontMetrics().height() // 4)
        lay.addLayout(row)
        lay.addWidget(self.list)
        lay.addWidget(self.empty)
        lay.addWidget(self.message)
        self._ids: list[int] = []
        hub().changed.connect(self._changed)
        self.clear()

    def show_lines(self, lines: int) -> None:
        """Keep the list `lines` text lines high whatever it holds (more tasks scroll); where a
        window is too short for that it gives way down to one line, never pushing past the edge."""
        self.list.ensurePolished()
        row = self.list.fontMetrics().lineSpacing() + 2 * self.list.spacing() + 2  # an item's margins
        frame = 2 * self.list.frameWidth()
        self.list.setMinimumHeight(row + frame)
        self.list.setMaximumHeight(lines * row + frame)

    def show_patient(self, ws: Workspace, patient_id: int) -> None:
        self.ws, self.patient_id = ws, patient_id
        self.message.clear()
        self.reload()

    def clear(self) -> None:
        self.ws, self.patient_id = None, None
        self._fill([], date.min)
        self.message.clear()

    def reload(self) -> None:
        if self.ws is None or self.patient_id is None or not self.ws.is_open:
            return
        try:
            found = task_service.tasks(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self._fill(found, self.ws.today())

    def complete_current(self) -> None:
        row = self.list.currentRow()
        if self.ws is None or not 0 <= row < len(self._ids):
            return
        try:
            saved = task_service.complete_task(self.ws, self._ids[row])
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.message.clear()
        self.reload()
        publish(saved.changes, self)
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))
            self.list.setFocus()
        else:
            self.all_closed.emit()

    def _fill(self, found: list[Task], today: date) -> None:
        self.list.clear()
        self._ids = [t.id for t in found if t.id is not None]
        for t in found:
            item = QListWidgetItem(task_line(t, today))
            item.setToolTip(item.text())
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        self.list.setVisible(bool(found))
        self.done_button.setVisible(bool(found))
        self.title.setText(f"{self._title} ({len(found)})" if found else self._title)
        self.title.setVisible(bool(found and self._title))
        self.empty.setVisible(not found and self.patient_id is not None)
        self._update()
        self.count_changed.emit(len(found))

    def _update(self) -> None:
        self.done_button.setEnabled(0 <= self.list.currentRow() < len(self._ids))

    def _changed(self, changes: Changes, source: object) -> None:
        if source is not self and self.patient_id in changes.patients and changes.touches(Kind.TASK):
            self.reload()
