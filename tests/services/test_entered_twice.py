"""The same record entered twice is refused on a real store, naming the field, and nothing is
stored: a reading (same measure, day and value), an open task (same title ignoring case and
spaces, same due date), an appointment (same date and time). Different records that look
alike are kept: a second blood pressure the same day, the same task due another day, an
appointment at the time of a cancelled one.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain.patients import Patient
from caredesk.errors import ValidationError
from caredesk.services import appointments, observations, tasks
from tests.conftest import ZONE, add_patient

NY = ZoneInfo(ZONE)
DAY = date(2026, 11, 20)  # the clock fixture's today is 11/24/2026


def _patient(ws, mrn: str = "T0001") -> int:
    return add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name="Twice", birth_date=date(1950, 1, 1))).id


def _observations(ws, pid: int) -> list[tuple[str, float, date]]:
    with ws.uow() as uow:
        return sorted((o.kind.value, o.value, o.observed_on) for o in uow.observations.for_patient(pid))


def test_the_same_reading_the_same_day_is_refused_naming_the_measure(workspace):
    pid = _patient(workspace)
    observations.add_reading(workspace, pid, kind="A1c", value=7.2, observed_on=DAY)
    before = _observations(workspace, pid)
    with pytest.raises(ValidationError) as err:
        observations.add_reading(workspace, pid, kind="a1c", value="7.20", observed_on=DAY)
    assert (err.value.field, err.value.message) == ("A1c", "is already recorded with this value on 11/20/2026")
    assert _observations(workspace, pid) == before
    # Another value that day, or the same value another day, is another reading.
    observations.add_reading(workspace, pid, kind="A1c", value=7.3, observed_on=DAY)
    observations.add_reading(workspace, pid, kind="A1c", value=7.2, observed_on=date(2026, 11, 21))
    assert len(_observations(workspace, pid)) == 3


def test_the_same_blood_pressure_the_same_day_is_refused_but_an_evening_one_is_kept(workspace):
    pid = _patient(workspace)
    observations.add_blood_pressure(workspace, pid, systolic=142, diastolic=88, observed_on=DAY)
    observations.add_blood_pressure(workspace, pid, systolic=138, diastolic=84, observed_on=DAY)  # the evening one
    before = _observations(workspace, pid)
    with pytest.raises(ValidationError) as err:
        observations.add_blood_pressure(workspace, pid, systolic="142", diastolic="88", observed_on=DAY)
    assert (err.value.field, err.value.message) == (
        "blood pressure",
        "is already recorded with this value on 11/20/2026",
    )
    assert _observations(workspace, pid) == before
    # 142/90 shares its systolic only: a different reading.
    observations.add_blood_pressure(workspace, pid, systolic=142, diastolic=90, observed_on=DAY)
    assert len(_observations(workspace, pid)) == 6


def test_a_reading_corrected_into_its_twin_is_refused(workspace):
    pid = _patient(workspace)
    observations.add_reading(workspace, pid, kind="weight", value=182, observed_on=DAY)
    slip = observations.add_reading(workspace, pid, kind="weight", value=218, observed_on=date(2026, 11, 21)).value
    before = _observations(workspace, pid)
    with pytest.raises(ValidationError, match=r"^weight: is already recorded with this value on 11/20/2026$"):
        observations.correct_reading(workspace, pid, slip.id, value=182, observed_on=DAY)
    assert _observations(workspace, pid) == before


def _tasks(ws, pid: int) -> list[tuple[str, date | None, str]]:
    return [(t.title, t.due, t.status.value) for t in tasks.tasks(ws, pid, include_done=True)]


def test_the_same_open_task_is_refused_ignoring_case_and_spaces(workspace):
    pid = _patient(workspace)
    tasks.add_task(workspace, pid, "Call the pharmacy", date(2026, 11, 30))
    tasks.add_task(workspace, pid, "Send the care plan")
    before = _tasks(workspace, pid)
    with pytest.raises(ValidationError) as err:
        tasks.add_task(workspace, pid, "  call   THE pharmacy ", date(2026, 11, 30))
    assert (err.value.field, err.value.message) == ("task", "is already open for this patient, due 11/30/2026")
    with pytest.raises(ValidationError, match=r"^task: is already open for this patient, without a due date$"):
        tasks.add_task(workspace, pid, "send the care plan")
    assert _tasks(workspace, pid) == before
    # Another due date, another patient, or once the first is done: a new task.
    tasks.add_task(workspace, pid, "Call the pharmacy", date(2026, 12, 7))
    other = _patient(workspace, "T0002")
    tasks.add_task(workspace, other, "Call the pharmacy", date(2026, 11, 30))
    first = next(t for t in tasks.tasks(workspace, pid) if t.due == date(2026, 11, 30))
    tasks.complete_task(workspace, first.id)
    tasks.add_task(workspace, pid, "Call the pharmacy", date(2026, 11, 30))
    with pytest.raises(ValidationError, match=r"^task: is already open for this patient, due 11/30/2026$"):
        tasks.reopen_task(workspace, first.id)  # two open twins again


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def _appointments(ws, pid: int) -> list[tuple[datetime, str]]:
    return [(a.at, a.status.value) for a in appointments.appointments(ws, pid)]


def test_the_same_appointment_time_is_refused_naming_the_time(workspace):
    pid = _patient(workspace)
    first = appointments.schedule(workspace, pid, at=at(date(2026, 12, 2)), kind="PCP visit", with_whom="Dr. Ruiz")
    later = appointments.schedule(
        workspace, pid, at=at(date(2026, 12, 2), 14), kind="specialist", with_whom="Dr. Osei"
    ).value
    before = _appointments(workspace, pid)
    with pytest.raises(ValidationError) as err:
        appointments.schedule(workspace, pid, at=at(date(2026, 12, 2)), kind="specialist", with_whom="Dr. Osei")
    assert (err.value.field, err.value.message) == (
        "appointment time",
        "is taken: the patient already has an appointment at 9:30 AM on 12/02/2026",
    )
    with pytest.raises(
        ValidationError, match=r"^appointment time: is taken: the patient already has an appointment at 9:30 AM"
    ):
        appointments.reschedule(workspace, later.id, at=at(date(2026, 12, 2)))
    assert _appointments(workspace, pid) == before
    # Once the first is cancelled, its time is free again.
    appointments.record_outcome(workspace, first.value.id, "cancelled")
    appointments.schedule(workspace, pid, at=at(date(2026, 12, 2)), kind="specialist", with_whom="Dr. Osei")
    assert len(_appointments(workspace, pid)) == 3
