"""The month's billing codes from whole minutes, consent, conditions and exclusions (SPEC 3)."""

from datetime import date

from caredesk.domain.billing import (
    BILLING_CODES,
    BilledCode,
    BillingResult,
    PatientMonth,
    bill,
    main_program,
    next_threshold,
)
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import ConsentMethod, Enrollment, Program

NOV = Month(2026, 11)
CS = StaffType.CLINICAL_STAFF
QHP = StaffType.PHYSICIAN


def _enrolled(program, *, consent=date(2026, 1, 5), start=date(2026, 1, 5), end=None):
    return Enrollment(
        patient_id=1,
        program=program,
        start_date=start,
        end_date=end,
        consent_date=consent,
        consent_method=ConsentMethod.VERBAL if consent else None,
    )


def _pm(minutes, *programs, conditions=2, month=NOV, enrollments=None):
    return PatientMonth(
        month=month,
        enrollments=enrollments if enrollments is not None else tuple(_enrolled(p) for p in programs),
        chronic_conditions=conditions,
        minutes=minutes,
    )


def _ccm(m, **kw):
    return bill(_pm({(Program.CCM, CS): m}, Program.CCM, **kw))


def test_nineteen_minutes_bills_nothing():
    result = _ccm(19)
    assert result.codes == ()
    assert result.reasons == ("19 of 20 min for 99490",)


def test_twenty_minutes_bills_99490():
    result = _ccm(20)
    assert result.codes == (BilledCode("99490", 1, 20),)
    assert result.reasons == ("20 of 40 min for the next 99439",)


def test_forty_minutes_adds_one_99439():
    result = _ccm(40)
    assert result.codes_text() == "99490, 99439"
    assert result.reasons == ("40 of 60 min for the next 99439",)


def test_thirty_four_minutes_says_how_far_the_next_99439_is():
    assert _ccm(34).reasons == ("34 of 40 min for the next 99439",)


def test_sixty_minutes_adds_two_99439():
    result = _ccm(60)
    assert result.codes == (BilledCode("99490", 1, 20), BilledCode("99439", 2, 40))
    assert result.codes_text() == "99490, 99439 x2"
    assert result.reasons == ()


def test_eighty_minutes_still_two_99439():
    result = _ccm(80)
    assert result.codes_text() == "99490, 99439 x2"
    assert result.reasons == ("99439 capped at 2 per month",)


def test_complex_ccm_sixty_and_ninety():
    def cx(m):
        return bill(_pm({(Program.COMPLEX_CCM, CS): m}, Program.COMPLEX_CCM))

    # Below 60 min complex CCM falls back to the CCM codes and says so (SPEC 3, CMS MLN909188).
    assert cx(59).codes_text() == "99490, 99439"
    assert cx(59).reasons[0] == "complex CCM 59 of 60 min for 99487: billed as CCM 99490"
    assert cx(19).codes == ()
    assert cx(19).reasons == ("19 of 60 min for 99487", "19 of 20 min for 99490")
    assert cx(60).codes_text() == "99487"
    assert cx(89).codes_text() == "99487"
    assert cx(90).codes_text() == "99487, 99489"
    assert cx(120).codes_text() == "99487, 99489 x2"


def test_pcm_thirty_and_sixty():
    def pcm(m, conditions=1):
        return bill(_pm({(Program.PCM, CS): m}, Program.PCM, conditions=conditions))

    assert pcm(29).codes == ()
    assert pcm(30).codes_text() == "99426"
    assert pcm(60).codes_text() == "99426, 99427"
    assert pcm(60, conditions=0).codes == ()
    assert pcm(60, conditions=0).reasons == ("no chronic conditions (PCM needs 1)",)


def test_bhi_twenty_minutes_bills_99484_and_nothing_more():
    result = bill(_pm({(Program.BHI, CS): 45}, Program.BHI, conditions=0))
    assert result.codes == (BilledCode("99484", 1, 20),)
    assert result.reasons == ()


def test_rpm_ten_minutes_bills_99470_in_2026_not_in_2025():
    in_2026 = bill(_pm({(Program.RPM, CS): 12}, Program.RPM))
    assert in_2026.codes_text() == "99470"
    assert in_2026.reasons == ("12 of 20 min for 99457",)
    in_2025 = bill(_pm({(Program.RPM, CS): 12}, Program.RPM, month=Month(2025, 11)))
    assert in_2025.codes == ()


