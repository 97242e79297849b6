"""Minutes that count for nothing are told apart from those that count, over a real store.

SPEC 3 (CMS MLN909188): minutes on a day after their program ended, or before the consent
date, count for nothing. A tester ended CCM the day before a 14-minute call: the month view, the
report and the CSV still showed the 14 minutes as the patient's, and the patient was counted
under "Needs minutes" though no minute could be added. The tests' today is 11/24/2026.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Condition, Patient, Status
from caredesk.services import billing_report, enrollments, patient_records
from caredesk.services.calls import log_time
from tests.conftest import add_patient

NOVEMBER = Month(2026, 11)


def _ccm_patient(ws, mrn: str, consent: date = date(2026, 10, 1)) -> tuple[int, int]:
    """A CCM patient from 10/01 with two chronic conditions (99490 can bill once 20 min count)."""
    pid = add_patient(ws, Patient(mrn=mrn, given_name="Ann", family_name=f"Fam{mrn}", birth_date=date(1950, 1, 1))).id
    e = enrollments.enroll(ws, pid, "CCM", date(2026, 10, 1), consent_date=consent, consent_method="verbal").value
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    return pid, e.id


def _minutes(ws, pid: int, minutes: int, on: date) -> None:
    log_time(ws, pid, minutes=minutes, activity="care coordination", on=on, program="CCM")


def _row(report, pid: int):
    (row,) = [r for r in report.rows if r.patient_id == pid]
    return row


def test_minutes_after_an_end_in_the_month_are_not_counted_and_not_chased(workspace):
    ended, e = _ccm_patient(workspace, "N1")
    _minutes(workspace, ended, 14, date(2026, 11, 20))
    enrollments.end_enrollment(workspace, e, date(2026, 11, 19))  # the day before the call
    still, _e = _ccm_patient(workspace, "N2")
    _minutes(workspace, still, 12, date(2026, 11, 20))

    report = billing_report.month_report(workspace, NOVEMBER)
    row = _row(report, ended)
    assert (row.clinical_minutes, row.total_minutes, row.not_counted) == (0, 0, 14)
    assert row.not_counted_why == ("14 min after CCM ended 11/19 count for nothing",)
    assert row.minutes_by_program == {}
    # Ended before today: no minute can be added, so the month does not chase it.
    assert not row.needs_minutes and row.cannot_bill and not row.ready
    assert row.result.reasons == ("0 of 20 min for 99490", "14 min after CCM ended 11/19 count for nothing")
    assert row.minutes_text() == "0 min (+14 min that count for nothing)"
    # The patient still in CCM with 12 of 20 minutes is chased, as before.
    other = _row(report, still)
    assert (other.total_minutes, other.not_counted, other.needs_minutes, other.cannot_bill) == (12, 0, True, False)
    assert report.total_minutes == 12 and report.not_counted == 14
    assert report.minutes_text() == "12 minutes counted, 14 more logged that count for nothing"
    # The same row recomputed after a change (what the month page does).
    refreshed = billing_report.refresh_rows(workspace, report, [ended])
    assert _row(refreshed, ended) == row
    assert billing_report.patient_row(workspace, ended, NOVEMBER) == row


def test_a_program_ending_later_this_month_is_still_chased(workspace):
    pid, e = _ccm_patient(workspace, "N3")
    _minutes(workspace, pid, 12, date(2026, 11, 20))
    enrollments.end_enrollment(workspace, e, date(2026, 11, 28))  # after today, 11/24
    row = _row(billing_report.month_report(workspace, NOVEMBER), pid)
    assert row.needs_minutes and (row.total_minutes, row.not_counted) == (12, 0)


def test_minutes_before_consent_are_shown_apart_with_why(workspace):
    pid, e = _ccm_patient(workspace, "N4", consent=date(2026, 10, 1))
    _minutes(workspace, pid, 8, date(2026, 11, 5))
    _minutes(workspace, pid, 5, date(2026, 11, 12))
    enrollments.change_enrollment(workspace, e, consent_date=date(2026, 11, 10))  # consent corrected
    row = _row(billing_report.month_report(workspace, NOVEMBER), pid)
    assert (row.clinical_minutes, row.not_counted) == (5, 8)
    assert row.not_counted_why == ("consent dated 11/10: 8 min before it do not count",)
    assert "consent dated 11/10: 8 min before it do not count" in row.result.reasons  # the same words


def test_the_csv_has_the_counted_minutes_and_those_that_count_for_nothing(workspace):
    pid, e = _ccm_patient(workspace, "N5")
    _minutes(workspace, pid, 14, date(2026, 11, 20))
    enrollments.end_enrollment(workspace, e, date(2026, 11, 19))
    report = billing_report.month_report(workspace, NOVEMBER)
    (line,) = list(csv.DictReader(io.StringIO(billing_report.csv_text(report))))
    assert (line["clinical_staff_minutes"], line["physician_minutes"], line["minutes_not_counted"]) == ("0", "0", "14")
    assert line["reasons"].endswith("14 min after CCM ended 11/19 count for nothing")


def test_a_month_gone_by_does_not_chase_a_program_ended_in_it(workspace):
    pid, e = _ccm_patient(workspace, "N6")
    _minutes(workspace, pid, 5, date(2026, 10, 10))
    enrollments.end_enrollment(workspace, e, date(2026, 10, 15))
    row = _row(billing_report.month_report(workspace, Month(2026, 10)), pid)
    assert (row.total_minutes, row.not_counted, row.needs_minutes) == (5, 0, False)


def test_a_program_ended_without_minutes_after_it_says_so(workspace):
    """Short of minutes, its program ended before today: under Cannot bill, and the reason says
    why minutes would not help ("9 of 20 min for 99490" alone did not)."""
    pid, e = _ccm_patient(workspace, "N7")
    _minutes(workspace, pid, 9, date(2026, 11, 18))
    enrollments.end_enrollment(workspace, e, date(2026, 11, 19))
    row = _row(billing_report.month_report(workspace, NOVEMBER), pid)
    assert (row.total_minutes, row.not_counted, row.needs_minutes, row.cannot_bill) == (9, 0, False, True)
    assert row.result.reasons == ("9 of 20 min for 99490", "CCM ended 11/19: minutes after it count for nothing")


def test_a_deceased_patient_short_of_minutes_says_the_death(workspace):
    """A deceased patient is never chased for minutes (under Cannot bill): the month's reason
    names the death, whether it ended the program before today ('CCM ended 11/19' did not say
    why) or today (nothing but '12 of 20 min for 99490' was said). The month view, the CSV and
    the PDF all read the row's reasons."""
    before, _e = _ccm_patient(workspace, "D1")
    _minutes(workspace, before, 12, date(2026, 11, 18))
    patient_records.set_status(workspace, before, "deceased", died_on=date(2026, 11, 19))
    today, _e = _ccm_patient(workspace, "D2")
    _minutes(workspace, today, 12, date(2026, 11, 20))
    patient_records.set_status(workspace, today, "deceased", died_on=date(2026, 11, 24))  # the tests' today

    report = billing_report.month_report(workspace, NOVEMBER)
    for pid, died in ((before, "11/19"), (today, "11/24")):
        row = _row(report, pid)
        assert (row.total_minutes, row.needs_minutes, row.cannot_bill) == (12, False, True)
        assert row.result.reasons == ("12 of 20 min for 99490", f"died {died}: minutes after it count for nothing")
    csv_reasons = {r["mrn"]: r["reasons"] for r in csv.DictReader(io.StringIO(billing_report.csv_text(report)))}
    assert csv_reasons["D1"] == "12 of 20 min for 99490; died 11/19: minutes after it count for nothing"


