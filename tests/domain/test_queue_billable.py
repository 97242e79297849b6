"""The queue's minutes, consent and "called today" reasons with plain values (issue 12, Queue).

SPEC section 3 "Call queue": a patient who cannot bill (one chronic condition on CCM) is never
chased for minutes; "Billing": consent comes first, minutes before the consent date do not
count (CMS MLN909188). The reasons never contradict each other: the minutes and consent
reasons read one rule, the bill's (caredesk.domain.billing_minutes.after_consent, through
caredesk.domain.queue.counted); so do minutes logged after a program ended.
"""

from __future__ import annotations

from datetime import date, timedelta

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome, StaffType
from caredesk.domain.coordination import Task
from caredesk.domain.patients import Enrollment, Program
from caredesk.domain.queue import ReasonKind, counted, entry_for, rank
from tests.domain.test_queue import NY, TODAY, call, ccm, facts

CS = (Program.CCM, StaffType.CLINICAL_STAFF)


def texts(f, as_of: date = TODAY) -> list[str]:
    e = entry_for(f, as_of, NY)
    return [] if e is None else [r.text for r in e.reasons]


def enrollment(program: Program, consent: date | None = date(2025, 1, 2), end: date | None = None) -> Enrollment:
    return Enrollment(
        patient_id=1,
        program=program,
        start_date=date(2025, 1, 1),
        end_date=end,
        consent_date=consent,
        consent_method="verbal" if consent else None,
    )


# --- Who cannot bill is never chased for minutes, and the queue says why -----------------


def test_ccm_with_one_chronic_condition_and_45_min_is_told_why_it_cannot_bill_not_chased():
    e = entry_for(facts(chronic_conditions=1, minutes={CS: 45}), TODAY, NY)
    assert [r.text for r in e.reasons] == ["CCM: 1 of 2 chronic conditions on file"]
    assert ReasonKind.MINUTES not in [r.kind for r in e.reasons]
    assert e.threshold is None  # no minutes bar towards a threshold that cannot bill


def test_complex_ccm_with_one_chronic_condition_is_not_chased_for_60_min():
    f = facts(
        enrollments=(enrollment(Program.COMPLEX_CCM),),
        chronic_conditions=1,
        minutes={(Program.COMPLEX_CCM, StaffType.CLINICAL_STAFF): 45},
    )
    assert texts(f) == ["Complex CCM: 1 of 2 chronic conditions on file"]


def test_pcm_needs_one_condition_and_with_none_says_so():
    f = facts(enrollments=(enrollment(Program.PCM),), chronic_conditions=0, minutes={})
    assert texts(f) == ["PCM: 0 of 1 chronic condition on file"]
    # With its condition on file PCM is chased towards 99426's 30 min.
    assert texts(facts(enrollments=(enrollment(Program.PCM),), minutes={})) == [
        "0 of 30 min this month, 4 working days left"
    ]


def test_no_chase_when_the_enrollment_ends_before_a_working_day_is_left():
    # CCM ends Friday 11/20: on Tuesday 11/24 no working day is left to reach 20 min in.
    ended = facts(enrollments=(enrollment(Program.CCM, end=date(2026, 11, 20)),), minutes={CS: 12})
    assert texts(ended) == ["Not enrolled: CCM ended 11/20"]  # no minutes chase (nor cadence)
    # Ending Wednesday 11/25: two working days (today and tomorrow), not four.
    soon = facts(enrollments=(enrollment(Program.CCM, end=date(2026, 11, 25)),), minutes={CS: 12})
    assert texts(soon) == ["12 of 20 min this month, 2 working days left"]


def test_a_patient_who_can_bill_is_still_chased():
    assert texts(facts(minutes={CS: 12})) == ["12 of 20 min this month, 4 working days left"]


# --- Consent comes first: one rule for the minutes and the consent reasons --------------


def test_consent_dated_later_in_the_month_shows_one_consent_reason_and_no_minutes_chase():
    f = facts(enrollments=(ccm(consent=date(2026, 11, 28)),), minutes={CS: 12})
    e = entry_for(f, TODAY, NY)
    assert [r.text for r in e.reasons] == ["CCM consent starts 11/28 - 12 min not counted"]
    assert (e.minutes, e.threshold) == (0, None)


def test_no_consent_with_minutes_says_they_do_not_count():
    f = facts(enrollments=(ccm(consent=None),), minutes={CS: 12})
    assert texts(f) == ["No consent on file (CCM) - 12 min not counted"]


def test_minutes_before_a_consent_earlier_this_month_do_not_count_towards_the_chase():
    consent = date(2026, 11, 10)
    f = facts(
        enrollments=(ccm(consent=consent),),
        minutes={CS: 22},
        minutes_by_day=((date(2026, 11, 3), *CS, 10), (date(2026, 11, 12), *CS, 12)),
    )
    e = entry_for(f, TODAY, NY)
    assert [r.text for r in e.reasons] == [
        "12 of 20 min this month, 4 working days left (10 min before consent 11/10 not counted)"
    ]
    assert (e.minutes, e.threshold) == (12, 20)
    assert counted(f, Month.of(TODAY), TODAY)[0] == {CS: 12}


