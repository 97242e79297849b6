"""Patients in no program today (SPEC section 3 "Call queue"): the queue is ordered by enrolled
patients' needs (a threshold they can still bill, their contact cadence, missing consent); a
patient not enrolled yet is someone to enroll, so they rank with the missing-consent group,
say so, and never push an enrolled patient short of minutes out of today's plan."""

from __future__ import annotations

from datetime import date

from caredesk.domain.call_capacity import Capacity
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program
from caredesk.domain.queue import Reason, ReasonKind, entry_for, rank
from caredesk.domain.today_plan import plan
from tests.domain.test_queue import NY, TODAY, ccm, facts

CS = (Program.CCM, StaffType.CLINICAL_STAFF)


def texts(entry) -> list[str]:
    return [r.text for r in entry.reasons]


def test_a_patient_in_no_program_is_to_be_enrolled_not_chased_for_consent_or_cadence():
    e = entry_for(facts(enrollments=(), minutes={}, last_reached=None, has_care_plan=False), TODAY, NY)
    assert e is not None
    assert texts(e) == ["Not enrolled in a program"]
    # Its own kind ("enrollment": nothing about consent is missing yet), in the missing-consent
    # group's place in SPEC 3's order.
    assert e.top.kind is ReasonKind.ENROLLMENT
    assert e.top.weight == Reason(ReasonKind.CONSENT, "No consent on file for CCM").weight


def test_a_program_that_starts_later_says_not_enrolled_yet_and_from_when():
    dec = date(2026, 12, 2)
    later = Enrollment(patient_id=1, program=Program.CCM, start_date=date(2026, 12, 25))
    e = entry_for(facts(enrollments=(later,), minutes={}, last_reached=None, has_care_plan=False), dec, NY)
    assert e is not None
    assert texts(e) == ["Not enrolled yet - CCM from 12/25"]
    assert not any("consent" in t.casefold() for t in texts(e))


def test_not_enrolled_ranks_with_missing_consent_below_minutes_and_cadence():
    short = facts(1, minutes={CS: 5})  # 5 of 20 min
    overdue = facts(2, last_reached=date(2026, 10, 1))  # past the 14-day cadence
    no_consent = facts(3, enrollments=(ccm(3, consent=None),))
    nobody = facts(4, enrollments=(), minutes={}, last_reached=None, has_care_plan=False)
    order = [e.patient_id for e in rank([nobody, no_consent, overdue, short], TODAY, NY)]
    assert order[:2] == [1, 2]
    assert set(order[2:]) == {3, 4}


def test_todays_plan_calls_enrolled_patients_before_one_not_enrolled():
    # The keyboard-only tester's plan: the patient in no program came first with "Never
    # reached", ahead of enrolled patients past their cadence (and short of minutes).
    nobody = facts(4, enrollments=(), minutes={}, last_reached=None, has_care_plan=False)
    overdue = facts(2, last_reached=date(2026, 10, 1))
    short = facts(1, minutes={CS: 5})
    p = plan(rank([nobody, overdue, short], TODAY, NY), Capacity(amount=2), 0, as_of=TODAY)
    assert p.today == (1, 2) and p.later == (4,)


def test_a_patient_whose_programs_all_ended_says_so_not_the_cadence():
    """A fresh tester's patient whose CCM had ended stayed 'due for the monthly call' (cadence)."""
    ended = Enrollment(patient_id=1, program=Program.CCM, start_date=date(2025, 1, 1), end_date=date(2026, 10, 31))
    e = entry_for(facts(enrollments=(ended,), minutes={}, last_reached=date(2026, 9, 1)), TODAY, NY)
    assert e is not None
    assert texts(e) == ["Not enrolled: CCM ended 10/31"]
    assert e.top.kind is ReasonKind.ENROLLMENT
    assert e.top.weight == Reason(ReasonKind.CONSENT, "No consent on file for CCM").weight
    bhi = Enrollment(patient_id=1, program=Program.BHI, start_date=date(2025, 3, 1), end_date=date(2026, 8, 15))
    e = entry_for(facts(enrollments=(ended, bhi), minutes={}, last_reached=None), TODAY, NY)
    assert e is not None and texts(e) == ["Not enrolled: CCM ended 10/31, BHI ended 08/15"]


def test_an_ended_program_and_a_later_one_says_when_the_next_starts():
    ended = Enrollment(patient_id=1, program=Program.CCM, start_date=date(2025, 1, 1), end_date=date(2026, 10, 31))
    later = Enrollment(patient_id=1, program=Program.PCM, start_date=date(2026, 12, 1))
    e = entry_for(facts(enrollments=(ended, later), minutes={}, last_reached=None), TODAY, NY)
    assert e is not None and texts(e) == ["Not enrolled yet - PCM from 12/01"]


def test_a_program_ending_today_still_counts_as_enrolled():
    today_end = Enrollment(
        patient_id=1,
        program=Program.CCM,
        start_date=date(2025, 1, 1),
        end_date=TODAY,
        consent_date=date(2025, 1, 2),
        consent_method="verbal",
    )
    e = entry_for(facts(enrollments=(today_end,), minutes={}, last_reached=date(2026, 9, 1)), TODAY, NY)
    assert e is not None and ReasonKind.CADENCE in [r.kind for r in e.reasons]
    assert ReasonKind.ENROLLMENT not in [r.kind for r in e.reasons]


def test_an_ended_program_names_its_last_day_not_since():
    """A tester ended CCM on 12/01 and read "Not enrolled since 12/01/2026 (CCM ended)", as if
    minutes on 12/01 did not count; the end date is the last day covered (they do). The queue and
    the chart (call panel, chart header) both say "CCM ended 12/01"; programs ending the same day
    are named together."""
    from caredesk.domain.patients import Chart, Patient

    ccm_ended = Enrollment(patient_id=1, program=Program.CCM, start_date=date(2025, 1, 1), end_date=date(2026, 12, 1))
    bhi_ended = Enrollment(patient_id=1, program=Program.BHI, start_date=date(2025, 1, 1), end_date=date(2026, 12, 1))
    day = date(2026, 12, 2)
    e = entry_for(facts(enrollments=(ccm_ended,), minutes={}, last_reached=None), day, NY)
    assert e is not None and texts(e)[0] == "Not enrolled: CCM ended 12/01"
    both = entry_for(facts(enrollments=(ccm_ended, bhi_ended), minutes={}, last_reached=None), day, NY)
    assert both is not None and texts(both)[0] == "Not enrolled: CCM, BHI ended 12/01"
    patient = Patient(mrn="M1", given_name="Ann", family_name="Good", birth_date=date(1950, 1, 1))
    chart = Chart(patient=patient, enrollments=(ccm_ended,))
    assert chart.not_enrolled_text(day) == "Not enrolled: CCM ended 12/01/2026"
