"""An enrollment that starts after today is upcoming, not current (real store): the queue
asks nothing of it before its start, the month's bill does not count it, and minutes of
days before its start never go to it.

Rule sources: SPEC section 3 (queue reasons for "missing consent" and "no care plan" are for
the programs a patient is in; the month's bill counts minutes by program), CMS MLN909188
(CCM time counts within the calendar month the patient is enrolled and consented).
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Patient, Program
from caredesk.errors import ValidationError
from caredesk.services import billing_report, enrollments
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from tests.conftest import add_patient

NOVEMBER = Month(2026, 11)  # the clock fixture's today is 11/24/2026


def _patient(ws, mrn: str = "U0001") -> int:
    return add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name="Upcoming", birth_date=date(1950, 1, 1))).id


def _reasons(ws, pid: int) -> list[str]:
    row = next((r for r in CallQueue(ws).build() if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons]


def test_the_queue_asks_nothing_of_a_program_before_its_start(workspace):
    pid = _patient(workspace)
    enrollments.enroll(workspace, pid, Program.CCM, date(2026, 12, 15))
    reasons = _reasons(workspace, pid)
    assert not [r for r in reasons if "consent" in r.lower() or "care plan" in r.lower()]
    current = _patient(workspace, "U0002")  # the same program already running: asked for
    enrollments.enroll(workspace, current, Program.CCM, date(2026, 11, 1))
    assert "No consent on file (CCM)" in _reasons(workspace, current)


def test_the_month_before_its_start_does_not_bill_it(workspace):
    pid = _patient(workspace)
    enrollments.enroll(
        workspace, pid, Program.CCM, date(2026, 12, 1), consent_date=date(2026, 11, 20), consent_method="verbal"
    )
    november = {r.patient_id: r for r in billing_report.month_report(workspace, NOVEMBER).rows}
    assert pid not in november
    december = {r.patient_id: r for r in billing_report.month_report(workspace, Month(2026, 12)).rows}
    assert december[pid].programs == (Program.CCM,)


def test_minutes_before_a_start_later_in_the_month_never_go_to_that_program(workspace):
    pid = _patient(workspace)
    enrollments.enroll(workspace, pid, Program.CCM, date(2026, 11, 28))
    audit_before = _audit_count(workspace)
    with pytest.raises(ValidationError) as err:  # no program given: none is running on 11/10
        log_time(workspace, pid, minutes=10, activity="care coordination", on=date(2026, 11, 10))
    assert (err.value.field, err.value.message) == ("program", "the patient is not enrolled in a program on 11/10/2026")
    with pytest.raises(
        ValidationError,
        match=r"^program: the patient is not enrolled in a program on 11/10/2026: "
        r"save the call without minutes, or correct the program's start date$",
    ):
        log_contact(workspace, pid, outcome="reached", minutes=10, on=date(2026, 11, 10), program="CCM")
    assert _audit_count(workspace) == audit_before  # nothing stored
    # A call without minutes is still logged: it counts for no program.
    assert log_contact(workspace, pid, outcome="reached", minutes=0, on=date(2026, 11, 10)).time_entry is None


def test_minutes_default_to_the_program_running_that_day(workspace):
    pid = _patient(workspace)
    pcm = enrollments.enroll(workspace, pid, Program.PCM, date(2026, 10, 1)).value
    enrollments.end_enrollment(workspace, pcm.id, date(2026, 11, 14))
    enrollments.enroll(workspace, pid, Program.CCM, date(2026, 11, 15))
    early = log_time(workspace, pid, minutes=10, activity="care coordination", on=date(2026, 11, 10)).value
    late = log_time(workspace, pid, minutes=10, activity="care coordination", on=date(2026, 11, 20)).value
    # By month alone both would go to CCM (complex CCM > CCM > PCM): PCM ran on the 10th.
    assert (early.program, late.program) == (Program.PCM, Program.CCM)


def _audit_count(ws) -> int:
    with ws.uow() as uow:
        return uow.audit_log.count()
