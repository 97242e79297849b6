"""Issue 12's billing cases as one table: each row a month, the codes a biller would send and
the reason shown, and the CMS publication the expected value comes from (SPEC 3 names them:
MLN909188 for CCM/PCM, MLN908628 for TCM, the CY2025 and CY2026 PFS final rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain.billing import BilledCode, BillingResult, PatientMonth, bill, next_threshold
from caredesk.domain.billing_minutes import split_by_day
from caredesk.domain.billing_tcm import Stay
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Channel, Contact, Outcome, StaffType
from caredesk.domain.coordination import Transition
from caredesk.domain.patients import ConsentMethod, Enrollment, Program
from caredesk.domain.transitions import reaches_for_tcm

CS = StaffType.CLINICAL_STAFF
QHP = StaffType.PHYSICIAN
CCM, CX, PCM = Program.CCM, Program.COMPLEX_CCM, Program.PCM
NOV = Month(2026, 11)
ET = ZoneInfo("America/New_York")

MLN_CCM = "CMS MLN909188 (Chronic Care Management Services)"
PFS_2025 = "CMS CY2025 PFS final rule"
PFS_2026 = "CMS CY2026 PFS final rule"


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    program: Program
    days: dict[tuple[int, Program, StaffType], int]  # (day of November, program, staff) -> minutes
    codes: str
    reason: str | None = None  # one of the reasons shown, word for word
    consent: date = date(2026, 1, 5)
    conditions: int = 2
    also: tuple[Program, ...] = field(default=())


CASES = [
    # 1. Consent comes first.
    Case(
        "45 min before a Nov 28 consent bill nothing",
        f"{MLN_CCM}: consent before CCM is furnished; SPEC 3 'Consent comes first'",
        CCM,
        {(3, CCM, CS): 45},
        "",
        "consent dated 11/28: 45 min before it do not count",
        consent=date(2026, 11, 28),
    ),
    Case(
        "consent later in the month bills only what follows it",
        f"{MLN_CCM}; SPEC 3 'consent later in the month bills only what follows it'",
        CCM,
        {(3, CCM, CS): 25, (28, CCM, CS): 10, (29, CCM, CS): 12},
        "99490",
        "consent dated 11/28: 25 min before it do not count",
        consent=date(2026, 11, 28),
    ),
    Case(
        "minutes on the consent day count",
        f"{MLN_CCM}; SPEC 3",
        CCM,
        {(28, CCM, CS): 20},
        "99490",
        consent=date(2026, 11, 28),
    ),
    Case(
        "PCM minutes before consent do not count either",
        f"{PFS_2025} (PCM consent); SPEC 3",
        PCM,
        {(2, PCM, CS): 40},
        "",
        "consent dated 11/20: 40 min before it do not count",
        consent=date(2026, 11, 20),
        conditions=1,
    ),
    # 3. Practitioner time toward the clinical-staff threshold.
    Case(
        "physician 25 min on CCM bills 99490",
        f"{MLN_CCM}: practitioner time may count toward 99490 when not billed as 99491; SPEC 3",
        CCM,
        {(10, CCM, QHP): 25},
        "99490",
        "25 of 40 min for the next 99439",
    ),
    Case(
        "staff 15 + physician 10 bills 99490",
        f"{MLN_CCM}; SPEC 3 'Practitioner time'",
        CCM,
        {(10, CCM, CS): 15, (12, CCM, QHP): 10},
        "99490",
    ),
    Case(
        "physician 30 min: 99491 on a tie of units",
        f"{MLN_CCM} (99491 is the practitioner's own 30 min)",
        CCM,
        {(10, CCM, QHP): 30},
        "99491",
    ),
    Case(
        "staff 19 alone is short and says so",
        MLN_CCM,
        CCM,
        {(10, CCM, CS): 19},
        "",
        "19 of 20 min for 99490",
    ),
    # 4. PCM by the practitioner.
    Case(
        "PCM 35 min of physician time bills 99424",
        f"{PFS_2025} (99424/99425 PCM by the physician/QHP, from CY2022); SPEC 3",
        PCM,
        {(10, PCM, QHP): 35},
        "99424",
        conditions=1,
    ),
    Case(
        "PCM 60 min of physician time bills 99424, 99425",
        f"{PFS_2025}; SPEC 3 (each further 30 min)",
        PCM,
        {(10, PCM, QHP): 60},
        "99424, 99425",
        conditions=1,
    ),
    Case(
        "PCM staff 20 + physician 10 bills 99426",
        f"{PFS_2025}; SPEC 3 'Practitioner time' (PCM 99426/99427)",
        PCM,
        {(10, PCM, CS): 20, (11, PCM, QHP): 10},
        "99426",
        conditions=1,
    ),
    Case(
        "PCM physician 29 min bills nothing",
        f"{PFS_2025}; SPEC 3 (a threshold counts only when fully reached)",
        PCM,
        {(10, PCM, QHP): 29},
        "",
        "29 of 30 min for 99426",
        conditions=1,
    ),
    # 5. Complex CCM below 60 min.
    Case(
        "complex CCM 37 min falls back to 99490 and says so",
        f"{MLN_CCM}: one CCM service a month; SPEC 3 'complex CCM below 60 min ... falls back to 99490'",
        CX,
        {(10, CX, CS): 37},
        "99490",
        "complex CCM 37 of 60 min for 99487: billed as CCM 99490",
    ),
    Case(
        "complex CCM 45 min falls back to 99490, 99439",
        f"{MLN_CCM}; SPEC 3",
        CX,
        {(10, CX, CS): 45},
        "99490, 99439",
    ),
    Case(
        "complex CCM 60 min bills 99487",
        MLN_CCM,
        CX,
        {(10, CX, CS): 60},
        "99487",
    ),
    Case(
        "complex CCM 19 min bills nothing",
        f"{MLN_CCM}; SPEC 3",
        CX,
        {(10, CX, CS): 19},
        "",
        "19 of 20 min for 99490",
    ),
    Case(
        "complex CCM 40 min before its consent falls back to nothing",
        f"{MLN_CCM}; SPEC 3",
        CX,
        {(2, CX, CS): 40},
        "",
        "consent dated 11/20: 40 min before it do not count",
        consent=date(2026, 11, 20),
    ),
    Case(
        "CCM minutes of a complex CCM patient support the code chosen",
        f"{MLN_CCM}; SPEC 3 'all CCM clinical-staff minutes of the month support the code chosen'",
        CX,
        {(10, CX, CS): 40, (12, CCM, CS): 20},
        "99487",
        also=(CCM,),
    ),
]


def _month(case: Case) -> PatientMonth:
    enrollments = tuple(
        Enrollment(
            patient_id=1,
            program=p,
            start_date=date(2026, 1, 5),
            consent_date=case.consent,
            consent_method=ConsentMethod.VERBAL,
        )
        for p in (case.program, *case.also)
    )
    days = {(date(2026, 11, d), p, s): m for (d, p, s), m in case.days.items()}
    return PatientMonth.of_days(NOV, enrollments, case.conditions, days)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_billing_case(case: Case) -> None:
    assert case.source.strip()
    result = bill(_month(case))
    assert result.codes_text() == case.codes, result
    if case.reason is not None:
        assert case.reason in result.reasons, result.reasons
    if not case.codes:
        assert result.reasons  # nothing billed is always explained


def test_the_queue_threshold_counts_only_minutes_after_consent() -> None:
    late = Case("", MLN_CCM, CCM, {(3, CCM, CS): 45, (29, CCM, CS): 5}, "", consent=date(2026, 11, 28))
    assert next_threshold(_month(late), CCM) == (5, 20)


# 2. A minute belongs to the clinic-local day it was spent (SPEC 3; CMS MLN909188 counts
# time per calendar month of service).
SPLITS = [
    ("23:50 Oct 31 -> 00:10 Nov 1", datetime(2026, 10, 31, 23, 50, tzinfo=ET), date(2026, 11, 1), 20,
     [(date(2026, 10, 31), 10), (date(2026, 11, 1), 10)]),
    ("saved on the start day", datetime(2026, 10, 31, 23, 50, tzinfo=ET), date(2026, 10, 31), 20,
     [(date(2026, 10, 31), 10), (date(2026, 11, 1), 10)]),
    ("23:50:30 start: 9 whole min before midnight", datetime(2026, 10, 31, 23, 50, 30, tzinfo=ET),
     date(2026, 11, 1), 20, [(date(2026, 10, 31), 9), (date(2026, 11, 1), 11)]),
    ("within one day", datetime(2026, 11, 3, 9, 0, tzinfo=ET), date(2026, 11, 3), 45, [(date(2026, 11, 3), 45)]),
    ("the clinic's day, not UTC's (21:00 ET is 02:00 UTC)", datetime(2026, 11, 3, 21, 0, tzinfo=ET),
     date(2026, 11, 3), 30, [(date(2026, 11, 3), 30)]),
    ("DST ends Nov 1 2026: 01:50 EST + 20 min stays on Nov 1", datetime(2026, 11, 1, 1, 50, tzinfo=ET).replace(fold=1),
     date(2026, 11, 1), 20, [(date(2026, 11, 1), 20)]),
    ("a start re-dated by hand days away is not trusted", datetime(2026, 11, 3, 23, 50, tzinfo=ET),
     date(2026, 11, 10), 20, [(date(2026, 11, 10), 20)]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "start", "on", "minutes", "expected"), SPLITS, ids=[s[0] for s in SPLITS])
def test_minutes_belong_to_the_day_they_were_spent(name, start, on, minutes, expected) -> None:
    assert split_by_day(on, minutes, start, ET) == expected
    assert split_by_day(on, minutes, None, ET) == [(on, minutes)]


def test_a_call_across_midnight_bills_ten_minutes_in_each_month() -> None:
    enrollment = Enrollment(
        patient_id=1, program=CCM, start_date=date(2026, 1, 5), consent_date=date(2026, 1, 5),
        consent_method=ConsentMethod.VERBAL,
    )  # fmt: skip
    days = {
        (d, CCM, CS): m for d, m in split_by_day(date(2026, 11, 1), 20, datetime(2026, 10, 31, 23, 50, tzinfo=ET), ET)
    }
    oct_ = PatientMonth.of_days(Month(2026, 10), (enrollment,), 2, {**days, (date(2026, 10, 20), CCM, CS): 10})
    nov = PatientMonth.of_days(NOV, (enrollment,), 2, days)
    assert oct_.minutes == {(CCM, CS): 20} and bill(oct_).codes_text() == "99490"
    assert nov.minutes == {(CCM, CS): 10} and bill(nov).reasons == ("10 of 20 min for 99490",)


# 6. TCM's interactive contact (CMS MLN908628: "direct, telephone, or electronic
# communication"; SPEC 3: "a letter never is").
TCM_CONTACTS = [
    (Channel.PHONE, Outcome.REACHED, True),
    (Channel.VIDEO, Outcome.REACHED, True),
    (Channel.PORTAL, Outcome.REACHED, True),
    (Channel.HOME_VISIT, Outcome.REACHED, True),
    (Channel.LETTER, Outcome.SENT, False),
    (Channel.PHONE, Outcome.VOICEMAIL, False),
    (Channel.PHONE, Outcome.NO_ANSWER, False),
]


@pytest.mark.parametrize(
    ("channel", "outcome", "counts"), TCM_CONTACTS, ids=[f"{c.value}-{o.value}" for c, o, _ in TCM_CONTACTS]
)
def test_only_a_contact_that_reached_the_patient_interactively_is_the_tcm_contact(channel, outcome, counts) -> None:
    contact = Contact(patient_id=1, at=datetime(2026, 11, 3, 10, 0, tzinfo=ET), channel=channel, outcome=outcome)
    assert reaches_for_tcm(contact) is counts


# Exclusions are per billing practitioner (SPEC 3; CY2025 PFS final rule).
def _by(program: Program, practitioner: str) -> Enrollment:
    return Enrollment(
        patient_id=1,
        program=program,
        start_date=date(2026, 1, 5),
        consent_date=date(2026, 1, 5),
        consent_method=ConsentMethod.VERBAL,
        billing_practitioner=practitioner,
    )


@pytest.mark.parametrize(
    ("ccm_by", "pcm_by", "codes"),
    [
        ("Dr. Lee (PCP)", "Dr. Shah (cardiology)", "99490, 99426"),
        ("Dr. Lee", "dr. lee", "99490"),
        ("Dr. Lee", "", "99490"),
        ("", "", "99490"),
        ("Dr.  Lee ", " dr. lee", "99490"),
    ],
    ids=[
        "a specialist's PCM beside the PCP's CCM",
        "same practitioner",
        "one unnamed",
        "none named",
        "same practitioner, spaces differ",
    ],
)
def test_ccm_and_pcm_exclude_each_other_only_for_the_same_practitioner(ccm_by, pcm_by, codes) -> None:
    pm = PatientMonth(NOV, (_by(CCM, ccm_by), _by(PCM, pcm_by)), 2, {(CCM, CS): 20, (PCM, CS): 30})
    assert bill(pm).codes_text() == codes


# RPM treatment management needs a real-time interactive contact in the month (SPEC 3;
# CY2025 PFS final rule for 99457/99458, CY2026 PFS final rule for 99470).
@pytest.mark.parametrize(
    ("minutes", "contacts", "codes", "reason"),
    [
        (25, 0, "", "no real-time interactive contact this month (99457 needs one)"),
        (45, 0, "", "no real-time interactive contact this month (99457 needs one)"),
        (12, 0, "", "no real-time interactive contact this month (99470 needs one)"),
        (25, 1, "99457", None),
        (45, 1, "99457, 99458", None),
        (12, 1, "99470", None),
    ],
)
def test_rpm_treatment_management_needs_a_real_time_contact(minutes, contacts, codes, reason) -> None:
    enrollment = _by(Program.RPM, "")
    pm = PatientMonth.of_days(NOV, (enrollment,), 1, {(date(2026, 11, 5), Program.RPM, CS): minutes}, contacts)
    result = bill(pm)
    assert result.codes_text() == codes
    if reason:
        assert reason in result.reasons


# APCM (SPEC 3; CMS CY2025 PFS final rule): one monthly code, no time threshold, by chronic
# conditions and QMB status; it bundles CCM and PCM.
def _apcm(*, qmb: bool = False, consent: date | None = date(2026, 1, 5)) -> Enrollment:
    return Enrollment(
        patient_id=1,
        program=Program.APCM,
        start_date=date(2026, 1, 5),
        consent_date=consent,
        consent_method=ConsentMethod.VERBAL if consent else None,
        qmb=qmb,
    )


@pytest.mark.parametrize(
    ("conditions", "qmb", "codes"),
    [(0, False, "G0556"), (1, False, "G0556"), (1, True, "G0556"), (2, False, "G0557"), (3, True, "G0558")],
)
def test_apcm_bills_one_monthly_code_by_conditions_and_qmb(conditions, qmb, codes) -> None:
    assert bill(PatientMonth(NOV, (_apcm(qmb=qmb),), conditions, {})).codes_text() == codes


def test_apcm_needs_its_consent_and_exists_from_2025() -> None:
    assert bill(PatientMonth(NOV, (_apcm(consent=None),), 2, {})).reasons == ("no consent on file for APCM",)
    assert bill(PatientMonth(NOV, (_apcm(consent=date(2026, 12, 1)),), 2, {})).codes == ()
    old = Enrollment(
        patient_id=1, program=Program.APCM, start_date=date(2024, 1, 5), consent_date=date(2024, 1, 5),
        consent_method=ConsentMethod.VERBAL,
    )  # fmt: skip
    assert bill(PatientMonth(Month(2024, 11), (old,), 2, {})).codes == ()


@pytest.mark.parametrize("other", [CCM, CX, PCM])
def test_apcm_bundles_ccm_and_pcm(other) -> None:
    minutes = {(other, CS): 60}
    result = bill(PatientMonth(NOV, (_apcm(), _by(other, "")), 2, minutes))
    assert result.codes_text() == "G0557"
    assert any(r.startswith("APCM bundles") for r in result.reasons)


# TCM (CMS MLN908628; SPEC 3): billed once, in the month the 30-day period ends.
MLN_TCM = "CMS MLN908628 (Transitional Care Management Services)"
OCT12 = date(2026, 10, 12)  # a Monday; the period ends Nov 10; contact due Oct 14


def _stay(
    complexity="moderate",
    *,
    contacted=date(2026, 10, 13),
    seen=date(2026, 10, 20),
    meds=date(2026, 10, 20),
    discharged=OCT12,
):
    return Transition(
        patient_id=1, facility="General", admitted_on=None, discharged_on=discharged, complexity=complexity,
        contacted_on=contacted, seen_on=seen, meds_reconciled_on=meds,
    )  # fmt: skip


TCM_CASES = [
    ("moderate, seen day 8", _stay(), (), "99495", None),
    ("high, seen day 6", _stay("high", seen=date(2026, 10, 18), meds=date(2026, 10, 18)), (), "99496", None),
    ("high, seen day 10 bills 99495", _stay("high", seen=date(2026, 10, 22)), (), "99495", None),
    ("seen day 15", _stay(seen=date(2026, 10, 27), meds=date(2026, 10, 27)), (), "",
     "TCM for the 10/12 discharge: no face-to-face visit within 14 days"),
    ("contact on day 3 business", _stay(contacted=date(2026, 10, 15)), (), "",
     "TCM for the 10/12 discharge: no interactive contact by 10/14 nor two timely attempts"),
    ("two timely attempts stand for the contact", _stay(contacted=None), (OCT12, date(2026, 10, 13)), "99495", None),
    ("one timely attempt does not", _stay(contacted=None), (date(2026, 10, 13),), "",
     "TCM for the 10/12 discharge: no interactive contact by 10/14 nor two timely attempts"),
    ("meds reconciled after the visit", _stay(meds=date(2026, 10, 21)), (), "",
     "TCM for the 10/12 discharge: medication reconciliation not done by the visit"),
    ("period ends next month", _stay(discharged=date(2026, 11, 2), contacted=date(2026, 11, 3),
     seen=date(2026, 11, 9), meds=date(2026, 11, 9)), (), "", "TCM for the 11/02 discharge bills when its 30-day period ends (12/01)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "stay", "attempts", "codes", "reason"), TCM_CASES, ids=[c[0] for c in TCM_CASES])
def test_tcm_bills_once_in_the_month_its_period_ends(name, stay, attempts, codes, reason) -> None:
    pm = PatientMonth(NOV, (_by(Program.TCM, ""),), 2, {}, stays=(Stay(stay, attempts),))
    result = bill(pm)
    assert result.codes_text() == codes, (MLN_TCM, result)
    if reason:
        assert reason in result.reasons
    # October (the discharge month) never bills it.
    assert (
        bill(PatientMonth(Month(2026, 10), (_by(Program.TCM, ""),), 2, {}, stays=(Stay(stay, attempts),))).codes == ()
    )


def test_a_tcm_only_patient_without_a_stay_says_so_and_apcm_bundles_tcm() -> None:
    assert bill(PatientMonth(NOV, (_by(Program.TCM, ""),), 2, {})).reasons == ("no TCM period ends this month",)
    result = bill(PatientMonth(NOV, (_apcm(), _by(Program.TCM, "")), 2, {}, stays=(Stay(_stay()),)))
    assert result.codes_text() == "G0557" and "APCM bundles TCM: APCM chosen" in result.reasons


# The biller reads who bills what and why not on one line (README: caredesk report billing).
@pytest.mark.parametrize(
    ("codes", "reasons", "line"),
    [
        (
            (BilledCode("99484", 1, 0), BilledCode("G0556", 1, 0)),
            ("G0570 needs APCM",),
            "99484, G0556; G0570 needs APCM",
        ),
        ((BilledCode("99490", 1, 0),), (), "99490"),
        ((), ("no chronic conditions (CCM needs 2)", "x"), "no chronic conditions (CCM needs 2); x"),
        ((), (), "nothing billable"),
    ],
    ids=["codes then why not", "codes only", "why not only", "neither"],
)
def test_one_line_says_the_codes_then_why_not(codes, reasons, line) -> None:
    assert BillingResult(codes, reasons).line_text() == line