def test_minutes_on_the_consent_day_count():
    consent = date(2026, 11, 10)
    f = facts(enrollments=(ccm(consent=consent),), minutes={CS: 25}, minutes_by_day=((consent, *CS, 25),))
    assert entry_for(f, TODAY, NY) is None  # 99490 reached: nothing to chase


def test_the_same_facts_after_the_consent_day_chase_the_counted_minutes():
    consent = date(2026, 11, 24)
    f = facts(
        enrollments=(ccm(consent=consent),),
        minutes={CS: 30},
        minutes_by_day=((date(2026, 11, 23), *CS, 30),),
    )
    assert texts(f, TODAY - timedelta(days=1)) == ["CCM consent starts 11/24 - 30 min not counted"]
    assert texts(f) == ["0 of 20 min this month, 4 working days left (30 min before consent 11/24 not counted)"]


# --- A patient reached today ranks after everyone not yet called ------------------------


def test_a_patient_reached_today_stays_but_ranks_after_the_not_yet_called():
    # Reached at 10 today, still short of minutes and with a task due: both remain.
    reached = facts(
        1,
        minutes={CS: 12},
        contacts=(call(TODAY),),
        last_reached=TODAY,
        open_tasks=(Task(patient_id=1, title="Mail glucose log", due=TODAY),),
    )
    not_called = facts(2, minutes={}, last_reached=TODAY - timedelta(days=3), care_plan_review=date(2026, 11, 1))
    order = rank([reached, not_called], TODAY, NY)
    assert [e.patient_id for e in order] == [2, 1]
    assert [r.text for r in order[1].reasons] == [
        "Task due today: Mail glucose log",
        "12 of 20 min this month, 4 working days left",
        "Reached today at 10:00 AM",
    ]


def test_reached_yesterday_is_not_done_today():
    f = facts(minutes={CS: 12}, contacts=(call(TODAY - timedelta(days=1)),))
    assert "Reached today" not in " ".join(texts(f))


def test_an_open_safety_flag_stays_first_after_the_patient_is_reached():
    from caredesk.domain.assessments import Instrument
    from caredesk.domain.safety import SafetyFlag

    flagged = facts(1, safety_flags=(SafetyFlag(5, 1, Instrument.SOCIAL_NEEDS, TODAY),), contacts=(call(TODAY),))
    other = facts(2, last_reached=None)
    assert [e.patient_id for e in rank([other, flagged], TODAY, NY)] == [1, 2]


def test_a_voicemail_today_is_not_reached_today():
    f = facts(minutes={CS: 12}, contacts=(call(TODAY, Outcome.VOICEMAIL),))
    assert entry_for(f, TODAY, NY) is None  # held a business day after an unanswered attempt, as before


def test_a_complex_ccm_patients_ccm_minutes_before_consent_do_not_count_either():
    # CMS MLN909188: one CCM service a month, so complex CCM's consent and minutes are CCM's too.
    cx = (Program.COMPLEX_CCM, StaffType.CLINICAL_STAFF)
    f = facts(
        enrollments=(enrollment(Program.COMPLEX_CCM, consent=date(2026, 11, 10)),),
        minutes={CS: 10, cx: 30},
        minutes_by_day=((date(2026, 11, 3), *CS, 10), (date(2026, 11, 12), *cx, 30)),
    )
    assert counted(f, Month.of(TODAY), TODAY)[0] == {cx: 30}


# --- Minutes after a program ended count for nothing, in the queue as on the bill -------


def test_minutes_logged_after_a_program_ended_count_for_nothing_in_the_queue_as_on_the_bill():
    # SPEC 3 "Billing": a program that ended bills nothing after its end date. CCM ran 01/05 to
    # 11/10 (the end moved back after 12 min were logged on 11/15) and runs again from 11/20 with
    # consent: of the 17 min logged, the bill counts the 5 of 11/05 and says the 12 count for
    # nothing. The queue said "17 of 20 min" and so chased 3 min where 15 are needed.
    from caredesk.domain.billing import PatientMonth, bill

    ended = Enrollment(
        id=1,
        patient_id=1,
        program=Program.CCM,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 11, 10),
        consent_date=date(2026, 1, 5),
        consent_method="verbal",
    )
    again = Enrollment(
        id=2,
        patient_id=1,
        program=Program.CCM,
        start_date=date(2026, 11, 20),
        consent_date=date(2026, 11, 20),
        consent_method="verbal",
    )
    days = ((date(2026, 11, 5), *CS, 5), (date(2026, 11, 15), *CS, 12))
    f = facts(enrollments=(ended, again), chronic_conditions=2, minutes={CS: 17}, minutes_by_day=days)
    e = entry_for(f, TODAY, NY)
    assert (e.minutes, e.threshold) == (5, 20)
    assert e.reasons[0].text == (
        "5 of 20 min this month, 4 working days left (12 min after CCM ended 11/10 count for nothing)"
    )
    pm = PatientMonth.of_days(Month.of(TODAY), (ended, again), 2, {(d, p, s): m for d, p, s, m in days})
    assert pm.counted()[0] == {CS: 5}
    assert "12 min after CCM ended 11/10 count for nothing" in bill(pm).reasons