def test_rpm_twenty_minutes_bills_99457_not_99470_and_counts_any_staff():
    assert bill(_pm({(Program.RPM, CS): 20}, Program.RPM)).codes_text() == "99457"
    both = bill(_pm({(Program.RPM, CS): 25, (Program.RPM, QHP): 15}, Program.RPM))
    assert both.codes_text() == "99457, 99458"


def test_missing_consent_bills_nothing_and_says_why():
    result = bill(_pm({(Program.CCM, CS): 45}, enrollments=(_enrolled(Program.CCM, consent=None),)))
    assert result.codes == ()
    assert result.reasons == ("no consent on file for CCM",)


def test_a_program_starting_late_in_the_month_says_from_when_beside_the_missing_consent():
    # A tester read "no consent on file for CCM" in December for a patient enrolled from 12/25,
    # as if a consent had been forgotten: the reason names the start (SPEC 3: "says exactly why").
    dec = Month(2026, 12)
    later = _enrolled(Program.CCM, consent=None, start=date(2026, 12, 25))
    assert bill(_pm({}, month=dec, enrollments=(later,))).reasons == (
        "no consent on file for CCM (enrolled from 12/25)",
    )
    first_day = _enrolled(Program.CCM, consent=None, start=date(2026, 12, 1))
    assert bill(_pm({}, month=dec, enrollments=(first_day,))).reasons == ("no consent on file for CCM",)


def test_consent_after_month_end_does_not_count():
    late = _enrolled(Program.CCM, consent=date(2026, 12, 1))
    assert bill(_pm({(Program.CCM, CS): 45}, enrollments=(late,))).reasons == ("no consent on file for CCM",)
    on_last_day = _enrolled(Program.CCM, consent=date(2026, 11, 30))
    assert bill(_pm({(Program.CCM, CS): 45}, enrollments=(on_last_day,))).codes_text() == "99490, 99439"


def test_one_chronic_condition_is_not_ccm():
    result = _ccm(45, conditions=1)
    assert result.codes == ()
    assert result.reasons == ("only 1 chronic condition (CCM needs 2)",)


def test_ccm_and_complex_in_one_month_are_one_service_on_all_the_minutes():
    # One CCM service a month: all CCM clinical-staff minutes support the code chosen (SPEC 3).
    minutes = {(Program.CCM, CS): 40, (Program.COMPLEX_CCM, CS): 60}
    result = bill(_pm(minutes, Program.CCM, Program.COMPLEX_CCM))
    assert result.codes_text() == "99487, 99489"


def test_ccm_and_complex_below_sixty_together_falls_back_to_ccm():
    minutes = {(Program.CCM, CS): 20, (Program.COMPLEX_CCM, CS): 25}
    result = bill(_pm(minutes, Program.CCM, Program.COMPLEX_CCM))
    assert result.codes_text() == "99490, 99439"
    assert result.reasons[0] == "complex CCM 45 of 60 min for 99487: billed as CCM 99490"


def test_ccm_and_pcm_in_one_month_ccm_chosen():
    minutes = {(Program.CCM, CS): 20, (Program.PCM, CS): 30}
    result = bill(_pm(minutes, Program.CCM, Program.PCM))
    assert result.codes_text() == "99490"
    assert result.reasons[-1] == "CCM and PCM in one month: CCM chosen"


def test_pcm_billed_when_ccm_earns_nothing():
    minutes = {(Program.CCM, CS): 10, (Program.PCM, CS): 30}
    assert bill(_pm(minutes, Program.CCM, Program.PCM)).codes_text() == "99426"


def test_ccm_shares_a_month_with_bhi_and_rpm_without_sharing_minutes():
    minutes = {(Program.CCM, CS): 20, (Program.BHI, CS): 20, (Program.RPM, CS): 20}
    result = bill(_pm(minutes, Program.CCM, Program.BHI, Program.RPM))
    assert result.codes_text() == "99490, 99484, 99457"


