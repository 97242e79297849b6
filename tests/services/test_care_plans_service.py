"""Care-plan use cases against a real store: autosave, finalize, versions, copy given, due plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.careplan import CarePlanContent, CarePlanVersion, GivenMethod
from caredesk.domain.careplan_templates import problem_from_template
from caredesk.domain.patients import Patient, Status
from caredesk.errors import ValidationError
from caredesk.services import care_plans as cp
from caredesk.services.access import Access
from caredesk.services.changes import Changes, Kind
from tests.conftest import PASSPHRASE, add_patient

TODAY = date(2026, 11, 24)  # the fixed clock's date


def _patient(ws, mrn: str, family: str = "Patient", status: Status = Status.ACTIVE) -> int:
    return add_patient(
        ws, Patient(mrn=mrn, given_name="Test", family_name=family, birth_date=date(1950, 1, 1), status=status)
    ).id


def _ready(*keys: str, review: date = date(2027, 3, 1)) -> CarePlanContent:
    return CarePlanContent(problems=tuple(problem_from_template(k, TODAY) for k in keys), next_review=review)


def _finalized(ws, pid: int, content: CarePlanContent):
    cp.save_draft(ws, pid, content)
    finalized = cp.finalize(ws, pid, "Nurse Kim")
    assert finalized.changes == Changes.of([pid], Kind.CARE_PLAN)  # the queue and the chart hear of it
    return finalized.value


def _actions(ws) -> list[str]:
    with ws.uow() as uow:
        return [e.action for e in uow.audit_log.all()]


def test_a_new_patient_starts_with_an_empty_draft(workspace):
    pid = _patient(workspace, "P1")
    draft = cp.get_draft(workspace, pid)
    assert draft.content == CarePlanContent() and draft.updated_at is None and cp.versions(workspace, pid) == []


def test_finalize_refuses_an_invalid_draft_with_messages_naming_items(workspace):
    pid = _patient(workspace, "P1")
    bad = _ready("diabetes", review=TODAY)
    dm = bad.problems[0]
    bad = replace(bad, problems=(dm, replace(dm, title="Heart failure", goals=())))
    cp.save_draft(workspace, pid, bad)
    with pytest.raises(cp.FinalizeRefused) as refused:
        cp.finalize(workspace, pid, "Nurse Kim")
    assert refused.value.problems == [
        "Problem 2 'Heart failure': needs at least one goal",
        "Next review date: must be after today",
    ]
    assert isinstance(refused.value, ValidationError) and "Heart failure" in str(refused.value)
    assert cp.versions(workspace, pid) == [] and actions.CARE_PLAN_FINALIZED not in _actions(workspace)


def test_finalize_numbers_versions_and_keeps_earlier_ones_unchanged(workspace, clock):
    pid = _patient(workspace, "P1")
    first_content = _ready("diabetes")
    v1 = _finalized(workspace, pid, first_content)
    assert (v1.number, v1.finalized_by, v1.finalized_at) == (1, "Nurse Kim", clock.now())
    # the draft stays, equal to the version, ready for the next review
    assert cp.get_draft(workspace, pid).content == first_content
    with pytest.raises(cp.FinalizeRefused, match="nothing changed since version 1"):
        cp.finalize(workspace, pid, "Nurse Kim")

    clock.advance(days=30)
    second_content = replace(_ready("diabetes", "copd"), next_review=date(2027, 5, 1))
    v2 = _finalized(workspace, pid, second_content)
    assert v2.number == 2
    stored = cp.versions(workspace, pid)
    assert [v.number for v in stored] == [1, 2]
    assert stored[0].content == first_content and stored[0].finalized_at == v1.finalized_at
    assert stored[1].content == second_content
    assert _actions(workspace).count(actions.CARE_PLAN_FINALIZED) == 2
    assert cp.version_diff(workspace, pid, 1, 2) == [
        "Problem 'COPD' added",
        "Next review changed from 03/01/2027 to 05/01/2027",
    ]


def test_versions_offer_no_way_to_change_content(workspace):
    pid = _patient(workspace, "P1")
    _finalized(workspace, pid, _ready("diabetes"))
    with workspace.uow() as uow:
        writes = {n for n in dir(uow.care_plans) if not n.startswith("_")} - {"s"}
    assert writes == {"draft", "save_draft", "versions", "version", "latest", "add_version", "set_copy_given", "due"}


def test_a_new_draft_starts_from_the_latest_version(workspace, clock):
    pid = _patient(workspace, "P1")
    content = _ready("hypertension")
    with workspace.uow() as uow:  # a version with no draft kept, as an imported or demo plan
        uow.care_plans.add_version(
            CarePlanVersion(
                patient_id=pid, number=1, content=content, finalized_at=clock.now(), finalized_by="Nurse Kim"
            )
        )
        uow.commit()
    draft = cp.get_draft(workspace, pid)
    assert draft.content == content and draft.updated_at is None


def test_autosaved_draft_survives_a_lock_and_unlock(workspace, folder, clock):
    pid = _patient(workspace, "P1")
    half_done = CarePlanContent(problems=(problem_from_template("depression", TODAY),), barriers="No car")
    saved = cp.save_draft(workspace, pid, half_done).value
    assert saved.updated_at == clock.now()
    before = workspace.audit_count()
    cp.save_draft(workspace, pid, replace(half_done, strengths="Church group"))
    assert workspace.audit_count() == before  # autosave is not audited
    workspace.lock()

    reopened = Access(folder, clock).unlock(PASSPHRASE)
    try:
        draft = cp.get_draft(reopened, pid)
        assert draft.content == replace(half_done, strengths="Church group")
        assert draft.updated_at == clock.now()
    finally:
        reopened.lock()


def test_copy_given_is_recorded_once_per_version_and_not_in_the_future(workspace):
    pid = _patient(workspace, "P1")
    _finalized(workspace, pid, _ready("copd"))
    with pytest.raises(ValidationError, match="copy given date: cannot be in the future"):
        cp.record_copy_given(workspace, pid, 1, date(2026, 11, 25), GivenMethod.MAIL)
    with pytest.raises(ValidationError, match="before version 1 was finalized"):
        cp.record_copy_given(workspace, pid, 1, date(2026, 11, 23), GivenMethod.MAIL)
    with pytest.raises(ValidationError, match="copy given method"):
        cp.record_copy_given(workspace, pid, 1, TODAY, "fax")
    with pytest.raises(ValidationError, match="no version 2"):
        cp.record_copy_given(workspace, pid, 2, TODAY, "mail")

    recorded = cp.record_copy_given(workspace, pid, 1, TODAY, "in person")
    assert recorded.changes == Changes.of([pid], Kind.CARE_PLAN)
    given = recorded.value
    assert (given.given_on, given.given_method) == (TODAY, GivenMethod.IN_PERSON)
    with pytest.raises(ValidationError, match="already given on 11/24/2026"):
        cp.record_copy_given(workspace, pid, 1, TODAY, GivenMethod.PORTAL)
    (stored,) = cp.versions(workspace, pid)
    assert (stored.given_on, stored.given_method) == (TODAY, GivenMethod.IN_PERSON)
    assert stored.content == _ready("copd")
    assert _actions(workspace).count(actions.COPY_GIVEN) == 1


def test_due_plans_lists_versions_not_yet_given(workspace, clock):
    given = _patient(workspace, "P1", "Adams")
    revised = _patient(workspace, "P2", "Baker")
    waiting = _patient(workspace, "P3", "Cruz")
    gone = _patient(workspace, "P4", "Diaz", status=Status.DISENROLLED)
    _patient(workspace, "P5", "Evans")  # no plan yet
    for pid in (given, revised, waiting, gone):
        _finalized(workspace, pid, _ready("diabetes"))
    cp.record_copy_given(workspace, given, 1, TODAY, "portal")
    cp.record_copy_given(workspace, revised, 1, TODAY, "mail")
    _finalized(workspace, revised, _ready("diabetes", "hypertension"))  # version 2, not given

    due = cp.due_plans(workspace)
    assert [(v.patient_id, v.number) for v in due] == [(revised, 2), (waiting, 1)]


def test_draft_changes_against_the_latest_version(workspace):
    pid = _patient(workspace, "P1")
    _finalized(workspace, pid, _ready("diabetes"))
    cp.save_draft(workspace, pid, _ready("diabetes", "depression"))
    assert cp.draft_changes(workspace, pid) == ["Problem 'Depression' added"]
