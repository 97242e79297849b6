"""The chart's "Referrals" tab through its real widgets over a real store (issue 10, "Done when").

Rules the steps rest on:
- SPEC section 3, Assessments: "a positive domain suggests a referral to a matching community
  resource"; the social-needs screen is the CMS AHC HRSN tool, where 'sometimes true' to the
  food item is positive (AHC HRSN Screening Tool, question 3).
- Issue 10: proposed -> sent -> accepted -> completed / declined / closed, each step dated;
  a step out of order is refused naming the step.
- SPEC section 3, Call queue: "a referral with no news for 14 days" is a clinical reason
  ("Food bank referral sent 11/03 - no news"); closing it clears the reason.
The clock is the suite's: Tuesday 11/24/2026, America/New_York.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.assessments import Instrument
from caredesk.domain.community import Need
from caredesk.domain.referrals import ReferralStatus
from caredesk.services import community as directory
from caredesk.services import referrals as referral_service
from caredesk.services.assessments import record_assessment
from caredesk.services.call_queue import CallQueue
from caredesk.services.patients import open_chart
from caredesk.ui.chart.referral_dialogs import NextStepDialog, ReferDialog
from caredesk.ui.chart.referrals_tab import ReferralsTab
from caredesk.ui.common.hub import publish
from tests.services.test_calls import _patient

# Social-needs screen answers in item order: housing steady; food 'sometimes true', then 'never
# true'; transportation no; utilities no; the four safety items 'never' (1 each, sum 4).
FOOD_ONLY = (0, 1, 0, 0, 0, 1, 1, 1, 1)


@pytest.fixture
def patient(workspace) -> int:
    return _patient(workspace, "REF1")


@pytest.fixture
def resources(workspace) -> dict[str, int]:
    made = {}
    for name, needs, phone in (
        ("Riverside Food Pantry", "food", "(555) 010-2000"),
        ("Second Harvest Market", "food;other", "(555) 010-2100"),
        ("Metro Ride Line", "transportation", "(555) 010-2200"),
    ):
        made[name] = directory.add_resource(
            workspace, name=name, needs=needs, phone=phone, hours="Mon-Fri 9-5"
        ).value.id
    return made


@pytest.fixture
def tab(qtbot, workspace, patient, resources) -> ReferralsTab:
    widget = ReferralsTab()
    qtbot.addWidget(widget)
    widget.resize(760, 640)
    widget.open(workspace, open_chart(workspace, patient))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def reasons(ws, pid) -> list[str]:
    return [x.text for r in CallQueue(ws).build() if r.patient_id == pid for x in r.entry.reasons]


def cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def dialog_of(tab, cls):
    shown = [d for d in tab.findChildren(cls) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def listed(dialog: ReferDialog) -> list[str]:
    items = [dialog.resource_list.item(i) for i in range(dialog.resource_list.count())]
    return [it.text() for it in items if not it.isHidden()]


def choices(dialog: NextStepDialog) -> list[str]:
    return [dialog.step.itemText(i) for i in range(dialog.step.count())]


def step(qtbot, tab: ReferralsTab, choice: str, day: str, note: str = "") -> NextStepDialog:
    tab.step_button.click()
    dialog = dialog_of(tab, NextStepDialog)
    dialog.step.setCurrentIndex(dialog.step.findText(choice))
    dialog.day.setText(day)
    dialog.note.setPlainText(note)
    dialog.save_button.click()
    return dialog


def screen(ws, pid, on: date) -> None:
    publish(record_assessment(ws, pid, Instrument.SOCIAL_NEEDS, FOOD_ONLY, on).changes)


def test_a_positive_food_item_suggests_food_resources_and_the_referral_goes_through_every_open_state(
    tab, qtbot, workspace, patient
):
    assert not tab.suggestion_row.isVisible() and tab.none.isVisible()
    screen(workspace, patient, date(2026, 11, 2))
    assert tab.suggestion.text() == "Food need positive on 11/02 screen - 2 food resources."
    assert tab.suggestion_row.isVisible() and tab.suggest_button.text() == "Refer for food…"
    assert "Social needs positive - food: no referral yet" in reasons(workspace, patient)

    tab.suggest_button.click()
    refer = dialog_of(tab, ReferDialog)
    assert refer.need.currentText() == "Food"  # the first positive need without a referral
    assert listed(refer) == [
        "Riverside Food Pantry\n(555) 010-2000 · Mon-Fri 9-5",
        "Second Harvest Market\n(555) 010-2100 · Mon-Fri 9-5",
    ]  # the transportation service is not offered for food
    assert refer.hint.text() == "Food was positive on the 11/02/2026 social-needs screen: 2 resources meet it."
    refer.search.setText("harvest")
    assert listed(refer) == ["Second Harvest Market\n(555) 010-2100 · Mon-Fri 9-5"]
    refer.search.clear()
    refer.resource_list.setCurrentRow(0)
    refer.day.setText("11/03/2026")
    refer.note.setPlainText("Agreed to a food box")
    refer.save_button.click()
    qtbot.waitUntil(lambda: not refer.isVisible())

    # Proposed 11/03 and quiet since: 21 days without news.
    assert cells(tab.table) == [["Riverside Food Pantry\nfor food", "proposed\nno news for 21 days", "11/03/2026"]]
    assert not tab.suggestion_row.isVisible()
    now = reasons(workspace, patient)
    assert "Social needs positive - food: no referral yet" not in now
    assert "Riverside Food Pantry referral proposed 11/03 - no news" in now
    (made,) = referral_service.referrals(workspace, patient)
    assert made.referral.assessment_id is not None  # it names the screen that prompted it

    # Only the steps the loop allows: never accepted or completed before it is sent.
    tab.step_button.click()
    first = dialog_of(tab, NextStepDialog)
    assert choices(first) == ["Sent", "Declined", "Closed", "News only (still proposed; needs a note)"]
    first.reject()
    step(qtbot, tab, "Sent", "11/05/2026", "Faxed the form")
    assert cells(tab.table)[0][1:] == ["sent\nno news for 19 days", "11/05/2026"]
    assert "Riverside Food Pantry referral sent 11/05 - no news" in reasons(workspace, patient)

    tab.step_button.click()
    second = dialog_of(tab, NextStepDialog)
    assert choices(second) == ["Accepted", "Declined", "Closed", "News only (still sent; needs a note)"]
    second.reject()
    step(qtbot, tab, "Accepted", "11/24/2026", "Intake on 12/1")
    assert cells(tab.table)[0][1:] == ["accepted", "11/24/2026"]
    assert not any("no news" in r for r in reasons(workspace, patient))

    step(qtbot, tab, "Completed", "11/24/2026", "Picked up the first box")
    assert cells(tab.table)[0][1:] == ["completed", "11/24/2026"]
    assert cells(tab.steps) == [
        ["11/03/2026", "proposed", "Agreed to a food box"],
        ["11/05/2026", "sent", "Faxed the form"],
        ["11/24/2026", "accepted", "Intake on 12/1"],
        ["11/24/2026", "completed", "Picked up the first box"],
    ]
    assert not tab.step_button.isEnabled()  # a completed referral has no next step
    assert tab.detail_title.text() == (
        "Riverside Food Pantry for food: opened 11/03/2026, completed 11/24/2026.\n(555)\u00a0010-2000 · Mon-Fri 9-5"
    )


def test_the_no_news_reason_appears_after_14_quiet_days_and_leaves_when_the_referral_is_closed(
    tab, qtbot, workspace, patient, resources, clock
):
    tab.refer()
    refer = dialog_of(tab, ReferDialog)
    refer.need.setCurrentIndex(refer.need.findText("Transportation"))
    assert listed(refer) == ["Metro Ride Line\n(555) 010-2200 · Mon-Fri 9-5"]
    refer.save_button.click()  # today, 11/24
    step(qtbot, tab, "Sent", "11/24/2026")
    assert not any("no news" in r for r in reasons(workspace, patient))

    clock.advance(days=13)  # 12/07: thirteen quiet days
    assert not any("no news" in r for r in reasons(workspace, patient))
    clock.advance(days=1)  # 12/08: fourteen
    assert "Metro Ride Line referral sent 11/24 - no news" in reasons(workspace, patient)
    tab.refresh()
    assert cells(tab.table)[0][1] == "sent\nno news for 14 days"

    step(qtbot, tab, "Closed", "12/08/2026", "Moved out of the service area")
    assert cells(tab.table)[0][1] == "closed"
    assert not any("no news" in r for r in reasons(workspace, patient))


def test_a_bad_step_is_named_the_form_stays_and_nothing_is_saved(tab, qtbot, workspace, patient):
    referral_service.refer(
        workspace, patient, directory.resources(workspace, need="food")[0].id, "food", on=date(2026, 11, 10)
    )
    tab.refresh()
    dialog = step(qtbot, tab, "News only (still proposed; needs a note)", "11/24/2026")
    assert dialog.isVisible()
    assert dialog.message.text() == "Note is needed to record news (the referral is already proposed)."
    assert dialog.focusWidget() is dialog.note  # the cursor goes to the field named
    dialog.step.setCurrentIndex(dialog.step.findText("Sent"))
    dialog.day.setText("11/09/2026")
    dialog.save_button.click()
    assert dialog.message.text() == "Date cannot be before the last step (proposed on 11/10/2026)."
    assert dialog.focusWidget() is dialog.day
    (view,) = referral_service.referrals(workspace, patient)
    assert [s.status for s in view.referral.steps] == [ReferralStatus.PROPOSED]
    dialog.reject()


def test_a_second_open_referral_to_the_resource_is_named_on_the_resource_list(tab, workspace, patient, resources):
    pantry = resources["Riverside Food Pantry"]
    first = referral_service.refer(workspace, patient, pantry, "food", on=date(2026, 11, 10)).value
    tab.refresh()
    tab.refer(Need.FOOD)
    refer = dialog_of(tab, ReferDialog)
    refer.resource_list.setCurrentRow(0)  # Riverside Food Pantry
    refer.save_button.click()
    assert refer.isVisible()
    assert refer.message.text() == (
        f"Resource has an open referral for this need (referral {first.id}, proposed 11/10/2026)."
    )
    assert refer.focusWidget() is refer.resource_list
    assert len(referral_service.referrals(workspace, patient)) == 1
    refer.reject()


def test_the_refer_forms_search_ignores_accents_and_case(tab, workspace):
    directory.add_resource(workspace, name="Despensa Café Ñandú", needs="food")
    tab.refer(Need.FOOD)
    refer = dialog_of(tab, ReferDialog)
    refer.search.setText("cafe NANDU")
    assert listed(refer) == ["Despensa Café Ñandú"]
    refer.reject()


def test_refer_without_a_resource_for_the_need_says_how_to_add_one(tab, qtbot):
    tab.refer(Need.HOUSING)
    refer = dialog_of(tab, ReferDialog)
    assert listed(refer) == []
    assert "No active resource meets housing" in refer.hint.text()
    refer.save_button.click()
    assert refer.message.text() == "Resource is required: choose one from the list."
    refer.reject()


def test_refer_and_send_with_the_keyboard_only(tab, qtbot, workspace, patient):
    screen(workspace, patient, date(2026, 11, 20))
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.table.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Refer…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(ReferDialog)))
    refer = dialog_of(tab, ReferDialog)
    refer.activateWindow()
    qtbot.waitUntil(lambda: refer.need.hasFocus())  # opens on the positive need, Food
    assert refer.need.currentText() == "Food"
    qtbot.keyClick(refer.need, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is refer.search
    qtbot.keyClicks(refer.search, "second")
    qtbot.keyClick(refer.search, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is refer.resource_list
    qtbot.keyClick(refer.resource_list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is refer.day
    qtbot.keyClick(refer.day, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is refer.note
    qtbot.keyClicks(refer.note, "Call back Friday")
    qtbot.keyClick(refer.note, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Date
    assert QApplication.focusWidget() is refer.day
    qtbot.keyClick(refer.day, Qt.Key.Key_Return)  # Save is the default button
    qtbot.waitUntil(lambda: not refer.isVisible())
    assert cells(tab.table) == [["Second Harvest Market\nfor food", "proposed", "11/24/2026"]]
    tab.activateWindow()  # the desktop gives the window back as the form closes
    qtbot.waitUntil(tab.isActiveWindow)
    assert QApplication.focusWidget() is tab.table  # back on the list

    qtbot.keyClick(tab.table, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)  # Ne&xt step…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(NextStepDialog)))
    nxt = dialog_of(tab, NextStepDialog)
    nxt.activateWindow()
    qtbot.waitUntil(lambda: nxt.step.hasFocus())
    assert nxt.step.currentText() == "Sent"
    qtbot.keyClick(nxt.step, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not nxt.isVisible())
    assert cells(tab.table)[0][1] == "sent"
    (view,) = referral_service.referrals(workspace, patient)
    assert view.referral.steps[0].note == "Call back Friday"
    assert view.referral.status is ReferralStatus.SENT


def test_in_the_window_a_referral_made_in_the_chart_re_ranks_the_queue_at_once(unlocked, canary_store, qtbot):
    from tests.ui.test_coordination_in_window import _chart_tab, shown_reasons

    window, pid = unlocked, canary_store["canary"]
    ws = window.workspace
    directory.add_resource(ws, name="Riverside Food Pantry", needs="food", phone="(555) 010-2000")
    screen(ws, pid, date(2026, 11, 2))
    assert "Social needs positive - food: no referral yet" in shown_reasons(window, pid)
    tab = _chart_tab(window, qtbot, pid, ReferralsTab)
    assert tab.suggestion.text() == "Food need positive on 11/02 screen - 1 food resource."
    tab.refer_button.click()
    refer = dialog_of(tab, ReferDialog)
    refer.day.setText("11/03/2026")
    refer.save_button.click()
    qtbot.waitUntil(lambda: not refer.isVisible())
    now = shown_reasons(window, pid)  # the queue page as it is, not rebuilt
    assert "Social needs positive - food: no referral yet" not in now
    assert "Riverside Food Pantry referral proposed 11/03 - no news" in now
    step(qtbot, tab, "Closed", "11/24/2026", "Patient found help at church")
    assert not any("Riverside" in r for r in shown_reasons(window, pid))


def test_a_resource_added_in_the_directory_updates_the_suggestion_line(tab, qtbot, workspace, patient):
    screen(workspace, patient, date(2026, 11, 2))
    assert tab.suggestion.text() == "Food need positive on 11/02 screen - 2 food resources."
    publish(directory.add_resource(workspace, name="Grace Church Pantry", needs="food").changes)
    assert tab.suggestion.text() == "Food need positive on 11/02 screen - 3 food resources."
