"""Referrals until the loop closes, on a real store: steps, dates, suggestions, the queue.

Sources: SPEC section 3 (Assessments: a positive domain suggests a referral to a matching
community resource; Call queue: "positive social-needs screen without a referral" and "a
referral with no news for 14 days" are clinical flags); issue 10 ("Food bank referral sent
11/03 - no news"; closing it clears the reason); the social-needs items are the CMS AHC HRSN
Screening Tool's (question 3, food: "sometimes true" is positive).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.domain import audit as events
from caredesk.domain.community import Need
from caredesk.domain.patients import Status
from caredesk.domain.referrals import ReferralStatus
from caredesk.errors import NotFound, ValidationError
from caredesk.services import assessments as screens
from caredesk.services import community as directory
from caredesk.services import referrals as service
from caredesk.services.call_queue import CallQueue
from caredesk.services.changes import Kind
from caredesk.services.patient_records import set_status
from tests.conftest import TODAY
from tests.services.test_calls import _patient

S = ReferralStatus
FOOD = (0, 1, 0, 0, 0, 1, 1, 1, 1)  # AHC question 3 "sometimes true": food positive, nothing else
NOV3 = date(2026, 11, 3)


@pytest.fixture
def pantry(workspace) -> int:
    return directory.add_resource(workspace, name="Food bank", needs="food", phone="555-010-2001").value.id


def _texts(queue: CallQueue, pid: int) -> list[str]:
    row = next((r for r in queue.rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons]


def test_a_referral_goes_through_every_state_with_its_dated_steps_and_notes(workspace, pantry):
    pid = _patient(workspace, "R1")
    made = service.refer(workspace, pid, pantry, "food", on=NOV3, note="Positive food screen")
    assert made.changes.patients == {pid} and made.changes.kinds == {Kind.REFERRAL}
    rid = made.value.id
    service.record_step(workspace, rid, "sent", on=date(2026, 11, 4), note="Faxed")
    service.record_step(workspace, rid, S.ACCEPTED, on=date(2026, 11, 10))
    done = service.record_step(workspace, rid, "completed", note="Groceries delivered").value
    (view,) = service.referrals(workspace, pid)
    assert view.referral == done and view.resource.name == "Food bank"
    assert [(s.status, s.on, s.note) for s in view.referral.steps] == [
        (S.PROPOSED, NOV3, "Positive food screen"),
        (S.SENT, date(2026, 11, 4), "Faxed"),
        (S.ACCEPTED, date(2026, 11, 10), ""),
        (S.COMPLETED, TODAY, "Groceries delivered"),
    ]
    assert (done.need, done.opened_on, done.closed_on) == (Need.FOOD, NOV3, TODAY)


def test_a_step_out_of_order_is_refused_naming_the_step_and_nothing_is_saved(workspace, pantry):
    pid = _patient(workspace, "R2")
    rid = service.refer(workspace, pid, pantry, "food", on=NOV3).value.id
    with pytest.raises(ValidationError, match="status: a proposed referral cannot be completed before it is sent"):
        service.record_step(workspace, rid, "completed")
    with pytest.raises(ValidationError, match=r"status: must be one of: sent, declined, closed; or proposed again"):
        service.record_step(workspace, rid, "faxed")
    assert len(service.referral(workspace, rid).referral.steps) == 1


def test_step_dates_are_never_in_the_future_before_the_last_step_or_before_birth(workspace, pantry):
    pid = _patient(workspace, "R3")
    with pytest.raises(ValidationError, match="date: cannot be before the date of birth"):
        service.refer(workspace, pid, pantry, "food", on=date(1949, 1, 1))
    rid = service.refer(workspace, pid, pantry, "food", on=NOV3).value.id
    with pytest.raises(ValidationError, match="date: cannot be in the future"):
        service.record_step(workspace, rid, "sent", on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match=r"date: cannot be before the last step \(proposed on 11/03/2026\)"):
        service.record_step(workspace, rid, "sent", on=date(2026, 11, 2))
    assert service.referral(workspace, rid).referral.status is S.PROPOSED


def test_after_a_death_only_closing_is_recorded_and_no_new_referral_is_made(workspace, pantry):
    pid = _patient(workspace, "R4")
    rid = service.refer(workspace, pid, pantry, "food", on=NOV3).value.id
    set_status(workspace, pid, Status.DECEASED, died_on=date(2026, 11, 10))
    with pytest.raises(ValidationError, match="date: cannot be after the date of death"):
        service.record_step(workspace, rid, "sent", on=date(2026, 11, 12))
    assert service.record_step(workspace, rid, "closed", note="Patient died").value.status is S.CLOSED
    with pytest.raises(ValidationError, match="referral: cannot be added: the patient is recorded as deceased"):
        service.refer(workspace, pid, pantry, "food", on=NOV3)


def test_a_second_open_referral_to_the_same_resource_for_the_same_need_is_refused(workspace, pantry):
    pid = _patient(workspace, "R5")
    first = service.refer(workspace, pid, pantry, "food", on=NOV3).value
    service.record_step(workspace, first.id, "sent", on=date(2026, 11, 4))
    with pytest.raises(ValidationError) as refused:
        service.refer(workspace, pid, pantry, "food")
    assert str(refused.value) == f"resource: has an open referral for this need (referral {first.id}, sent 11/04/2026)"
    service.record_step(workspace, first.id, "declined")
    assert service.refer(workspace, pid, pantry, "food").value.status is S.PROPOSED  # a new try


def test_an_inactive_resource_and_unknown_ids_are_refused(workspace, pantry):
    pid = _patient(workspace, "R6")
    directory.change_resource(workspace, pantry, active=False)
    with pytest.raises(ValidationError, match="resource: is marked inactive"):
        service.refer(workspace, pid, pantry, "food")
    with pytest.raises(NotFound, match=r"No community resource with id 77\."):
        service.refer(workspace, pid, 77, "food")
    with pytest.raises(NotFound, match=r"No referral with id 77\."):
        service.record_step(workspace, 77, "sent")


def test_the_audit_names_the_referral_by_id_and_step_never_need_resource_or_note(workspace, pantry):
    pid = _patient(workspace, "R7")
    rid = service.refer(workspace, pid, pantry, "food", on=NOV3, note="Lives alone").value.id
    service.record_step(workspace, rid, "sent", note="Faxed to Food bank")
    with workspace.uow() as uow:
        trail = [(e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all() if e.entity == "referral"]
    assert trail == [
        (events.RECORD_CREATED, "referral", str(rid), "proposed"),
        (events.RECORD_CHANGED, "referral", str(rid), "sent"),
    ]


def test_a_positive_food_item_suggests_a_food_resource_and_the_referral_answers_it(workspace, pantry):
    pid = _patient(workspace, "R8")
    directory.add_resource(workspace, name="Senior Rides", needs="transportation")
    assert service.suggestions(workspace, pid).screen is None
    screen = screens.record_assessment(workspace, pid, "social needs", FOOD, NOV3).value
    found = service.suggestions(workspace, pid)
    assert found.screen == screen
    (food,) = found.needs
    assert (food.need, [r.name for r in food.resources], food.referred) == (Need.FOOD, ["Food bank"], False)
    made = service.refer(workspace, pid, pantry, food.need, assessment_id=screen.id).value
    assert made.assessment_id == screen.id
    assert service.suggestions(workspace, pid).needs[0].referrals == (made,)


def test_a_referral_is_not_dated_before_the_screen_it_answers_nor_linked_to_another_patients(workspace, pantry):
    pid, other = _patient(workspace, "R9"), _patient(workspace, "R10")
    screen = screens.record_assessment(workspace, pid, "social needs", FOOD, NOV3).value
    with pytest.raises(ValidationError, match=r"date: cannot be before the screen that prompted it \(11/03/2026\)"):
        service.refer(workspace, pid, pantry, "food", on=date(2026, 11, 2), assessment_id=screen.id)
    with pytest.raises(ValidationError, match=f"screen: screen {screen.id} is not one of this patient's screens"):
        service.refer(workspace, other, pantry, "food", assessment_id=screen.id)


def test_only_a_social_needs_screen_that_found_the_need_positive_prompts_a_referral(workspace, pantry):
    # SPEC section 3, Assessments: "a positive domain suggests a referral"; a PHQ-9 has no
    # social-needs domain, and a screen negative for food did not prompt a food referral.
    pid = _patient(workspace, "R11")
    phq9 = screens.record_assessment(workspace, pid, "PHQ-9", (1,) * 8 + (0,), NOV3).value
    with pytest.raises(ValidationError, match=f"screen: screen {phq9.id} is a PHQ-9, not a social-needs screen"):
        service.refer(workspace, pid, pantry, "food", assessment_id=phq9.id)
    rides = directory.add_resource(workspace, name="Rides", needs="transportation").value.id
    social = screens.record_assessment(workspace, pid, "social needs", FOOD, NOV3).value
    with pytest.raises(
        ValidationError,
        match=f"screen: screen {social.id} \\(11/03/2026\\) did not find transportation positive \\(it found: food\\)",
    ):
        service.refer(workspace, pid, rides, "transportation", assessment_id=social.id)
    assert service.referrals(workspace, pid) == []
    assert service.refer(workspace, pid, rides, "transportation").value.assessment_id is None  # unlinked: fine


def test_the_social_needs_reason_names_the_needs_without_a_referral_until_each_has_one(workspace, pantry):
    pid = _patient(workspace, "Q1")
    queue = CallQueue(workspace)
    queue.build()
    # AHC HRSN: housing (question 1), food (3), utilities (6) positive; safety items low.
    three = (1, 1, 0, 0, 1, 1, 1, 1, 1)
    queue.refresh(screens.record_assessment(workspace, pid, "social needs", three, NOV3).changes.patients)
    assert "Social needs positive - housing, food, utilities: no referral yet" in _texts(queue, pid)
    rides = directory.add_resource(workspace, name="Rides", needs="transportation").value.id
    queue.refresh(service.refer(workspace, pid, rides, "transportation", on=NOV3).changes.patients)
    assert "Social needs positive - housing, food, utilities: no referral yet" in _texts(queue, pid)  # not its need
    queue.refresh(service.refer(workspace, pid, pantry, "food", on=NOV3).changes.patients)
    assert "Social needs positive - housing, utilities: no referral yet" in _texts(queue, pid)
    waiting = [s.need for s in service.suggestions(workspace, pid).needs if not s.referred]
    assert waiting == [Need.HOUSING, Need.UTILITIES]  # the chart's suggestion line says the same
    help_desk = directory.add_resource(workspace, name="Help desk", needs="housing;utilities").value.id
    service.refer(workspace, pid, help_desk, "housing", on=NOV3)
    queue.refresh(service.refer(workspace, pid, help_desk, "utilities", on=NOV3).changes.patients)
    assert not any(t.startswith("Social needs positive") for t in _texts(queue, pid))


def test_no_news_for_14_days_is_a_queue_reason_until_a_step_is_recorded_or_it_is_closed(workspace, pantry):
    pid = _patient(workspace, "Q2")
    queue = CallQueue(workspace)
    queue.build()
    rid = service.refer(workspace, pid, pantry, "food", on=TODAY - timedelta(days=20)).value.id
    sent_13 = TODAY - timedelta(days=13)
    queue.refresh(service.record_step(workspace, rid, "sent", on=sent_13).changes.patients)
    assert not any("no news" in t for t in _texts(queue, pid))  # 13 quiet days
    queue.build(TODAY + timedelta(days=1))  # the next day: 14
    assert f"Food bank referral sent {sent_13:%m/%d} - no news" in _texts(queue, pid)
    news = service.record_step(workspace, rid, "sent", on=TODAY, note="Called: still on the wait list")
    queue.refresh(news.changes.patients)
    assert not any("no news" in t for t in _texts(queue, pid))  # news clears it

    queue.build(TODAY + timedelta(days=14))
    assert any("no news" in t for t in _texts(queue, pid))
    workspace.clock.advance(days=14)
    queue.refresh(service.record_step(workspace, rid, "closed", note="Moved away").changes.patients)
    assert not any("no news" in t for t in _texts(queue, pid))


def test_a_rename_of_the_resource_re_ranks_the_patients_referred_to_it(workspace, pantry):
    pid = _patient(workspace, "Q3")
    service.refer(workspace, pid, pantry, "food", on=NOV3)
    changed = directory.change_resource(workspace, pantry, name="Riverside Food Pantry")
    assert changed.changes.patients == {pid} and changed.changes.kinds == {Kind.REFERRAL}


def test_a_paused_patient_never_appears_for_a_quiet_referral(workspace, pantry):
    pid = _patient(workspace, "Q4", status=Status.PAUSED)
    service.refer(workspace, pid, pantry, "food", on=NOV3)
    queue = CallQueue(workspace)
    queue.build()
    assert _texts(queue, pid) == []
