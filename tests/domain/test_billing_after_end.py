"""Minutes on days after their program ended count for nothing, and the bill says so.

SPEC 3, rules around the table: "A month with no consent, too few conditions or a missing
requirement bills nothing for that program and says exactly why". A tester ended a patient's
CCM on 11/30 while a 14-minute call of 12/02 was saved: December's report did not list the
patient at all (and a mid-month end let the minutes after it bill).
"""

from datetime import date

from caredesk.domain.billing import PatientMonth, bill
from caredesk.domain.billing_minutes import AfterEnd, LostMinutes, after_end, lost_by_end
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import ConsentMethod, Enrollment, Program

DEC = Month(2026, 12)
CS = StaffType.CLINICAL_STAFF


def _ccm(start, end=None, *, program=Program.CCM, eid=1):
    return Enrollment(
        patient_id=1,
        program=program,
        start_date=start,
        end_date=end,
        consent_date=start,
        consent_method=ConsentMethod.VERBAL,
        id=eid,
    )


def _month(days, *enrollments, conditions=2):
    return PatientMonth.of_days(DEC, tuple(enrollments), conditions, days)


def test_minutes_after_ccm_ended_last_month_bill_nothing_and_say_why():
    ended = _ccm(date(2026, 11, 10), date(2026, 11, 30))
    result = bill(_month({(date(2026, 12, 2), Program.CCM, CS): 14}, ended))
    assert result.codes == ()
    assert result.reasons == ("14 min after CCM ended 11/30 count for nothing",)


def test_minutes_after_a_mid_month_end_do_not_reach_99490():
    # 12 min before the end and 14 after: 26 logged, 12 count (not 99490's 20).
    ended = _ccm(date(2026, 11, 1), date(2026, 12, 10))
    days = {(date(2026, 12, 3), Program.CCM, CS): 12, (date(2026, 12, 15), Program.CCM, CS): 14}
    result = bill(_month(days, ended))
    assert result.codes == ()
    assert result.reasons == ("12 of 20 min for 99490", "14 min after CCM ended 12/10 count for nothing")


def test_minutes_in_a_new_enrollment_after_an_earlier_end_count():
    first = _ccm(date(2026, 10, 1), date(2026, 12, 5))
    again = _ccm(date(2026, 12, 20), eid=2)
    days = {
        (date(2026, 12, 10), Program.CCM, CS): 5,  # between the two: counts for nothing
        (date(2026, 12, 21), Program.CCM, CS): 20,
    }
    result = bill(_month(days, first, again))
    assert [c.code for c in result.codes] == ["99490"]
    assert "5 min after CCM ended 12/05 count for nothing" in result.reasons
    assert after_end(days, (first, again), DEC.first_day, DEC.last_day) == (
        AfterEnd(Program.CCM, date(2026, 12, 5), 5),
    )


def test_complex_ccm_minutes_after_a_ccm_end_are_the_same_service():
    ended = _ccm(date(2026, 11, 1), date(2026, 11, 30))
    result = bill(_month({(date(2026, 12, 1), Program.COMPLEX_CCM, CS): 12}, ended))
    assert result.reasons == ("12 min after CCM ended 11/30 count for nothing",)


def test_minutes_within_the_enrollment_are_untouched():
    open_ccm = _ccm(date(2026, 11, 1))
    result = bill(_month({(date(2026, 12, 2), Program.CCM, CS): 20}, open_ccm))
    assert [c.code for c in result.codes] == ["99490"]
    assert not any("count for nothing" in r for r in result.reasons)


def test_an_end_date_says_which_logged_minutes_it_takes_by_month():
    ccm = _ccm(date(2026, 11, 10))
    days = {
        (date(2026, 11, 28), Program.CCM, CS): 10,  # before the end: kept
        (date(2026, 12, 1), Program.CCM, CS): 6,
        (date(2026, 12, 2), Program.CCM, CS): 8,
        (date(2027, 1, 4), Program.COMPLEX_CCM, CS): 5,
        (date(2026, 12, 3), Program.BHI, CS): 9,  # another program's: not this end's
    }
    lost = lost_by_end(days, (ccm,), ccm, date(2026, 11, 30))
    assert lost == (
        LostMinutes(Program.CCM, date(2026, 12, 1), date(2026, 12, 2), 14),
        LostMinutes(Program.CCM, date(2027, 1, 4), date(2027, 1, 4), 5),
    )
    assert [x.text() for x in lost] == [
        "14 min logged 12/01-12/02 under CCM will no longer count",
        "5 min logged on 01/04 under CCM will no longer count",
    ]


def test_an_end_takes_nothing_that_did_not_count_anyway():
    # Consent on 12/05: the 12/02 minutes never counted, so ending on 11/30 takes nothing of them.
    ccm = Enrollment(
        patient_id=1,
        program=Program.CCM,
        start_date=date(2026, 11, 10),
        consent_date=date(2026, 12, 5),
        consent_method=ConsentMethod.VERBAL,
        id=1,
    )
    days = {(date(2026, 12, 2), Program.CCM, CS): 14, (date(2026, 12, 6), Program.CCM, CS): 3}
    assert lost_by_end(days, (ccm,), ccm, date(2026, 11, 30)) == (
        LostMinutes(Program.CCM, date(2026, 12, 6), date(2026, 12, 6), 3),
    )
    assert lost_by_end(days, (ccm,), ccm, date(2026, 12, 31)) == ()
