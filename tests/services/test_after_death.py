"""Recording a date of death on a real store ends what was still arranged for the patient:
scheduled appointments after the death are cancelled ("patient deceased"), open tasks are
closed as cancelled, each audited by id; the month view stops chasing minutes, while minutes
logged before the death still count.

Rule sources: SPEC section 2 (patient status: active / paused / disenrolled / deceased) and
section 7 (the month view's "needs minutes"); issue 9 item 1 (a call made before the date
of death can still be back-filled, so its minutes bill as they should).
The clock fixture's today is Tuesday 11/24/2026.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from caredesk.domain import audit as actions
from caredesk.domain.appointments import AppointmentStatus
from caredesk.domain.calendar import Month
from caredesk.domain.coordination import TaskStatus
from caredesk.domain.patients import Status
from caredesk.services import appointments, billing_report, patient_records, tasks
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from tests.conftest import ZONE
from tests.services.test_calls import _patient

NY = ZoneInfo(ZONE)
DIED = date(2026, 11, 20)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=NY)


def _book(ws, pid: int, day: date, note: str = "") -> int:
    saved = appointments.schedule(ws, pid, at=_at(day), kind="PCP visit", with_whom="Dr. Rivera")
    if note:
        with ws.uow() as uow:  # a note the care manager typed stays, the reason is added below it
            a = uow.appointments.get(saved.value.id)
            uow.appointments.update(replace(a, note=note))
            uow.commit()
    return saved.value.id


def _row(ws, pid: int) -> billing_report.MonthRow:
    report = billing_report.month_report(ws, Month(2026, 11))
    return next(r for r in report.rows if r.patient_id == pid)


def test_a_date_of_death_cancels_later_appointments_and_closes_open_tasks_audited(workspace):
    pid = _patient(workspace, "X1")
    before_death = _book(workspace, pid, date(2026, 11, 18))
    on_death_day = _book(workspace, pid, date(2026, 11, 20))
    after_past = _book(workspace, pid, date(2026, 11, 23), note="Bring the glucose log")
    after_future = _book(workspace, pid, date(2026, 12, 3))
    kept = _book(workspace, pid, date(2026, 11, 16))
    appointments.record_outcome(workspace, kept, "kept")
    open_task = tasks.add_task(workspace, pid, "Fax the plan", date(2026, 12, 1)).value.id
    done_task = tasks.add_task(workspace, pid, "Call the pharmacy").value.id
    tasks.complete_task(workspace, done_task)

    saved = patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)

    assert {Kind.APPOINTMENT, Kind.TASK} <= saved.changes.kinds and saved.changes.patients == {pid}
    by_id = {a.id: a for a in appointments.appointments(workspace, pid)}
    assert {i: by_id[i].status for i in (before_death, on_death_day, after_past, after_future, kept)} == {
        before_death: AppointmentStatus.SCHEDULED,
        on_death_day: AppointmentStatus.SCHEDULED,
        after_past: AppointmentStatus.CANCELLED,
        after_future: AppointmentStatus.CANCELLED,
        kept: AppointmentStatus.KEPT,
    }
    assert by_id[after_future].note == "Cancelled: patient deceased"
    assert by_id[after_past].note == "Bring the glucose log\nCancelled: patient deceased"
    by_task = {t.id: t for t in tasks.tasks(workspace, pid, include_done=True)}
    assert (by_task[open_task].status, by_task[done_task].status) == (TaskStatus.CANCELLED, TaskStatus.DONE)
    assert by_task[open_task].done_at is not None

    with workspace.uow() as uow:
        events = {(e.entity, e.entity_id): e.detail for e in uow.audit_log.all() if e.action == actions.RECORD_CHANGED}
    assert events[("appointment", str(after_past))] == "cancelled: patient deceased"
    assert events[("appointment", str(after_future))] == "cancelled: patient deceased"
    assert events[("task", str(open_task))] == "cancelled: patient deceased"
    assert ("appointment", str(before_death)) not in events


def test_an_earlier_corrected_date_of_death_cancels_the_appointments_it_now_follows(workspace):
    pid = _patient(workspace, "X2")
    between = _book(workspace, pid, date(2026, 11, 19))
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert appointments.appointments(workspace, pid)[0].status is AppointmentStatus.SCHEDULED

    fixed = patient_records.edit_patient(workspace, pid, died_on=date(2026, 11, 17))

    assert Kind.APPOINTMENT in fixed.changes.kinds
    (a,) = appointments.appointments(workspace, pid)
    assert (a.id, a.status) == (between, AppointmentStatus.CANCELLED)


def test_the_month_view_chases_no_minutes_for_a_deceased_patient_but_bills_those_logged(workspace):
    pid = _patient(workspace, "X3")
    log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 5))
    alive = _row(workspace, pid)
    # CPT 99490 needs 20 minutes in the month: 12 is short, so the row asks for more.
    assert alive.needs_minutes and alive.clinical_minutes == 12

    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)

    row = _row(workspace, pid)
    assert row.status is Status.DECEASED and not row.needs_minutes
    assert row.clinical_minutes == 12  # the minutes before the death still count


def test_a_deceased_patient_with_enough_minutes_still_bills(workspace):
    pid = _patient(workspace, "X4")
    log_contact(workspace, pid, outcome="reached", minutes=25, on=date(2026, 11, 5))
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)

    row = _row(workspace, pid)
    assert [c.code for c in row.result.codes] == ["99490"]
