"""Which minutes a month's report counts, over a real store (SPEC 3, issue 12): the
clinic-local day a minute was spent in, and none before the consent date."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Condition, Enrollment, Patient, Program
from caredesk.services import billing_report
from caredesk.services.calls import log_contact, log_time
from tests.conftest import ZONE, add_patient

OCT, NOV = Month(2026, 10), Month(2026, 11)


def _patient(ws, mrn: str, consent: date, program: Program = Program.CCM) -> int:
    enrollment = Enrollment(
        patient_id=0, program=program, start_date=date(2026, 1, 5), consent_date=consent, consent_method="verbal"
    )
    p = add_patient(
        ws, Patient(mrn=mrn, given_name="Test", family_name=f"P{mrn}", birth_date=date(1950, 1, 1)), enrollment
    )
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _row(ws, month: Month, pid: int) -> billing_report.MonthRow:
    return next(r for r in billing_report.month_report(ws, month).rows if r.patient_id == pid)


def test_a_timed_call_across_midnight_counts_ten_minutes_in_each_month(workspace):
    pid = _patient(workspace, "M1", date(2026, 1, 5))
    start = datetime(2026, 10, 31, 23, 50, tzinfo=ZoneInfo(ZONE))
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 1), started_at=start)
    log_time(workspace, pid, minutes=10, activity="care plan", on=date(2026, 10, 20))
    october, november = _row(workspace, OCT, pid), _row(workspace, NOV, pid)
    assert (october.clinical_minutes, october.result.codes_text()) == (20, "99490")
    assert (november.clinical_minutes, november.result.reasons) == (10, ("10 of 20 min for 99490",))
    # A refreshed row reads the same days.
    again = billing_report.refresh_rows(workspace, billing_report.month_report(workspace, NOV), {pid})
    assert next(r for r in again.rows if r.patient_id == pid).clinical_minutes == 10


def test_minutes_before_a_consent_later_in_the_month_bill_nothing_and_the_csv_says_why(workspace):
    pid = _patient(workspace, "M2", date(2026, 11, 20))
    log_time(workspace, pid, minutes=45, activity="care plan", on=date(2026, 11, 3))
    row = _row(workspace, NOV, pid)
    assert row.result.codes == ()
    assert "consent dated 11/20: 45 min before it do not count" in row.result.reasons
    csv_text = billing_report.csv_text(billing_report.month_report(workspace, NOV))
    assert "consent dated 11/20: 45 min before it do not count" in csv_text
    log_time(workspace, pid, minutes=20, activity="care plan", on=date(2026, 11, 21))
    assert _row(workspace, NOV, pid).result.codes_text() == "99490"


def test_physician_time_reaches_99490_in_the_report(workspace):
    pid = _patient(workspace, "M3", date(2026, 1, 5))
    log_time(workspace, pid, minutes=15, activity="care plan", on=date(2026, 11, 3))
    log_time(
        workspace, pid, minutes=10, activity="medication review", on=date(2026, 11, 4), staff_type=StaffType.PHYSICIAN
    )
    row = _row(workspace, NOV, pid)
    assert (row.clinical_minutes, row.physician_minutes, row.result.codes_text()) == (15, 10, "99490")


def test_rpm_minutes_bill_only_after_a_real_time_contact_in_the_month(workspace):
    pid = _patient(workspace, "M4", date(2026, 1, 5), Program.RPM)
    log_time(workspace, pid, minutes=25, activity="care coordination", on=date(2026, 11, 3))
    assert _row(workspace, NOV, pid).result.reasons == (
        "no real-time interactive contact this month (99457 needs one)",
    )
    log_contact(workspace, pid, outcome="reached", minutes=0, channel="portal", on=date(2026, 11, 4))
    assert _row(workspace, NOV, pid).result.codes == ()  # a portal message is not real-time
    log_contact(workspace, pid, outcome="reached", minutes=0, channel="phone", on=date(2026, 11, 5))
    assert _row(workspace, NOV, pid).result.codes_text() == "99457"


def test_a_tcm_only_patient_bills_99495_in_the_month_the_period_ends(workspace):
    from caredesk.services import stays

    pid = _patient(workspace, "M5", date(2026, 1, 5), Program.TCM)
    stay = stays.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 10, 12)).value
    # Two unanswered timely attempts stand for the contact (MLN908628).
    log_contact(workspace, pid, outcome="no answer", minutes=0, on=date(2026, 10, 12))
    log_contact(workspace, pid, outcome="voicemail", minutes=0, on=date(2026, 10, 14))
    stays.record_visit(workspace, stay.id, on=date(2026, 10, 20))
    stays.record_reconciliation(workspace, stay.id, on=date(2026, 10, 20))
    assert _row(workspace, OCT, pid).result.reasons == (
        "TCM for the 10/12 discharge bills when its 30-day period ends (11/10)",
    )
    assert _row(workspace, NOV, pid).result.codes_text() == "99495"
