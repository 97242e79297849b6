"""Finalize's list of what is missing goes to each item (issue 9 item 11): Enter or a click
on a refusal shows the problem, goal or intervention it names and focuses the field."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.ui.careplan.history import locate
from tests.ui.test_care_plan_editor import open_plan


def problems_listed(editor) -> list[str]:
    return [editor.history.problems.item(i).text() for i in range(editor.history.problems.count())]


def test_enter_on_each_refusal_focuses_what_it_names(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    unlocked.activateWindow()
    editor.add_from_template("hypertension", "I11.9")
    editor.select(("g", 0, 0))
    editor.form.g_target.clear()  # the goal loses its target
    editor.select(("p", 0))
    editor.add_intervention()  # an intervention without an action
    editor.inner.setCurrentWidget(editor.history)
    editor.history.finalize_button.click()
    listed = problems_listed(editor)
    assert listed == [
        "Problem 1 'High blood pressure', goal 1 'Home blood pressure': needs a target",
        f"Problem 1 'High blood pressure', intervention {len(editor.content.problems[0].interventions)}: "
        "needs an action",
        "Next review date: is required",
    ]
    qtbot.waitUntil(editor.history.problems.hasFocus)  # the list has the focus: arrows and Enter

    expected = [
        (("g", 0, 0), editor.form.g_target),
        (("i", 0, len(editor.content.problems[0].interventions) - 1), editor.form.i_action),
        (None, editor.sections.next_review),
    ]
    for row, (path, field) in enumerate(expected):
        editor.inner.setCurrentWidget(editor.history)
        editor.history.problems.setFocus()
        editor.history.problems.setCurrentRow(row)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(field.hasFocus)
        if path is not None:
            assert editor.selected_path() == path
            assert editor.inner.currentIndex() == 0
        else:
            assert editor.inner.currentIndex() == 1  # the Sections tab


def test_a_click_goes_there_too_and_add_buttons_answer_missing_items(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    unlocked.activateWindow()
    editor.inner.setCurrentWidget(editor.history)
    editor.history.finalize_button.click()
    assert problems_listed(editor)[0] == "Problems: add at least one problem"
    item = editor.history.problems.item(0)
    rect = editor.history.problems.visualItemRect(item)
    qtbot.mouseClick(editor.history.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(editor.add_problem_button.hasFocus)

    editor.add_from_template("hypertension", "I11.9")
    problem = editor.content.problems[0]
    editor._push("drop goals", replace(editor.content, problems=(replace(problem, goals=()),)), ("p", 0))
    editor.inner.setCurrentWidget(editor.history)
    editor.history.finalize_button.click()
    assert problems_listed(editor)[0] == "Problem 1 'High blood pressure': needs at least one goal"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(editor.add_goal_button.hasFocus)
    assert editor.selected_path() == ("p", 0)


def test_locate_reads_careplan_rules_wording():
    assert locate("Problem 2 'COPD: stage 2', goal 3 'FEV1': needs a target date") == (("g", 1, 2), "form.g_date")
    assert locate("Problem 1: needs a title") == (("p", 0), "form.p_title")
    assert locate("Care plan: nothing changed since version 2") is None
