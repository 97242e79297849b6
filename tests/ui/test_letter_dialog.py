"""The Tasks tab's "Letter…" for a letter task, through real widgets over a real store:
save the letter as a PDF (large print one tick away), then mark it as sent.

SPEC section 3: after three unanswered attempts in a month a letter task is proposed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog

from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.domain.practice import PracticeProfile
from caredesk.services import tasks as task_service
from caredesk.services.patients import open_chart
from caredesk.services.practice import save_profile
from caredesk.ui.chart.letter_dialog import LetterDialog
from caredesk.ui.chart.tasks_tab import TasksTab
from caredesk.ui.common.hub import hub
from tests.domain.test_letters import PRACTICE
from tests.services.test_letters import _letter_reasons, _unreached
from tests.ui.test_tasks_tab import alt


@pytest.fixture
def patient(workspace) -> int:
    save_profile(workspace, PRACTICE)
    return _unreached(workspace, "UL1")


@pytest.fixture
def tab(qtbot, workspace, patient) -> TasksTab:
    widget = TasksTab()
    qtbot.addWidget(widget)
    widget.resize(760, 640)
    widget.open(workspace, open_chart(workspace, patient))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _letter_task(ws, pid):
    (task,) = [t for t in task_service.tasks(ws, pid) if t.kind is TaskKind.LETTER]
    return task


def _open_dialog(qtbot, tab) -> LetterDialog:
    alt(qtbot, tab, Qt.Key.Key_R)  # Lette&r…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(LetterDialog)))
    (dialog,) = [d for d in tab.findChildren(LetterDialog) if d.isVisible()]
    return dialog


def test_letter_is_offered_for_an_open_letter_task_only(tab, workspace, patient):
    other = task_service.add_task(workspace, patient, "Fax the plan").value
    tab.refresh()
    tab.task_table.select_id(other.id)
    assert not tab.letter_button.isEnabled()
    tab.task_table.select_id(_letter_task(workspace, patient).id)
    assert tab.letter_button.isEnabled()
    assert tab.letter_button.accessibleName() == "Letter to the patient for this task"


def test_save_the_letter_in_large_print_then_mark_it_sent_with_the_keyboard(tab, qtbot, workspace, patient, tmp_path):
    task = _letter_task(workspace, patient)
    tab.task_table.select_id(task.id)
    tab.task_table.setFocus()
    dialog = _open_dialog(qtbot, tab)
    for control in dialog.findChildren(QAbstractButton):
        assert control.accessibleName(), control.text()
    assert dialog.save_button.isEnabled() and not dialog.message.isVisible()
    assert dialog.calls.text() == "Unanswered calls it lists: 11/16/2026, 11/19/2026, 11/24/2026"

    # A mnemonic fires only in the active window; on a loaded CI machine the new dialog may not be yet.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # &Large print
    qtbot.waitUntil(dialog.large_print.isChecked)
    out = tmp_path / "out" / "letter-2026-11-24.pdf"
    out.parent.mkdir()
    assert dialog.save_to(out)
    assert "Saved as letter-2026-11-24.pdf" in dialog.message.text()
    sizes: list[float] = []
    PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text(
        visitor_text=lambda t, _cm, _tm, _f, size: sizes.append(size) if t.startswith("Dear") else None
    )
    assert sizes == [18]

    heard = []
    hub().changed.connect(lambda changes, _source: heard.append(changes))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(dialog.finished):  # then the dialog is gone (deleted on close)
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert heard and patient in heard[-1].patients
    (closed,) = [t for t in task_service.tasks(workspace, patient, include_done=True) if t.id == task.id]
    assert closed.status is TaskStatus.DONE
    qtbot.waitUntil(lambda: any("done" in tab.task_table.item(r, 2).text() for r in range(tab.task_table.rowCount())))
    assert _letter_reasons(workspace, patient) == []


def test_the_file_dialog_suggests_a_name_by_date_never_the_patients(
    tab, qtbot, workspace, patient, monkeypatch, tmp_path
):
    asked: list[str] = []
    target = tmp_path / "chosen.pdf"

    def choose(_parent, _caption, name, _filter):
        asked.append(name)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    tab.task_table.select_id(_letter_task(workspace, patient).id)
    dialog = tab.open_letter()
    assert dialog is not None
    dialog.save_button.click()
    assert asked == ["letter-2026-11-24.pdf"]
    assert target.read_bytes().startswith(b"%PDF")
    dialog.reject()


def test_a_missing_practice_phone_is_said_at_once_and_nothing_is_written(tab, qtbot, workspace, patient, tmp_path):
    save_profile(workspace, PracticeProfile(**(PRACTICE.as_dict() | {"practice_phone": ""})))
    tab.task_table.select_id(_letter_task(workspace, patient).id)
    dialog = tab.open_letter()
    assert dialog is not None
    qtbot.waitUntil(dialog.message.isVisible)
    assert dialog.message.text() == (
        "Practice phone is needed for the letter: fill it in File > Practice details, "
        "or caredesk practice --practice-phone."
    )
    assert not dialog.save_button.isEnabled()
    assert not dialog.sent_button.isEnabled()  # a letter that cannot be made was never mailed
    assert not dialog.save_to(Path(tmp_path / "x.pdf")) and not (tmp_path / "x.pdf").exists()
    assert _letter_task(workspace, patient).status is TaskStatus.OPEN
    dialog.reject()
