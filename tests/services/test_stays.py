"""Hospital stays on a real store: the TCM deadlines enter the queue with the discharge and
leave it one by one as each is met.

SPEC §3 "Transitions of care": interactive contact due by discharge + 2 business days
(weekends and US federal holidays skipped), face-to-face visit by + 7 (high complexity) or
+ 14 days, medication reconciliation by the visit; a letter is never an interactive contact
(CMS MLN908628, TCM services).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.contacts import Channel
from caredesk.domain.transitions import DeadlineStatus
from caredesk.errors import NotFound, ValidationError
from caredesk.services import stays as stay_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from tests.conftest import ZONE
from tests.services.test_calls import _patient

NY = ZoneInfo(ZONE)


def _on(clock, day: date) -> None:
    clock.instant = datetime.combine(day, time(10, 30), tzinfo=NY)


def _stay_reasons(rows, pid: int) -> list[str]:
    row = next((r for r in rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons if x.text.startswith("Discharged")]


def _view(ws, pid):
    (view,) = stay_service.stays(ws, pid)
    return view


def test_discharge_friday_before_mlk_day_each_deadline_leaves_the_queue_when_met(workspace, clock):
    _on(clock, date(2027, 1, 15))  # Friday; Monday Jan 18 is Martin Luther King Jr. Day
    pid = _patient(workspace, "S1")
    queue = CallQueue(workspace)
    queue.build()
    saved = stay_service.add_stay(
        workspace,
        pid,
        facility="Mercy General",
        admitted_on=date(2027, 1, 11),
        discharged_on=date(2027, 1, 15),
        complexity="high",
    )
    assert saved.changes.kinds == {Kind.TRANSITION} and saved.changes.patients == {pid}
    # In the queue at once: Tue 19 (1), Wed 20 (2); the visit by Jan 22 (7 days, high complexity).
    assert _stay_reasons(queue.refresh([pid]), pid) == [
        "Discharged 01/15 - TCM contact due by 01/20",
        "Discharged 01/15 - face-to-face visit and medication reconciliation due by 01/22",
    ]
    view = _view(workspace, pid)
    assert [(d.due, view.status(d)) for d in view.deadlines] == [
        (date(2027, 1, 20), DeadlineStatus.DUE),
        (date(2027, 1, 22), DeadlineStatus.DUE),
        (date(2027, 1, 22), DeadlineStatus.DUE),
    ]
    assert view.period_ends == date(2027, 2, 13)

    _on(clock, date(2027, 1, 19))
    queue = CallQueue(workspace)
    queue.build()
    met = stay_service.record_contact(workspace, saved.value.id, on=date(2027, 1, 19), channel="video")
    assert met.value.contact_channel is Channel.VIDEO
    assert _stay_reasons(queue.refresh(met.changes.patients), pid) == [
        "Discharged 01/15 - face-to-face visit and medication reconciliation due by 01/22"
    ]

    _on(clock, date(2027, 1, 21))
    queue = CallQueue(workspace)
    queue.build()
    seen = stay_service.record_visit(workspace, saved.value.id, on=date(2027, 1, 21))
    # The visit came: the reconciliation was due by it, so it is due today.
    assert _stay_reasons(queue.refresh(seen.changes.patients), pid) == [
        "Discharged 01/15 - medication reconciliation due today"
    ]
    done = stay_service.record_reconciliation(workspace, saved.value.id, on=date(2027, 1, 21))
    assert _stay_reasons(queue.refresh(done.changes.patients), pid) == []
    view = _view(workspace, pid)
    assert [view.status(d) for d in view.deadlines] == [DeadlineStatus.MET] * 3
    details = [e.detail for e in _audit(workspace, actions.RECORD_CHANGED)]
    assert details == ["TCM contact made", "face-to-face visit made", "medication reconciliation made"]
    assert all("Mercy" not in e.detail for e in _audit(workspace, actions.RECORD_CREATED))


def _audit(ws, action):
    with ws.uow() as uow:
        return [e for e in uow.audit_log.all() if e.action == action and e.entity == "transition"]


def test_a_step_met_late_says_so_and_can_be_taken_back(workspace):
    pid = _patient(workspace, "S2")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 2)).value
    stay_service.record_contact(workspace, stay.id, on=date(2026, 11, 9), channel=Channel.PHONE)
    view = _view(workspace, pid)
    assert view.status(view.contact) is DeadlineStatus.MET_LATE  # due Wed Nov 4
    assert view.status(view.visit) is DeadlineStatus.OVERDUE  # due Nov 16
    stay_service.record_contact(workspace, stay.id, on=None)
    view = _view(workspace, pid)
    assert view.stay.contacted_on is None and view.stay.contact_channel is None
    assert view.status(view.contact) is DeadlineStatus.OVERDUE


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"facility": ""}, "facility"),
        ({"discharged_on": date(2026, 11, 25)}, "discharge date"),  # tomorrow
        ({"admitted_on": date(2026, 11, 25)}, "admission date"),
        ({"admitted_on": date(2026, 11, 23), "discharged_on": date(2026, 11, 20)}, "discharge date"),
        ({"complexity": "low"}, "complexity"),
    ],
)
def test_a_refused_stay_names_the_field_and_stores_nothing(workspace, kwargs, field):
    pid = _patient(workspace, "S3")
    values = {"facility": "Mercy", "discharged_on": date(2026, 11, 20), **kwargs}
    before = workspace.audit_count()
    with pytest.raises(ValidationError) as caught:
        stay_service.add_stay(workspace, pid, **values)
    assert caught.value.field == field
    assert stay_service.stays(workspace, pid) == [] and workspace.audit_count() == before


def test_the_same_discharge_twice_is_refused(workspace):
    pid = _patient(workspace, "S4")
    stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="already recorded") as caught:
        stay_service.add_stay(workspace, pid, facility="Mercy General", discharged_on=date(2026, 11, 20))
    assert caught.value.field == "discharge date" and len(stay_service.stays(workspace, pid)) == 1


@pytest.mark.parametrize(
    ("record", "kwargs", "field"),
    [
        (stay_service.record_contact, {"on": date(2026, 11, 21), "channel": "letter"}, "contact channel"),
        (stay_service.record_contact, {"on": date(2026, 11, 21), "channel": "fax"}, "contact channel"),
        (stay_service.record_contact, {"on": date(2026, 11, 25), "channel": "phone"}, "TCM contact date"),
        (stay_service.record_contact, {"on": date(2026, 11, 19), "channel": "phone"}, "TCM contact date"),
        (stay_service.record_visit, {"on": date(2026, 11, 19)}, "face-to-face visit date"),
        (stay_service.record_reconciliation, {"on": date(2026, 11, 25)}, "medication reconciliation date"),
    ],
)
def test_a_refused_step_names_the_field_and_changes_nothing(workspace, record, kwargs, field):
    pid = _patient(workspace, "S5")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 20)).value
    with pytest.raises(ValidationError) as caught:
        record(workspace, stay.id, **kwargs)
    assert caught.value.field == field
    assert _view(workspace, pid).stay == stay


def test_a_letter_never_makes_the_tcm_contact_but_a_reached_phone_call_does(workspace):
    pid = _patient(workspace, "S6")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 23)).value
    with pytest.raises(ValidationError) as refused:  # a letter reaches no one by itself
        log_contact(workspace, pid, outcome="reached", minutes=5, channel="letter")
    assert refused.value.field == "outcome"
    by_letter = log_contact(workspace, pid, outcome="sent", minutes=5, channel="letter")
    assert not by_letter.transition_met and _view(workspace, pid).stay.contacted_on is None
    by_phone = log_contact(workspace, pid, outcome="reached", minutes=5, channel="phone")
    assert by_phone.transition_met and Kind.TRANSITION in by_phone.changes.kinds
    made = _view(workspace, pid).stay
    assert (made.contacted_on, made.contact_channel) == (date(2026, 11, 24), Channel.PHONE)
    assert made.id == stay.id


def test_a_reached_call_leaves_a_stay_past_its_tcm_period_alone(workspace):
    pid = _patient(workspace, "S7")
    stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 10, 1))
    assert not log_contact(workspace, pid, outcome="reached", minutes=5).transition_met
    assert _view(workspace, pid).stay.contacted_on is None


def test_two_timely_unanswered_attempts_are_shown_with_the_stay(workspace):
    pid = _patient(workspace, "S8")
    stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 20))  # contact due Tue 24
    log_contact(workspace, pid, outcome="voicemail", minutes=1, on=date(2026, 11, 19))  # before the discharge
    log_contact(workspace, pid, outcome="no answer", minutes=1, on=date(2026, 11, 20))
    log_contact(workspace, pid, outcome="voicemail", minutes=1, on=date(2026, 11, 23))
    log_contact(workspace, pid, outcome="sent", minutes=0, channel="letter")  # not interactive
    assert _view(workspace, pid).attempts == (date(2026, 11, 20), date(2026, 11, 23))


def test_change_the_stay_moves_its_deadlines_and_refuses_a_discharge_after_a_step(workspace):
    pid = _patient(workspace, "S9")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 16)).value
    changed = stay_service.change_stay(workspace, stay.id, complexity="high", facility="Mercy West")
    assert _view(workspace, pid).visit.due == date(2026, 11, 23)
    (event,) = _audit(workspace, actions.RECORD_CHANGED)
    assert event.detail == "facility; complexity" and changed.changes.kinds == {Kind.TRANSITION}
    stay_service.record_visit(workspace, stay.id, on=date(2026, 11, 18))
    with pytest.raises(ValidationError, match="face-to-face visit recorded on 11/18/2026") as caught:
        stay_service.change_stay(workspace, stay.id, discharged_on=date(2026, 11, 19))
    assert caught.value.field == "discharge date"
    assert _view(workspace, pid).stay.discharged_on == date(2026, 11, 16)


def test_remove_a_stay_entered_by_mistake(workspace):
    pid = _patient(workspace, "S10")
    stay = stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 23)).value
    queue = CallQueue(workspace)
    assert _stay_reasons(queue.build(), pid)
    gone = stay_service.remove_stay(workspace, stay.id)
    assert stay_service.stays(workspace, pid) == [] and _stay_reasons(queue.refresh(gone.changes.patients), pid) == []
    assert [e.entity_id for e in _audit(workspace, actions.RECORD_REMOVED)] == [str(stay.id)]
    with pytest.raises(NotFound):
        stay_service.record_visit(workspace, stay.id, on=date(2026, 11, 24))


def test_two_attempts_on_one_day_are_two_attempts(workspace):
    # CMS MLN908628 counts separate attempts, not days.
    pid = _patient(workspace, "S11")
    stay_service.add_stay(workspace, pid, facility="Mercy", discharged_on=date(2026, 11, 23))
    log_contact(workspace, pid, outcome="no answer", minutes=0, on=date(2026, 11, 23))
    log_contact(workspace, pid, outcome="voicemail", minutes=0, on=date(2026, 11, 23))
    assert _view(workspace, pid).attempts == (date(2026, 11, 23), date(2026, 11, 23))
