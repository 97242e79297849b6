"""A call kept as a draft keeps its patient in the queue (SPEC 5: an unsaved call is never lost).

The draft is opened only from the queue's call panel, so a patient waiting out the business day
after an unanswered attempt (SPEC 3) would otherwise hide their own kept call until tomorrow."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from caredesk.domain.call_capacity import Capacity
from caredesk.domain.contacts import Outcome
from caredesk.domain.queue import ReasonKind, entry_for, rank
from caredesk.domain.today_plan import plan
from tests.domain.test_queue import NY, TODAY, call, facts

KEPT = datetime.combine(TODAY, time(11), tzinfo=NY)


def test_a_kept_call_draft_keeps_a_patient_in_the_queue_after_a_same_day_no_answer():
    no_answer = (call(TODAY, Outcome.NO_ANSWER, hour=9),)
    assert entry_for(facts(minutes={}, contacts=no_answer), TODAY, NY) is None  # waits a business day
    e = entry_for(facts(minutes={}, contacts=no_answer, call_draft_at=KEPT), TODAY, NY)
    assert e is not None
    assert e.top.kind is ReasonKind.TASK
    assert e.top.text == "Unsaved call kept as a draft on 11/24"
    assert e.top.due == TODAY


def test_a_kept_call_draft_leads_the_tasks_and_is_in_todays_plan():
    overdue = facts(1, contacts=(call(TODAY - timedelta(days=20), follow_up=TODAY - timedelta(days=9)),))
    drafted = facts(2, call_draft_at=KEPT - timedelta(days=1))
    entries = rank([overdue, drafted], TODAY, NY)
    assert [e.patient_id for e in entries] == [2, 1]
    assert entries[0].top.text == "Unsaved call kept as a draft on 11/23"
    assert 2 in plan(entries, Capacity(amount=1), 0, as_of=TODAY).today


def test_a_patient_reached_today_with_a_call_kept_is_not_sent_to_the_bottom():
    reached = (call(TODAY, Outcome.REACHED, hour=9),)
    cadence = facts(1, last_reached=TODAY - timedelta(days=40))
    drafted = facts(2, contacts=reached, last_reached=TODAY, call_draft_at=KEPT)
    assert [e.patient_id for e in rank([cadence, drafted], TODAY, NY)] == [2, 1]