def test_a_death_after_the_program_ended_leaves_the_end_as_the_reason(workspace):
    """CCM ended 11/10 and the patient died 11/19: November's minutes stopped counting at the
    end, which the reason names (the death came later); October, a month before the death
    (chased no more all the same), names the death."""
    pid, e = _ccm_patient(workspace, "D3")
    _minutes(workspace, pid, 5, date(2026, 10, 20))
    _minutes(workspace, pid, 9, date(2026, 11, 5))
    enrollments.end_enrollment(workspace, e, date(2026, 11, 10))
    patient_records.set_status(workspace, pid, "deceased", died_on=date(2026, 11, 19))
    november = _row(billing_report.month_report(workspace, NOVEMBER), pid)
    assert november.result.reasons == ("9 of 20 min for 99490", "CCM ended 11/10: minutes after it count for nothing")
    october = _row(billing_report.month_report(workspace, Month(2026, 10)), pid)
    assert october.cannot_bill
    assert october.result.reasons == ("5 of 20 min for 99490", "died 11/19: minutes after it count for nothing")


def test_a_patient_recorded_deceased_without_a_date_says_so(workspace):
    """Stores from before dates of death were kept hold deceased patients without one (their
    programs still open): the reason says they are not chased, with no date to name."""
    pid, _e = _ccm_patient(workspace, "D4")
    _minutes(workspace, pid, 12, date(2026, 11, 20))
    with workspace.uow() as uow:  # such a record as an older store holds it
        stored = uow.patients.get(pid)
        assert stored is not None
        uow.patients.update(replace(stored, status=Status.DECEASED))
        uow.commit()
    row = _row(billing_report.month_report(workspace, NOVEMBER), pid)
    assert (row.needs_minutes, row.cannot_bill) == (False, True)
    assert row.result.reasons == ("12 of 20 min for 99490", "deceased: no more minutes are chased")
