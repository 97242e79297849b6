"""This month and the chart tell minutes that count from minutes that count for nothing, through
the real widgets (SPEC 3, CMS MLN909188: minutes on a day after the program ended count for
nothing). Tester: CCM ended the day before a 14-minute call; This month showed the 14 minutes as
the patient's, counted the patient under "Needs minutes 1", cut the reason off in its column; the
chart said "CCM 14 min" as if they billed; another tester read "Needs minutes 0" beside two
patients and could not tell where they were. The tests' today is 11/24/2026."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from caredesk.domain.patients import Condition
from caredesk.services import enrollments
from caredesk.services.calls import log_contact
from caredesk.services.changes import Changes, Kind
from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.hub import publish
from caredesk.ui.month.table_model import MINUTES, MRN, MonthFilter
from tests.ui.test_month_page import month_page

REASON = "14 min after CCM ended 11/19 count for nothing"


def _in_ccm_with_a_call(window, pid: int) -> int:
    """Abbott in CCM from 10/01 (consent, two chronic conditions) with a 14-min call on 11/20;
    the enrollment's id."""
    ws = window.workspace
    e = enrollments.enroll(ws, pid, "CCM", date(2026, 10, 1), consent_date=date(2026, 10, 1), consent_method="verbal")
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    log_contact(ws, pid, outcome="reached", minutes=14, on=date(2026, 11, 20))
    assert e.value.id is not None
    return e.value.id


def _end_the_day_before(window, pid: int, enrollment_id: int) -> None:
    enrollments.end_enrollment(window.workspace, enrollment_id, date(2026, 11, 19))
    publish(Changes.of([pid], Kind.ENROLLMENT))  # as the Record tab's End program does


def test_the_month_shows_the_minutes_apart_and_does_not_chase_them(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]
    _end_the_day_before(unlocked, pid, _in_ccm_with_a_call(unlocked, pid))
    page = month_page(unlocked)
    p = page.proxy
    (at,) = [r for r in range(p.rowCount()) if p.index(r, MRN).data() == "MRN20002"]
    minutes = p.index(at, MINUTES)
    assert minutes.data() == "0 / 0 · 14 not counted"
    assert f"Not counted: 14 min ({REASON})" in minutes.data(Qt.ItemDataRole.ToolTipRole)
    assert "14 min logged count for nothing" in page.totals.text()

    # The canary (CCM, no minutes yet) needs minutes; Abbott, whose program ended, cannot bill.
    counts = {w: b.text().replace("&", "") for w, b in page.filter_buttons.items()}  # less the Alt keys
    assert counts == {
        MonthFilter.ALL: "All  2",
        MonthFilter.NEEDS_MINUTES: "Needs minutes  1",
        MonthFilter.READY: "Ready to bill  0",
        MonthFilter.CANNOT_BILL: "Cannot bill  1",
    }
    page.filter_buttons[MonthFilter.CANNOT_BILL].click()
    assert [p.index(r, MRN).data() for r in range(p.rowCount())] == ["MRN20002"]

    # The reason in full under the table, for the row the cursor is on (the column cuts it off).
    assert page.detail.isHidden()
    page.table.setFocus()
    page.table.selectRow(0)
    assert not page.detail.isHidden() and page.detail.wordWrap()
    assert page.detail.text() == f"Abbott, Grace (MRN MRN20002): nothing billable; 0 of 20 min for 99490; {REASON}"


def test_the_chart_says_which_minutes_count(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]
    enrollment = _in_ccm_with_a_call(unlocked, pid)
    page = unlocked.view.show_page(PatientsPage)
    qtbot.waitUntil(lambda: page.model.row_of(pid) is not None)
    page.select_patient(pid)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    tab = page.chart.tab(ContactsTab)
    page.chart.show_tab(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.totals.text() == "November 2026: CCM 14 min"  # all of them count

    _end_the_day_before(unlocked, pid, enrollment)  # the open chart hears the change
    qtbot.waitUntil(lambda: "logged" in tab.totals.text())
    assert tab.totals.text() == f"November 2026: CCM 14 min logged; 0 count for billing: {REASON}"
