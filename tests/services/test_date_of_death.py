"""The date of death on a real store: it is refused while contacts or minutes are dated after
it; recording it ends the open programs on that day; nothing new is dated after it (minutes,
readings, appointments, stays, tasks); a call before it is still back-filled; the queue drops
the patient. Every refusal names the field and stores nothing.

Rule sources: SPEC section 2 (patient status: active / paused / disenrolled / deceased) and
section 3 ("paused, disenrolled and deceased patients never appear" in the queue); issue 9
item 1 (a call made before the date of death can still be back-filled).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import Patient, Program, Status
from caredesk.errors import ValidationError
from caredesk.services import appointments, enrollments, observations, patient_records, stays, tasks
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from caredesk.services.changes import Kind
from tests.conftest import ZONE, add_patient

NY = ZoneInfo(ZONE)
DIED = date(2026, 11, 10)  # the clock fixture's today is 11/24/2026


def _patient(ws, mrn: str = "D0001") -> int:
    pid = add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name="Death", birth_date=date(1940, 3, 3))).id
    enrollments.enroll(ws, pid, Program.CCM, date(2026, 1, 1))
    return pid


def _deceased(ws, mrn: str = "D0001") -> int:
    pid = _patient(ws, mrn)
    patient_records.set_status(ws, pid, Status.DECEASED, died_on=DIED)
    return pid


def _stored(ws, pid: int) -> Patient:
    with ws.uow() as uow:
        return uow.patients.get(pid)


def _counts(ws, pid: int) -> dict[str, int]:
    with ws.uow() as uow:
        return {
            "contacts": len(uow.contacts.for_patient(pid)),
            "time entries": len(uow.time_entries.for_patient(pid)),
            "readings": len(uow.observations.for_patient(pid)),
            "appointments": len(uow.appointments.for_patient(pid)),
            "stays": len(uow.transitions.for_patient(pid)),
            "tasks": len(uow.tasks.for_patient(pid)),
            "audit": uow.audit_log.count(),
        }


# -- (a) a date of death before what is already logged --------------------------------
def test_a_date_of_death_before_logged_contacts_and_minutes_is_refused_saying_how_many_and_from_when(workspace):
    pid = _patient(workspace)
    log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 12))
    log_contact(workspace, pid, outcome="voicemail", minutes=0, on=date(2026, 11, 16))
    log_time(workspace, pid, minutes=20, activity="care coordination", on=date(2026, 11, 18))
    before = _counts(workspace, pid)
    with pytest.raises(ValidationError) as err:
        patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert err.value.field == "date of death"
    assert err.value.message == (
        "is before 2 contacts and 32 minutes already logged (the first on 11/12/2026): "
        "correct their date or void them in Contacts first"
    )
    stored = _stored(workspace, pid)
    assert (stored.status, stored.died_on) == (Status.ACTIVE, None)
    assert patient_records.record(workspace, pid).enrollments[0].end_date is None
    assert _counts(workspace, pid) == before  # nothing written, nothing audited
    # On the day of the last entry it is accepted: nothing is dated after it.
    saved = patient_records.set_status(workspace, pid, Status.DECEASED, died_on=date(2026, 11, 18))
    assert saved.value.died_on == date(2026, 11, 18)


def test_minutes_alone_after_the_date_are_counted_in_minutes(workspace):
    pid = _patient(workspace)
    log_time(workspace, pid, minutes=1, activity="care coordination", on=date(2026, 11, 20))
    with pytest.raises(
        ValidationError, match=r"^date of death: is before 1 minute already logged \(the first on 11/20/2026\)"
    ):
        patient_records.edit_patient(workspace, pid, status="deceased", died_on=DIED)


# -- (b) the open programs end on the date of death ----------------------------------------
def test_recording_the_death_ends_every_open_program_on_that_day_in_one_audited_write(workspace):
    pid = _patient(workspace)
    pcm = enrollments.enroll(workspace, pid, Program.BHI, date(2026, 2, 1)).value
    enrollments.end_enrollment(workspace, pcm.id, date(2026, 6, 30))  # ended long before: left alone
    rpm = enrollments.enroll(workspace, pid, Program.RPM, date(2026, 3, 1)).value
    enrollments.end_enrollment(workspace, rpm.id, date(2026, 12, 31))  # planned to end after the death
    saved = patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert saved.changes.kinds == {Kind.PATIENT, Kind.ENROLLMENT}
    ends = {e.program: e.end_date for e in patient_records.record(workspace, pid).enrollments}
    assert ends == {Program.CCM: DIED, Program.BHI: date(2026, 6, 30), Program.RPM: DIED}
    with workspace.uow() as uow:
        changed = [(e.entity, e.detail) for e in uow.audit_log.all() if e.action == actions.RECORD_CHANGED]
    assert changed[-3:] == [
        ("enrollment", "end date (date of death)"),
        ("enrollment", "end date (date of death)"),
        ("patient", "status; date of death"),
    ]
    # Minutes on the day of death still count in CCM; none after it.
    assert log_time(workspace, pid, minutes=5, activity="care coordination", on=DIED, program="CCM").value.minutes == 5


def test_a_corrected_date_of_death_moves_the_end_and_leaving_deceased_reopens_the_programs(workspace):
    pid = _deceased(workspace)
    patient_records.edit_patient(workspace, pid, died_on=date(2026, 11, 12))
    assert patient_records.record(workspace, pid).enrollments[0].end_date == date(2026, 11, 12)
    back = patient_records.set_status(workspace, pid, Status.ACTIVE)  # recorded on the wrong patient
    assert Kind.ENROLLMENT in back.changes.kinds
    assert patient_records.record(workspace, pid).enrollments[0].end_date is None


def test_a_date_of_death_before_a_program_starts_is_refused_naming_it(workspace):
    pid = _patient(workspace)
    enrollments.enroll(workspace, pid, Program.PCM, date(2026, 11, 20))
    with pytest.raises(ValidationError) as err:
        patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert err.value.field == "date of death"
    assert err.value.message == (
        "is before the start of the PCM enrollment (11/20/2026): remove or change that enrollment first"
    )
    assert _stored(workspace, pid).status is Status.ACTIVE
    assert all(e.end_date is None for e in patient_records.record(workspace, pid).enrollments)


# -- (c) nothing new after the date of death ---------------------------------------------
AFTER = date(2026, 11, 11)


@pytest.mark.parametrize(
    ("enter", "field"),
    [
        (lambda ws, pid: log_time(ws, pid, minutes=10, activity="care coordination", on=AFTER), "date"),
        (lambda ws, pid: log_contact(ws, pid, outcome="reached", minutes=10, on=AFTER), "date"),
        (lambda ws, pid: observations.add_reading(ws, pid, kind="A1c", value=7.1, observed_on=AFTER), "date"),
        (
            lambda ws, pid: observations.add_blood_pressure(ws, pid, systolic=140, diastolic=90, observed_on=AFTER),
            "date",
        ),
        (
            lambda ws, pid: appointments.schedule(
                ws, pid, at=datetime.combine(AFTER, time(9, 30), tzinfo=NY), kind="PCP visit", with_whom="Dr. Ruiz"
            ),
            "appointment time",
        ),
        (
            lambda ws, pid: appointments.schedule(
                ws, pid, at=datetime(2026, 12, 1, 9, 30, tzinfo=NY), kind="PCP visit", with_whom="Dr. Ruiz"
            ),
            "appointment time",
        ),
        (lambda ws, pid: stays.add_stay(ws, pid, facility="General", discharged_on=AFTER), "discharge date"),
        (
            lambda ws, pid: stays.add_stay(
                ws, pid, facility="General", admitted_on=AFTER, discharged_on=date(2026, 11, 12)
            ),
            "admission date",
        ),
        (lambda ws, pid: tasks.add_task(ws, pid, "Send the care plan", date(2026, 11, 30)), "task"),
        (lambda ws, pid: tasks.add_task(ws, pid, "Send the care plan"), "task"),
    ],
)
def test_nothing_new_is_dated_after_the_date_of_death(workspace, enter, field):
    pid = _deceased(workspace)
    before = _counts(workspace, pid)
    with pytest.raises(ValidationError) as err:
        enter(workspace, pid)
    assert err.value.field == field
    assert "date of death" in err.value.message or "deceased" in err.value.message
    assert _counts(workspace, pid) == before


def test_a_call_reading_stay_and_appointment_before_the_death_are_still_back_filled(workspace):
    pid = _deceased(workspace)
    before = date(2026, 11, 9)
    assert log_contact(workspace, pid, outcome="reached", minutes=12, on=before, program="CCM").time_entry.minutes == 12
    assert (
        observations.add_reading(workspace, pid, kind="A1c", value=8.4, observed_on=before).value.observed_on == before
    )
    stay = stays.add_stay(workspace, pid, facility="General", admitted_on=date(2026, 11, 3), discharged_on=DIED).value
    assert stay.discharged_on == DIED  # died in hospital: discharged on the day of death
    kept = appointments.schedule(
        workspace, pid, at=datetime.combine(before, time(10, 0), tzinfo=NY), kind="PCP visit", with_whom="Dr. Ruiz"
    )
    assert kept.value.id is not None
    with pytest.raises(ValidationError) as err:  # but its steps are never after the death
        stays.record_visit(workspace, stay.id, on=AFTER)
    assert err.value.field == "face-to-face visit date"
    assert stays.stays(workspace, pid)[0].stay.seen_on is None


def test_a_stay_before_the_date_of_birth_is_refused(workspace):
    pid = _patient(workspace)
    with pytest.raises(ValidationError) as err:
        stays.add_stay(
            workspace, pid, facility="General", admitted_on=date(1939, 12, 30), discharged_on=date(2026, 1, 2)
        )
    assert (err.value.field, err.value.message) == ("admission date", "cannot be before the date of birth")
    assert stays.stays(workspace, pid) == []


def test_a_deceased_patients_open_tasks_are_cancelled_and_can_still_be_marked_done(workspace):
    pid = _patient(workspace)
    task = tasks.add_task(workspace, pid, "Return the glucometer", date(2026, 11, 30)).value
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert tasks.tasks(workspace, pid, include_done=True)[0].status.value == "cancelled"
    tasks.reopen_task(workspace, task.id)  # it was done after all
    done = tasks.complete_task(workspace, task.id).value
    assert done.status.value == "done"


# -- (d) the queue ------------------------------------------------------------------------
def test_the_queue_never_proposes_a_deceased_patient(workspace):
    pid = _patient(workspace)  # CCM without consent: a queue reason
    queue = CallQueue(workspace)
    assert pid in {r.patient_id for r in queue.build()}
    saved = patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    assert pid not in {r.patient_id for r in queue.refresh(saved.changes.patients)}
    assert pid not in {r.patient_id for r in CallQueue(workspace).build()}


def test_a_stay_corrected_to_after_the_death_is_refused(workspace):
    pid = _patient(workspace)
    stay = stays.add_stay(workspace, pid, facility="General", discharged_on=date(2026, 11, 5)).value
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=DIED)
    with pytest.raises(ValidationError) as err:
        stays.change_stay(workspace, stay.id, discharged_on=AFTER)
    assert (err.value.field, err.value.message) == ("discharge date", "cannot be after the date of death (11/10/2026)")
    assert stays.stays(workspace, pid)[0].stay.discharged_on == date(2026, 11, 5)
