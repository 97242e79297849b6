"""The open-tasks widget the call panel can embed: a letter task closed with the keyboard alone."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.coordination import TaskStatus
from caredesk.services import tasks as task_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.ui.common.hub import hub, publish
from caredesk.ui.common.open_tasks import NONE_OPEN, OpenTasks
from tests.services.test_calls import _patient


def _lines(widget: OpenTasks) -> list[str]:
    return [widget.list.item(i).text() for i in range(widget.list.count())]


def test_a_letter_task_is_closed_with_tab_and_space_and_the_queue_hears_it(qtbot, workspace):
    pid = _patient(workspace, "OT1")
    for day in (date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)):
        log_contact(workspace, pid, outcome="voicemail", minutes=1, on=day)
    task_service.add_task(workspace, pid, "Fax the plan", date(2026, 11, 30))
    widget = OpenTasks()
    qtbot.addWidget(widget)
    widget.show_patient(workspace, pid)
    widget.show()
    qtbot.waitExposed(widget)
    assert _lines(widget) == [
        "Send a letter: calls unanswered in November 2026 (overdue since 11/20/2026)",
        "Fax the plan (due 11/30/2026)",
    ]
    heard = []
    hub().changed.connect(lambda changes, source: heard.append((changes, source)))
    widget.activateWindow()
    widget.list.setFocus()
    qtbot.waitUntil(widget.list.hasFocus)
    qtbot.keyClick(widget.list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget.done_button
    qtbot.keyClick(widget.done_button, Qt.Key.Key_Space)
    assert _lines(widget) == ["Fax the plan (due 11/30/2026)"]
    assert widget.list.hasFocus()  # ready for the next one
    (task,) = [t for t in task_service.tasks(workspace, pid, include_done=True) if t.status is TaskStatus.DONE]
    assert task.title.startswith("Send a letter")
    (changes, source) = heard[-1]
    assert changes.patients == {pid} and source is widget
    reasons = [x.text for r in CallQueue(workspace).build() if r.patient_id == pid for x in r.entry.reasons]
    assert not any("letter" in t.lower() for t in reasons)


def test_changes_elsewhere_re_read_and_clear_drops_the_list(qtbot, workspace):
    pid = _patient(workspace, "OT2")
    widget = OpenTasks()
    qtbot.addWidget(widget)
    counts = []
    widget.count_changed.connect(counts.append)
    widget.show_patient(workspace, pid)
    widget.show()
    assert widget.empty.isVisible() and widget.empty.text() == NONE_OPEN and not widget.done_button.isVisible()
    saved = task_service.add_task(workspace, pid, "Call the pharmacy", date(2026, 11, 24))
    publish(saved.changes)  # the chart's tab, say
    assert _lines(widget) == ["Call the pharmacy (due today)"] and counts[-1] == 1
    widget.clear()
    assert widget.list.count() == 0 and counts[-1] == 0 and not widget.empty.isVisible()
