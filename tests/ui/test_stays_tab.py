"""The "Hospital stays" tab through its real widgets, on a store made as `caredesk init` makes it.

SPEC §3 "Transitions of care": discharge on day D - interactive contact by D + 2 business
days (weekends and US federal holidays skipped), face-to-face visit by D + 7 (high) or
D + 14 days, medication reconciliation by the visit; each is a queue deadline until met.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.contacts import Channel
from caredesk.services import stays as stay_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.patients import open_chart
from caredesk.ui.chart.stays_tab import RemoveStayDialog, StayDialog, StaysTab, StepDialog
from tests.conftest import ZONE
from tests.services.test_calls import _patient
from tests.ui.test_tasks_tab import _cells, _dialog, alt

NY = ZoneInfo(ZONE)


@pytest.fixture
def patient(workspace) -> int:
    return _patient(workspace, "UI2")


@pytest.fixture
def tab(qtbot, workspace, patient) -> StaysTab:
    widget = StaysTab()
    qtbot.addWidget(widget)
    widget.resize(720, 640)
    widget.open(workspace, open_chart(workspace, patient))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _stay_reasons(ws, pid) -> list[str]:
    return [
        x.text for r in CallQueue(ws).build() if r.patient_id == pid for x in r.entry.reasons if "Discharged" in x.text
    ]


def _fill_and_save(qtbot, dialog, **texts: str) -> None:
    for name, text in texts.items():
        field = getattr(dialog, name)
        field.clear()
        qtbot.keyClicks(field, text)
    dialog.save_button.click()


def test_a_discharge_friday_before_mlk_day_then_each_step_recorded_leaves_the_queue(tab, qtbot, workspace, patient):
    workspace.clock.instant = datetime.combine(date(2027, 1, 15), time(16, 0), tzinfo=NY)  # a Friday
    assert tab.no_stays.isVisible() and not tab.contact_button.isEnabled()
    alt(qtbot, tab, Qt.Key.Key_S)  # Add stay…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(StayDialog)))
    dialog = _dialog(tab, StayDialog)
    dialog.complexity.setCurrentText("high")
    _fill_and_save(qtbot, dialog, facility="Mercy General", admitted="01/11/2027", discharged="01/15/2027")
    assert not dialog.isVisible()
    assert _cells(tab.stay_table) == [
        [
            "01/15/2027",
            "Mercy General (high)\ncontact due 01/20/2027; visit due 01/22/2027; reconciliation due 01/22/2027",
        ]
    ]
    # Monday Jan 18 is Martin Luther King Jr. Day: Tue 19 (1), Wed 20 (2); the visit in 7 days.
    assert _cells(tab.deadline_table) == [
        ["Interactive contact", "01/20/2027", "due"],
        ["Face-to-face visit", "01/22/2027", "due"],
        ["Medication reconciliation", "by the visit (01/22/2027)", "due"],
    ]
    assert _stay_reasons(workspace, patient) == [
        "Discharged 01/15 - TCM contact due by 01/20",
        "Discharged 01/15 - face-to-face visit and medication reconciliation due by 01/22",
    ]
    assert "TCM period: 01/15/2027 to 02/13/2027." in tab.detail.text()

    workspace.clock.instant = datetime.combine(date(2027, 1, 19), time(10, 0), tzinfo=NY)
    tab.contact_button.click()
    step = _dialog(tab, StepDialog)
    assert [step.channel.itemText(i) for i in range(step.channel.count())] == ["phone", "video", "home visit", "portal"]
    assert step.day.text() == "01/19/2027"  # today, ready to save
    step.channel.setCurrentText("video")
    step.save_button.click()
    assert _cells(tab.deadline_table)[0] == ["Interactive contact", "01/20/2027", "met 01/19/2027 by video"]
    assert _stay_reasons(workspace, patient) == [
        "Discharged 01/15 - face-to-face visit and medication reconciliation due by 01/22"
    ]

    workspace.clock.instant = datetime.combine(date(2027, 1, 25), time(10, 0), tzinfo=NY)
    tab.visit_button.click()
    _fill_and_save(qtbot, _dialog(tab, StepDialog), day="01/25/2027")
    assert _cells(tab.deadline_table)[1:] == [
        ["Face-to-face visit", "01/22/2027", "met late 01/25/2027"],
        ["Medication reconciliation", "by the visit, 01/25/2027", "due today"],
    ]
    assert _stay_reasons(workspace, patient) == ["Discharged 01/15 - medication reconciliation due today"]
    tab.reconcile_button.click()
    _dialog(tab, StepDialog).save_button.click()
    assert _cells(tab.deadline_table)[2][2] == "met 01/25/2027"
    assert _cells(tab.stay_table)[0][1] == "Mercy General (high)\nall steps met"
    assert _stay_reasons(workspace, patient) == []


def test_a_discharge_in_the_future_is_named_and_nothing_is_saved(tab, qtbot, workspace, patient):
    tab.add_button.click()
    dialog = _dialog(tab, StayDialog)
    _fill_and_save(qtbot, dialog, facility="Mercy", discharged="11/25/2026")
    assert dialog.isVisible() and dialog.message.text() == "Discharge date cannot be after today."
    _fill_and_save(qtbot, dialog, facility="", discharged="11/20/2026")
    assert dialog.message.text() == "Facility is required."
    assert stay_service.stays(workspace, patient) == []
    dialog.reject()


def test_a_step_recorded_by_mistake_is_taken_back_with_not_made(tab, qtbot, workspace, patient):
    stay = stay_service.add_stay(workspace, patient, facility="Mercy", discharged_on=date(2026, 11, 20)).value
    stay_service.record_contact(workspace, stay.id, on=date(2026, 11, 23), channel=Channel.PHONE)
    tab.refresh()
    tab.contact_button.click()
    dialog = _dialog(tab, StepDialog)
    assert dialog.take_back is not None and dialog.day.text() == "11/23/2026"
    dialog.take_back.click()
    assert not dialog.isVisible()
    assert _cells(tab.deadline_table)[0] == ["Interactive contact", "11/24/2026", "due today"]
    assert "Discharged 11/20 - TCM contact due today" in _stay_reasons(workspace, patient)


def test_a_step_before_the_discharge_is_refused_in_the_form(tab, qtbot, workspace, patient):
    stay_service.add_stay(workspace, patient, facility="Mercy", discharged_on=date(2026, 11, 20))
    tab.refresh()
    tab.visit_button.click()
    dialog = _dialog(tab, StepDialog)
    _fill_and_save(qtbot, dialog, day="11/19/2026")
    assert dialog.message.text() == "Face-to-face visit date cannot be before the discharge (11/20/2026)."
    assert stay_service.stays(workspace, patient)[0].stay.seen_on is None
    dialog.reject()


def test_remove_a_stay_entered_by_mistake(tab, qtbot, workspace, patient):
    stay_service.add_stay(workspace, patient, facility="Mercy", discharged_on=date(2026, 11, 20))
    tab.refresh()
    assert _stay_reasons(workspace, patient)
    tab.remove_button.click()
    _dialog(tab, RemoveStayDialog).save_button.click()
    assert tab.no_stays.isVisible() and stay_service.stays(workspace, patient) == []
    assert _stay_reasons(workspace, patient) == []
    assert not tab.detail.isVisible() and not tab.contact_button.isEnabled()


def test_two_stays_show_the_newest_first_and_tab_leaves_the_list(tab, qtbot, workspace, patient):
    stay_service.add_stay(workspace, patient, facility="Old Hospital", discharged_on=date(2026, 9, 1))
    stay_service.add_stay(workspace, patient, facility="Mercy", discharged_on=date(2026, 11, 20))
    tab.refresh()
    rows = _cells(tab.stay_table)
    assert [r[0] for r in rows] == ["11/20/2026", "09/01/2026"]
    assert rows[1][1].startswith("Old Hospital (moderate)\ncontact not met (TCM period over)")
    tab.stay_table.setFocus()
    qtbot.keyClick(tab.stay_table, Qt.Key.Key_Down)
    assert tab.detail_title.text().startswith("Old Hospital")
    qtbot.keyClick(tab.stay_table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not tab.stay_table
