"""Today's plan with plain values (issue 12 "Today's plan"; SPEC section 3 "Call queue"):
the musts first, then as many as fit the day's calls, the rest spread over the working days
left, and what falls short said in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.domain.assessments import Instrument
from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.domain.contacts import StaffType
from caredesk.domain.coordination import Task
from caredesk.domain.patients import Program
from caredesk.domain.queue import rank
from caredesk.domain.safety import SafetyFlag
from caredesk.domain.today_plan import plan
from caredesk.errors import ValidationError
from tests.domain.test_queue import NY, TODAY, call, facts

CS = (Program.CCM, StaffType.CLINICAL_STAFF)


def panel():
    return [
        facts(1, minutes={CS: 5}),
        facts(2, minutes={CS: 10}),
        facts(3, open_tasks=(Task(patient_id=3, title="Fax the PCP", due=TODAY),)),
        facts(4, safety_flags=(SafetyFlag(9, 4, Instrument.PHQ9, TODAY - timedelta(days=1)),)),
        facts(5, minutes={CS: 15}),
        facts(6, care_plan_review=date(2026, 10, 1)),
    ]


def test_the_musts_come_first_then_as_many_as_fit_in_queue_order():
    p = plan(rank(panel(), TODAY, NY), Capacity(amount=4), 0, as_of=TODAY)
    assert p.must == (4, 3)
    assert p.fits == (1, 2)  # 5 of 20 is more urgent than 10 of 20
    assert p.later == (5, 6)
    assert p.today == (4, 3, 1, 2)
    # 11/24 is a Tuesday before Thanksgiving: 3 working days after today for one patient short of minutes.
    assert (p.per_day_after_today, p.short) == (1, ())
    assert p.spread == ((date(2026, 11, 25), (5,)),)  # the next working day (Thanksgiving is 11/26)


def test_calls_made_today_use_up_the_capacity_and_the_reached_are_not_planned_again():
    reached = facts(7, minutes={CS: 8}, contacts=(call(TODAY),), last_reached=TODAY)
    entries = rank([*panel(), reached], TODAY, NY)
    p = plan(entries, Capacity(amount=4), 1, as_of=TODAY)
    assert p.today == (4, 3, 1)
    assert 7 not in p.today and p.later[-1] == 7  # still short of minutes: on a later day


def test_more_musts_than_calls_say_so():
    p = plan(rank(panel(), TODAY, NY), Capacity(amount=1), 0, as_of=TODAY)
    assert p.today == (4, 3)
    assert "2 patients must be called today: 1 call more than the calls left today" in p.short


def test_patients_short_of_minutes_who_cannot_all_be_reached_are_named_as_a_shortfall():
    many = [facts(i, minutes={CS: 5}) for i in range(1, 12)]
    p = plan(rank(many, TODAY, NY), Capacity(amount=2), 0, as_of=TODAY)
    # 9 left after today's 2, over 3 working days (Wed, Fri, Mon 11/30): 3 a day, 2 fit.
    assert p.short == (
        "9 patients short of minutes need 3 calls a day over the 3 working days after today; 2 calls fit",
    )
    # Spread 2 a day over Wed 11/25, Fri 11/27 (the day after Thanksgiving is a working day) and
    # Mon 11/30 (US_FEDERAL); the last 3 get no day: the shortfall above.
    assert [(d, len(ids)) for d, ids in p.spread] == [
        (date(2026, 11, 25), 2),
        (date(2026, 11, 27), 2),
        (date(2026, 11, 30), 2),
    ]
    assert [i for _d, ids in p.spread for i in ids] == list(p.later[:6])


def test_on_the_last_working_day_what_does_not_fit_is_lost_and_said():
    last = date(2026, 11, 30)
    many = [facts(i, minutes={CS: 5}) for i in range(1, 4)]
    p = plan(rank(many, last, NY), Capacity(amount=1), 0, as_of=last)
    assert p.short == ("2 patients short of minutes do not fit today and no working day is left",)


def test_what_is_done_today_cannot_be_negative():
    with pytest.raises(ValueError):
        plan([], Capacity(), -1, as_of=TODAY)


@pytest.mark.parametrize(
    ("unit", "amount", "call_minutes", "field"),
    [
        (CapacityUnit.CALLS, 0, 15, "calls a day"),
        (CapacityUnit.CALLS, 201, 15, "calls a day"),
        (CapacityUnit.MINUTES, 10, 15, "minutes a day"),
        (CapacityUnit.MINUTES, 721, 15, "minutes a day"),
        (CapacityUnit.MINUTES, 240, 4, "minutes a call"),
        ("hours", 8, 15, "plan by"),
    ],
)
def test_a_capacity_out_of_range_is_refused_naming_the_field(unit, amount, call_minutes, field):
    with pytest.raises(ValidationError) as e:
        Capacity(unit, amount, call_minutes)
    assert e.value.field == field


def test_by_minutes_a_call_short_of_minutes_is_planned_at_the_minutes_it_needs():
    entries = rank(panel(), TODAY, NY)
    by_id = {e.patient_id: e for e in entries}
    cap = Capacity(CapacityUnit.MINUTES, 60, 10)
    # 5 of 20 min needs 15; 15 of 20 needs 5, planned at the 10-minute ordinary call.
    assert (cap.cost(by_id[1]), cap.cost(by_id[5]), cap.cost(by_id[3])) == (15, 10, 10)
    p = plan(entries, cap, 0, as_of=TODAY)
    # Musts 4 and 3 take 20 of 60; patient 1 (15) and 2 (10) fit, 5 (10) fits too: 55; 6 does not.
    assert (p.must, p.fits, p.planned) == ((4, 3), (1, 2, 5), 55)
    assert p.later == (6,)


def test_by_minutes_the_minutes_logged_today_use_up_the_day():
    p = plan(rank(panel(), TODAY, NY), Capacity(CapacityUnit.MINUTES, 60, 10), 45, as_of=TODAY)
    assert p.fits == ()
    assert p.short == ("2 patients must be called today: 5 min more than the minutes left today",)


def test_by_minutes_the_shortfall_is_said_in_minutes_a_day():
    many = [facts(i, minutes={CS: 5}) for i in range(1, 12)]
    p = plan(rank(many, TODAY, NY), Capacity(CapacityUnit.MINUTES, 30, 15), 0, as_of=TODAY)
    # 2 fit today (15 min each); 9 x 15 min = 135 min over 3 working days: 45 min a day, 30 fit.
    assert p.short == ("9 patients short of minutes need 45 min a day over the 3 working days after today; 30 min fit",)


def test_a_patient_who_waits_for_a_follow_up_due_later_is_planned_on_that_day():
    # Reached 11/20 with a follow-up set for Friday 11/27; in the queue for a care-plan review.
    follow_up = facts(
        8, contacts=(call(date(2026, 11, 20), follow_up=date(2026, 11, 27)),), care_plan_review=date(2026, 10, 1)
    )
    p = plan(rank([*panel(), follow_up], TODAY, NY), Capacity(amount=4), 0, as_of=TODAY)
    assert 8 in p.later
    # Due Friday 11/27: that day, before the paced patients short of minutes.
    assert dict(p.spread)[date(2026, 11, 27)][0] == 8
    assert 8 not in dict(p.spread).get(date(2026, 11, 25), ())


def test_a_day_shorter_than_one_call_is_refused():
    with pytest.raises(ValidationError) as e:
        Capacity(CapacityUnit.MINUTES, 15, 60)
    assert (e.value.field, e.value.message) == ("minutes a call", "must not be more than the 15 minutes a day")


def test_nobody_waiting_is_counted_apart_from_calls_that_do_not_fit():
    """A day with room left and everyone reached today: nobody waits (the plan bar said "no calls
    fit"); a full day with patients left: they wait."""
    reached = facts(7, minutes={CS: 8}, contacts=(call(TODAY),), last_reached=TODAY)
    idle = plan(rank([reached], TODAY, NY), Capacity(amount=20), 1, as_of=TODAY)
    assert (idle.must, idle.fits, idle.later, idle.waiting) == ((), (), (7,), 0)
    full = plan(rank(panel(), TODAY, NY), Capacity(amount=4), 4, as_of=TODAY)
    assert (full.fits, full.waiting) == ((), 4)
