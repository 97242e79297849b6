"""Appointments on a real store: a reminder reason the working day before, "kept or missed?"
after, and a kept TCM visit that meets the stay's face-to-face deadline.

SPEC §3 "Call queue" (tasks and follow-ups) and "Transitions of care" (the face-to-face
visit within 7 or 14 days of discharge); working days are US federal business days.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.appointments import AppointmentKind, AppointmentStatus
from caredesk.errors import NotFound, ValidationError
from caredesk.services import appointments as appts
from caredesk.services import stays as stay_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.changes import Kind
from tests.conftest import ZONE
from tests.services.test_calls import _patient

NY = ZoneInfo(ZONE)


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def _appointment_reasons(rows, pid: int) -> list[str]:
    row = next((r for r in rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons if x.text.startswith("Appointment")]


def test_a_pcp_visit_tomorrow_is_a_reminder_call_today(workspace):
    pid = _patient(workspace, "A1")
    queue = CallQueue(workspace)
    queue.build()
    saved = appts.schedule(workspace, pid, at=at(date(2026, 11, 25)), kind="PCP visit", with_whom="Dr. Ana Ruiz")
    assert saved.changes.kinds == {Kind.APPOINTMENT} and saved.value.status is AppointmentStatus.SCHEDULED
    assert _appointment_reasons(queue.refresh(saved.changes.patients), pid) == [
        "Appointment tomorrow (PCP visit 9:30 AM) - reminder call"
    ]
    with workspace.uow() as uow:
        (event,) = [e for e in uow.audit_log.all() if e.entity == "appointment"]
    assert (event.action, event.entity_id, event.detail) == (actions.RECORD_CREATED, str(saved.value.id), "")


def test_a_monday_appointment_is_reminded_on_the_friday_after_thanksgiving(workspace):
    pid = _patient(workspace, "A2")
    appts.schedule(
        workspace, pid, at=at(date(2026, 11, 30), 14, 15), kind=AppointmentKind.SPECIALIST, with_whom="Cardiology"
    )
    assert _appointment_reasons(CallQueue(workspace).build(date(2026, 11, 25)), pid) == []
    assert _appointment_reasons(CallQueue(workspace).build(date(2026, 11, 27)), pid) == [
        "Appointment Mon 11/30 (specialist 2:15 PM) - reminder call"
    ]


def test_after_its_day_it_asks_kept_or_missed_and_leaves_when_recorded(workspace):
    pid = _patient(workspace, "A3")
    booked = appts.schedule(workspace, pid, at=at(date(2026, 11, 20)), kind="lab or test", with_whom="Quest").value
    queue = CallQueue(workspace)
    assert _appointment_reasons(queue.build(), pid) == ["Appointment on 11/20 - kept or missed?"]
    missed = appts.record_outcome(workspace, booked.id, "missed")
    assert missed.value.status is AppointmentStatus.MISSED
    assert _appointment_reasons(queue.refresh(missed.changes.patients), pid) == []
    # Rescheduling a missed one keeps the miss and books a new one.
    again = appts.reschedule(workspace, booked.id, at=at(date(2026, 12, 3), 8, 0)).value
    listed = appts.appointments(workspace, pid)
    assert [(a.id, a.status) for a in listed] == [
        (booked.id, AppointmentStatus.MISSED),
        (again.id, AppointmentStatus.SCHEDULED),
    ]
    assert again.with_whom == "Quest" and again.kind is AppointmentKind.TEST


def test_a_kept_tcm_visit_meets_the_stays_face_to_face_deadline(workspace):
    pid = _patient(workspace, "A4")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 16)).value
    visit = appts.schedule(
        workspace,
        pid,
        at=at(date(2026, 11, 23), 11, 0),
        kind=AppointmentKind.TCM_VISIT,
        with_whom="Dr. Ana Ruiz",
        place="Main St clinic",
        transition_id=stay.id,
    ).value
    queue = CallQueue(workspace)
    before = [x.text for r in queue.build() if r.patient_id == pid for x in r.entry.reasons]
    assert "Discharged 11/16 - face-to-face visit and medication reconciliation due by 11/30" in before
    kept = appts.record_outcome(workspace, visit.id, "kept")
    assert kept.changes.kinds == {Kind.APPOINTMENT, Kind.TRANSITION}
    (view,) = stay_service.stays(workspace, pid)
    assert view.stay.seen_on == date(2026, 11, 23) and view.appointments == (kept.value,)
    after = [x.text for r in queue.refresh([pid]) if r.patient_id == pid for x in r.entry.reasons]
    assert not any("face-to-face" in t for t in after)
    assert "Discharged 11/16 - medication reconciliation overdue since 11/23" in after
    # Recorded kept by mistake: taking it back clears the visit date it set.
    appts.record_outcome(workspace, visit.id, "missed")
    (view,) = stay_service.stays(workspace, pid)
    assert view.stay.seen_on is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"with_whom": "  "}, "with whom"),
        ({"kind": "dentist"}, "appointment type"),
        ({"at": datetime(2026, 11, 25, 9, 30)}, "appointment time"),  # no time zone
        ({"at": at(date(2029, 11, 25))}, "appointment time"),
        ({"at": at(date(2025, 6, 1))}, "appointment time"),
        ({"place": "x" * 201}, "where"),
    ],
)
def test_a_refused_appointment_names_the_field_and_stores_nothing(workspace, kwargs, field):
    pid = _patient(workspace, "A5")
    values = {"at": at(date(2026, 11, 27)), "kind": "PCP visit", "with_whom": "Dr. Ruiz", **kwargs}
    before = workspace.audit_count()
    with pytest.raises(ValidationError) as caught:
        appts.schedule(workspace, pid, **values)
    assert caught.value.field == field
    assert appts.appointments(workspace, pid) == [] and workspace.audit_count() == before


def test_a_tcm_visit_belongs_to_the_patients_own_stay_after_the_discharge(workspace):
    pid, other = _patient(workspace, "A6"), _patient(workspace, "A7")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 20)).value
    kind = AppointmentKind.TCM_VISIT
    with pytest.raises(ValidationError) as caught:
        appts.schedule(workspace, other, at=at(date(2026, 11, 27)), kind=kind, with_whom="Dr. R", transition_id=stay.id)
    assert caught.value.field == "hospital stay"
    with pytest.raises(ValidationError, match="before the discharge") as caught:
        appts.schedule(workspace, pid, at=at(date(2026, 11, 19)), kind=kind, with_whom="Dr. R", transition_id=stay.id)
    assert caught.value.field == "appointment time"
    assert appts.appointments(workspace, pid) == appts.appointments(workspace, other) == []


def test_kept_or_missed_waits_for_the_day_and_a_kept_one_cannot_move(workspace):
    pid = _patient(workspace, "A8")
    booked = appts.schedule(workspace, pid, at=at(date(2026, 11, 27)), kind="PCP visit", with_whom="Dr. R").value
    with pytest.raises(ValidationError, match="11/27/2026") as caught:
        appts.record_outcome(workspace, booked.id, "kept")
    assert caught.value.field == "outcome"
    moved = appts.reschedule(workspace, booked.id, at=at(date(2026, 11, 24), 15, 0)).value
    assert moved.id == booked.id and moved.at == at(date(2026, 11, 24), 15, 0)
    appts.record_outcome(workspace, booked.id, AppointmentStatus.KEPT)
    with pytest.raises(ValidationError, match="was kept"):
        appts.reschedule(workspace, booked.id, at=at(date(2026, 12, 1)))
    with pytest.raises(ValidationError) as caught:
        appts.record_outcome(workspace, booked.id, "scheduled")
    assert caught.value.field == "outcome"
    with pytest.raises(NotFound):
        appts.record_outcome(workspace, 9999, "kept")


def test_cancelled_is_allowed_ahead_and_the_reminder_leaves(workspace):
    pid = _patient(workspace, "A9")
    booked = appts.schedule(workspace, pid, at=at(date(2026, 11, 25)), kind="other", with_whom="Podiatry").value
    queue = CallQueue(workspace)
    assert _appointment_reasons(queue.build(), pid) == ["Appointment tomorrow (9:30 AM) - reminder call"]
    cancelled = appts.record_outcome(workspace, booked.id, "cancelled")
    assert _appointment_reasons(queue.refresh(cancelled.changes.patients), pid) == []
