"""The call panel's open tasks: the patient's to-dos, closable without leaving the call.

Under the call form, last in the Tab order, so the call's own keys and focus order are
untouched. Alt+K puts the focus in the list; Tab goes to Done, Space closes the task
(the app's "send a letter" task too) and its queue reason leaves at once. The list is a
fixed number of lines high and the section sits at the panel's foot, so neither a
longer or shorter list nor a message above ever moves a control; with no open task it
is one quiet line.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from caredesk.services.workspace import Workspace
from caredesk.ui.common.open_tasks import OpenTasks

LINES_SHOWN = 3  # more tasks scroll: a panel at 1,150 x 720 or 125% keeps its form whole
TITLE = "Open tas&ks"  # Alt+K: no menu, outcome or field of the queue page uses K


class CallTasks(QWidget):
    """`show_patient(ws, id)` / `clear()`; `tasks` is the OpenTasks list with its Done button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks = OpenTasks(TITLE)
        self.tasks.show_lines(LINES_SHOWN)
        self.tasks.list.setToolTip("Tab to Done, then Space, marks the selected task done (Alt+K comes here)")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tasks)

    @property
    def title(self) -> QLabel:
        return self.tasks.title

    @property
    def list(self) -> QListWidget:
        return self.tasks.list

    @property
    def done_button(self) -> QPushButton:
        return self.tasks.done_button

    def show_patient(self, ws: Workspace, patient_id: int) -> None:
        self.tasks.show_patient(ws, patient_id)

    def clear(self) -> None:
        self.tasks.clear()
