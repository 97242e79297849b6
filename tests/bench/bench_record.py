"""The whole record: the queue re-ranked after each kind of change, and a chart opened with
every tab read (SPEC section 6: re-rank < 50 ms at 170 patients, < 300 ms at 2,000).

Each round is what a screen does after Save: the service's write (one transaction, audited),
then `CallQueue.refresh` of the patients in its change set. The patient is a mid-queue active
one of the demo panel; writes that would pile up (a reading a round) stay realistic for a
benchmark of a few dozen rounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from caredesk.domain.workdays import US_FEDERAL
from caredesk.services import (
    appointments,
    clinical,
    contact_corrections,
    contact_history,
    enrollments,
    observations,
    patient_records,
    stays,
    tasks,
)
from caredesk.services import patients as patient_records_list
from caredesk.services.call_queue import CallQueue
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])

_values = itertools.count(0)


def _distinct_day(ws: Workspace, n: int) -> date:
    """A day for round n that never repeats a (day, value) pair: the same reading twice is refused."""
    return ws.today() - timedelta(days=n // 30)


def _reading(ws: Workspace, pid: int) -> Changes:
    n = next(_values)
    return observations.add_reading(
        ws, pid, kind="A1c", value=6.5 + n % 30 / 10, observed_on=_distinct_day(ws, n)
    ).changes


def _blood_pressure(ws: Workspace, pid: int) -> Changes:
    n = next(_values)
    return observations.add_blood_pressure(
        ws, pid, systolic=120 + n % 30, diastolic=80, observed_on=_distinct_day(ws, n)
    ).changes


def _demographics(ws: Workspace, pid: int) -> Changes:
    return patient_records.edit_patient(ws, pid, call_window=f"weekdays {9 + next(_values) % 3}-11am").changes


def _consent(ws: Workspace, pid: int) -> Changes:
    record = patient_records.record(ws, pid)
    enrollment = next(e for e in record.enrollments if e.end_date is None)
    day = ws.today() - timedelta(days=400 + next(_values) % 30)
    return enrollments.change_enrollment(
        ws, enrollment.id, consent_date=max(day, enrollment.start_date), consent_method="written"
    ).changes


def _condition(ws: Workspace, pid: int) -> Changes:
    code = ("M81.0", "G47.33", "K21.9", "E78.5", "N40.0", "H40.9")[next(_values) % 6]
    try:
        return clinical.add_condition(ws, pid, code).changes
    except Exception:  # already on the list from an earlier round: change it instead
        found = clinical.find_condition(ws, pid, code)
        return clinical.change_condition(ws, found.id, chronic=not found.chronic, onset=None).changes


def _task(ws: Workspace, pid: int) -> Changes:
    saved = tasks.add_task(ws, pid, "Call the pharmacy about the refill", ws.today())
    return saved.changes | tasks.complete_task(ws, saved.value.id).changes


def _appointment(ws: Workspace, pid: int) -> Changes:
    n = next(_values)
    day = US_FEDERAL.add_business_days(ws.today(), 1 + n % 20)
    at = datetime.combine(day, time(9 + n // 20 % 8, 30), tzinfo=ws.tz)  # never the same slot twice
    return appointments.schedule(ws, pid, at=at, kind="PCP visit", with_whom="PCP office").changes


def _stay(ws: Workspace, pid: int) -> Changes:
    day = ws.today() - timedelta(days=1 + next(_values) % 300)
    return stays.add_stay(ws, pid, facility="General Hospital", discharged_on=day).changes


def _correct_minutes(ws: Workspace, pid: int) -> Changes:
    rows = contact_history.history(ws, pid)
    entry = next(e for r in rows for e in r.entries if not r.voided)
    return contact_corrections.correct_time_entry(
        ws, entry.id, minutes=5 + next(_values) % 30, reason="typing error"
    ).changes


CHANGES: dict[str, Callable[[Workspace, int], Changes]] = {
    "demographics": _demographics,
    "consent": _consent,
    "condition": _condition,
    "A1c reading": _reading,
    "blood pressure": _blood_pressure,
    "minutes corrected": _correct_minutes,
    "task added and done": _task,
    "appointment": _appointment,
    "hospital stay": _stay,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_rerank_after_each_kind_of_change(benchmark, panels, panel, change):
    ws = panels[panel]
    q = CallQueue(ws)
    rows = q.build()
    pid = rows[len(rows) // 2].patient_id
    write = CHANGES[change]

    def write_then_refresh():
        changes = write(ws, pid)
        assert pid in changes.patients
        return q.refresh(changes.patients)

    assert benchmark.pedantic(write_then_refresh, rounds=15, warmup_rounds=1) is not None


def test_open_a_chart_with_every_tab_read(benchmark, qapp, panels, panel):
    """Open the chart (header and Summary) and show each tab in turn, as a user clicking through."""
    from caredesk.ui.careplan.editor import CarePlanEditor
    from caredesk.ui.chart.chart_view import ChartView

    ws = panels[panel]
    chart_view = ChartView([CarePlanEditor()])
    chart_view.resize(1100, 760)
    chart_view.show()
    ids = [s.id for s in patient_records_list.patient_list(ws)[:40]]
    rich = max(ids, key=lambda pid: len(patient_records_list.open_chart(ws, pid, audit_view=False).observations))

    def open_every_tab():
        chart = patient_records_list.open_chart(ws, rich)
        chart_view.show_chart(chart, ws.today(), ws)
        for index in range(chart_view.tabs.count()):
            chart_view.tabs.setCurrentIndex(index)
            QApplication.processEvents()
        return chart_view.tabs.count()

    assert benchmark.pedantic(open_every_tab, rounds=10, warmup_rounds=1) >= 8
    chart_view.clear()
    chart_view.close()
