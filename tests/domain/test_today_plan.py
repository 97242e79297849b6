"""Today's plan with plain values (issue 12 "Today's plan"; SPEC section 3 "Call queue"):
the musts first, then as many as fit the day's calls, the rest spread over the working days
left, and what falls short said in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.domain.assessments import Instrument
from caredesk.domain.contacts import StaffType
from caredesk.domain.coordination import Task
from caredesk.domain.patients import Program
from caredesk.domain.queue import rank
from caredesk.domain.safety import SafetyFlag
from caredesk.domain.today_plan import plan
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
    p = plan(rank(panel(), TODAY, NY), capacity=4, called_today=0, as_of=TODAY)
    assert p.must == (4, 3)
    assert p.fits == (1, 2)  # 5 of 20 is more urgent than 10 of 20
    assert p.later == (5, 6)
    assert p.today == (4, 3, 1, 2)
    # 11/24 is a Tuesday before Thanksgiving: 3 working days after today for one patient short of minutes.
    assert (p.calls_per_day_after_today, p.short) == (1, ())


def test_calls_made_today_use_up_the_capacity_and_the_reached_are_not_planned_again():
    reached = facts(7, minutes={CS: 8}, contacts=(call(TODAY),), last_reached=TODAY)
    entries = rank([*panel(), reached], TODAY, NY)
    p = plan(entries, capacity=4, called_today=1, as_of=TODAY)
    assert p.today == (4, 3, 1)
    assert 7 not in p.today and p.later[-1] == 7  # still short of minutes: on a later day


def test_more_musts_than_calls_say_so():
    p = plan(rank(panel(), TODAY, NY), capacity=1, called_today=0, as_of=TODAY)
    assert p.today == (4, 3)
    assert "2 patients must be called today: 1 more than the calls left today" in p.short


def test_patients_short_of_minutes_who_cannot_all_be_reached_are_named_as_a_shortfall():
    many = [facts(i, minutes={CS: 5}) for i in range(1, 12)]
    p = plan(rank(many, TODAY, NY), capacity=2, called_today=0, as_of=TODAY)
    # 9 left after today's 2, over 3 working days (Wed, Fri, Mon 11/30): 3 a day, 2 fit.
    assert p.short == ("9 patients short of minutes need 3 calls a day over the 3 working days left; 2 fit",)


def test_on_the_last_working_day_what_does_not_fit_is_lost_and_said():
    last = date(2026, 11, 30)
    many = [facts(i, minutes={CS: 5}) for i in range(1, 4)]
    p = plan(rank(many, last, NY), capacity=1, called_today=0, as_of=last)
    assert p.short == ("2 patients short of minutes do not fit today and no working day is left",)


@pytest.mark.parametrize(("capacity", "called"), [(0, 0), (5, -1)])
def test_a_capacity_below_one_call_is_refused(capacity, called):
    with pytest.raises(ValueError):
        plan([], capacity=capacity, called_today=called, as_of=TODAY)
