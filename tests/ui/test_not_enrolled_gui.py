"""A patient in no program, as the chart shows them (a keyboard-only tester read a bold orange
"No consent on file" for a patient with no program at all): consent is per program (SPEC 3,
"Consent comes first"), so without a program the chart says the patient is not enrolled, in
the ordinary colour, and names a program that starts later."""

from __future__ import annotations

from datetime import date

from caredesk.services import enrollments
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.queue.page import QueuePage


def _chart(window, pid: int):
    page = window.view.show_page(PatientsPage)
    assert page.select_patient(pid)
    return page.chart


def test_a_patient_in_no_program_is_not_enrolled_not_missing_consent(unlocked, canary_store):
    chart = _chart(unlocked, canary_store["Abbott"])  # active, no program
    assert chart.consent.text() == "Not enrolled in a program"
    assert chart.consent.property("role") != "warning"
    model = unlocked.view.page(QueuePage).model
    row = model.queue_row(model.row_of(canary_store["Abbott"]))
    assert [r.text for r in row.entry.reasons] == ["Not enrolled in a program"]


def test_a_program_that_starts_later_is_named_with_its_start(unlocked, canary_store, qtbot):
    pid = canary_store["Young"]
    enrollments.enroll(unlocked.workspace, pid, "CCM", date(2026, 12, 25))  # today is 11/24/2026
    chart = _chart(unlocked, pid)
    qtbot.waitUntil(lambda: chart.consent.text() == "Not enrolled yet: CCM from 12/25/2026")
    assert chart.consent.property("role") != "warning"
