"""'Needs minutes' means minutes are all a patient is missing this month, over a real store.

A tester found a CCM patient with consent but no chronic conditions under This month's
"Needs minutes" ("no chronic conditions (CCM needs 2)"), though more minutes would bill
nothing: README says too few conditions is "Cannot bill". The queue's own "Needs minutes"
(its minutes reasons) never chased her; the two counts now agree for the same day. The
tests' today is 11/24/2026.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Condition, Patient
from caredesk.domain.queue import ReasonKind
from caredesk.services import billing_report, enrollments
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_time
from tests.conftest import add_patient

NOVEMBER = Month(2026, 11)


def _ccm(ws, mrn: str, conditions: tuple[str, ...], consent: date | None = date(2026, 10, 1)) -> int:
    pid = add_patient(ws, Patient(mrn=mrn, given_name="Ann", family_name=f"Fam{mrn}", birth_date=date(1950, 1, 1))).id
    if consent is None:
        enrollments.enroll(ws, pid, "CCM", date(2026, 10, 1))
    else:
        enrollments.enroll(ws, pid, "CCM", date(2026, 10, 1), consent_date=consent, consent_method="verbal")
    with ws.uow() as uow:
        for code in conditions:
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    return pid


def test_too_few_conditions_is_cannot_bill_not_needs_minutes(workspace):
    none = _ccm(workspace, "C0", ())
    one = _ccm(workspace, "C1", ("E11.9",))
    short = _ccm(workspace, "C2", ("E11.9", "I10"))
    for pid in (none, one, short):
        log_time(workspace, pid, minutes=7, activity="care coordination", on=date(2026, 11, 20), program="CCM")
    rows = {r.patient_id: r for r in billing_report.month_report(workspace, NOVEMBER).rows}
    assert rows[none].result.reasons == ("no chronic conditions (CCM needs 2)",)
    assert rows[one].result.reasons == ("only 1 chronic condition (CCM needs 2)",)
    for pid in (none, one):
        assert (rows[pid].needs_minutes, rows[pid].cannot_bill) == (False, True)
    # Two conditions, consented, 7 of 20 minutes: minutes are all it needs.
    assert (rows[short].needs_minutes, rows[short].cannot_bill) == (True, False)


def test_the_queue_and_the_month_count_the_same_patients_as_needing_minutes(workspace):
    _ccm(workspace, "Q0", ())  # consented, no conditions: neither chases minutes
    _ccm(workspace, "Q1", ("E11.9", "I10"), consent=None)  # no consent: neither
    short = _ccm(workspace, "Q2", ("E11.9", "I10"))
    done = _ccm(workspace, "Q3", ("E11.9", "I10"))
    log_time(workspace, done, minutes=25, activity="care coordination", on=date(2026, 11, 20), program="CCM")
    month = {r.patient_id for r in billing_report.month_report(workspace, NOVEMBER).rows if r.needs_minutes}
    queue = CallQueue(workspace)
    chased = {row.patient_id for row in queue.build() if any(r.kind is ReasonKind.MINUTES for r in row.entry.reasons)}
    assert month == chased == {short}


def test_a_paused_patient_short_of_minutes_is_in_the_months_count_not_the_queues(workspace):
    """One of the differences README names between the two counts: the queue lists active patients only (a paused one is not called), the month bills
    every enrolled one."""
    from caredesk.domain.patients import Status
    from caredesk.services import patient_records

    paused = _ccm(workspace, "P1", ("E11.9", "I10"))
    patient_records.set_status(workspace, paused, Status.PAUSED)
    month = {r.patient_id for r in billing_report.month_report(workspace, NOVEMBER).rows if r.needs_minutes}
    assert month == {paused}
    assert CallQueue(workspace).build() == []