def test_physician_minutes_bill_99491_on_a_tie_of_units():
    result = bill(_pm({(Program.CCM, QHP): 30, (Program.CCM, CS): 5}, Program.CCM))
    assert result.codes_text() == "99491"
    physician_90 = bill(_pm({(Program.CCM, QHP): 90}, Program.CCM))
    assert physician_90.codes_text() == "99491, 99437 x2"
    # Practitioner time not used for 99491 counts toward 99490/99439 (SPEC 3, CMS MLN909188).
    assert bill(_pm({(Program.CCM, QHP): 29, (Program.CCM, CS): 19}, Program.CCM)).codes_text() == "99490, 99439"


def test_99490_and_99491_in_one_month_the_one_with_more_units_chosen():
    # 30 physician + 40 staff: 99491 alone is 1 unit; all 70 min as 99490, 99439 x2 are 3.
    more_staff = bill(_pm({(Program.CCM, QHP): 30, (Program.CCM, CS): 40}, Program.CCM))
    assert more_staff.codes_text() == "99490, 99439 x2"
    assert "99491 and 99490 in one month: 99490 chosen" in more_staff.reasons
    physician_60 = bill(_pm({(Program.CCM, QHP): 60}, Program.CCM))
    assert physician_60.codes_text() == "99490, 99439 x2"


def test_enrollment_ended_before_the_month_bills_nothing():
    ended = _enrolled(Program.CCM, end=date(2026, 10, 31))
    result = bill(_pm({(Program.CCM, CS): 30}, enrollments=(ended,)))
    assert result == BillingResult((), ("not enrolled in a billable program this month",))


def test_tcm_is_not_billed_here():
    result = bill(_pm({(Program.TCM, CS): 60}, Program.TCM))
    assert result.codes == ()


def test_next_threshold_12_of_20():
    pm = _pm({(Program.CCM, CS): 12}, Program.CCM)
    assert next_threshold(pm, Program.CCM) == (12, 20)
    assert next_threshold(_pm({(Program.CCM, CS): 25}, Program.CCM), Program.CCM) == (25, 40)
    assert next_threshold(_pm({(Program.CCM, CS): 60}, Program.CCM), Program.CCM) is None
    assert next_threshold(pm, Program.PCM) is None  # not enrolled
    assert next_threshold(_pm({}, Program.BHI), Program.BHI) == (0, 20)
    assert next_threshold(_pm({(Program.BHI, CS): 20}, Program.BHI), Program.BHI) is None
    assert next_threshold(_pm({(Program.RPM, CS): 4}, Program.RPM), Program.RPM) == (4, 10)
    assert next_threshold(_pm({(Program.COMPLEX_CCM, CS): 95}, Program.COMPLEX_CCM), Program.COMPLEX_CCM) == (95, 120)


def test_main_program_prefers_complex_then_ccm_then_pcm_bhi_rpm():
    assert main_program([_enrolled(Program.RPM), _enrolled(Program.CCM)], NOV) is Program.CCM
    assert main_program([_enrolled(Program.CCM), _enrolled(Program.COMPLEX_CCM)], NOV) is Program.COMPLEX_CCM
    assert main_program([_enrolled(Program.BHI), _enrolled(Program.RPM)], NOV) is Program.BHI
    assert main_program([_enrolled(Program.TCM)], NOV) is None
    assert main_program([_enrolled(Program.CCM, start=date(2026, 12, 1))], NOV) is None


def test_every_code_has_a_source():
    codes = [c.code for c in BILLING_CODES]
    assert len(codes) == len(set(codes))
    expected = {
        "99490",
        "99439",
        "99487",
        "99489",
        "99491",
        "99437",
        "99426",
        "99427",
        "99424",
        "99425",
        "99484",
        "99457",
        "99458",
        "99470",
        "99453",
        "99454",
        "99445",
        "99495",
        "99496",
        "G0556",
        "G0557",
        "G0558",
        "G0568",
        "G0569",
        "G0570",
    }
    assert set(codes) == expected
    for c in BILLING_CODES:
        assert c.source.strip() and c.description.strip(), c.code
        if c.addon_of is not None:
            assert c.addon_of in codes and c.each, c.code
    assert next(c for c in BILLING_CODES if c.code == "99439").cap == 2
