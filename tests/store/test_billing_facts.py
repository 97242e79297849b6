"""Month totals of logged minutes as the store reads them for billing (SPEC section 3:
a minute belongs to the clinic-local day it was spent on, so to that day's month)."""

from __future__ import annotations

from datetime import date

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Activity, StaffType, TimeEntry
from caredesk.domain.patients import Enrollment, Patient, Program
from tests.conftest import add_patient


def _entry(pid, on, minutes, program=Program.CCM, staff=StaffType.CLINICAL_STAFF):
    return TimeEntry(patient_id=pid, on=on, minutes=minutes, activity=Activity.CALL, staff_type=staff, program=program)


def _patient_with_minutes(ws, entries):
    enrollment = Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 1))
    pid = add_patient(
        ws, Patient(mrn="M1", given_name="Ann", family_name="Lee", birth_date=date(1950, 5, 1)), enrollment
    ).id
    with ws.uow() as uow:
        for on, minutes, *rest in entries:
            uow.time_entries.add(_entry(pid, on, minutes, *rest))
        uow.commit()
    return pid


def test_minutes_count_in_the_month_of_their_date_by_program_and_staff_type(workspace):
    # The entry made at 23:59 on Nov 30 carries on=Nov 30; the one at 00:00 Dec 1 carries Dec 1.
    pid = _patient_with_minutes(
        workspace,
        [
            (date(2026, 11, 30), 12),
            (date(2026, 12, 1), 7),
            (date(2026, 11, 1), 5),
            (date(2026, 10, 31), 9),
            (date(2026, 11, 15), 30, Program.CCM, StaffType.PHYSICIAN),
            (date(2026, 11, 15), 4, Program.BHI),
        ],
    )
    with workspace.uow() as uow:
        november = {f.patient_id: f.minutes for f in uow.billing_facts(Month(2026, 11))}
        december = {f.patient_id: f.minutes for f in uow.billing_facts(Month(2026, 12))}
    assert november[pid] == {
        (Program.CCM, StaffType.CLINICAL_STAFF): 17,
        (Program.CCM, StaffType.PHYSICIAN): 30,
        (Program.BHI, StaffType.CLINICAL_STAFF): 4,
    }
    assert december[pid] == {(Program.CCM, StaffType.CLINICAL_STAFF): 7}


def test_an_enrolled_patient_with_no_minutes_in_the_month_has_none(workspace):
    pid = _patient_with_minutes(workspace, [(date(2026, 10, 31), 9)])
    with workspace.uow() as uow:
        november = {f.patient_id: f.minutes for f in uow.billing_facts(Month(2026, 11))}
    assert november[pid] == {}
