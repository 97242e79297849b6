"""Issue 12's queue cases on a real store, through the services the app and the CLI call.

- A social-needs screen whose interpersonal-safety items are positive (AHC HRSN questions
  7-10 adding up to more than 10) is a safety flag: first in the queue, before patients with
  every other kind of reason, until a safety check is recorded (SPEC section 3).
- A patient who cannot bill is never chased for minutes; the queue says why.
- Minutes before consent never count, so the minutes and consent reasons agree (SPEC section 3
  "Consent comes first"; CMS MLN909188).
- A patient reached today stays in the queue (other reasons remain) after everyone not yet called.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain.contacts import Activity, Outcome
from caredesk.domain.patients import Condition, Enrollment, Patient, Program
from caredesk.domain.queue import ReasonKind
from caredesk.domain.safety import SafetyAction
from caredesk.services import assessments
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from tests.conftest import add_patient

TODAY = date(2026, 11, 24)  # the clock fixture's clinic day
HARMED_WITH_FOOD = (0, 1, 0, 0, 0, 4, 3, 2, 2)  # food positive; questions 7-10 add up to 11


def _patient(ws, mrn: str, *, conditions: int = 2, consent: date | None = date(2025, 1, 2)) -> int:
    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2025, 1, 1),
        consent_date=consent,
        consent_method="verbal" if consent else None,
    )
    p = add_patient(
        ws, Patient(mrn=mrn, given_name="Test", family_name=f"Patient{mrn}", birth_date=date(1950, 1, 1)), enrollment
    )
    with ws.uow() as uow:
        for code in ("E11.9", "I10", "J44.9")[:conditions]:
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _texts(queue: CallQueue, pid: int) -> list[str]:
    row = next((r for r in queue.rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons]


def _order(queue: CallQueue) -> list[int]:
    return [r.patient_id for r in queue.rows]


def test_a_social_needs_safety_flag_ranks_first_until_a_safety_check_is_recorded(workspace):
    others = [_patient(workspace, f"S{i}") for i in range(9)]  # never reached, short of minutes
    log_contact(workspace, others[0], outcome=Outcome.REACHED, minutes=5, on=date(2026, 11, 2), follow_up=TODAY)
    pid = _patient(workspace, "SAFE")
    saved = assessments.record_assessment(workspace, pid, "social needs", HARMED_WITH_FOOD, date(2026, 11, 20))
    queue = CallQueue(workspace)
    queue.build(TODAY)
    assert _order(queue)[0] == pid
    assert _texts(queue, pid)[0] == "Social-needs safety item positive on 11/20 - safety check"
    assert "Social needs positive - food: no referral yet" in _texts(queue, pid)
    # Reaching the patient is not a safety check: still first.
    done = log_contact(workspace, pid, outcome=Outcome.REACHED, minutes=25, on=TODAY)
    queue.refresh(done.changes.patients)
    assert _order(queue)[0] == pid
    checked = assessments.record_safety_check(
        workspace, saved.value.id, [SafetyAction.SAFETY_PLAN], "Safety plan reviewed.", "Ana Ruiz, RN"
    )
    queue.refresh(checked.changes.patients)
    assert not any(ReasonKind.SAFETY is r.kind for row in queue.rows for r in row.entry.reasons)
    assert pid not in _order(queue)[:9]


def test_ccm_with_one_chronic_condition_and_45_min_says_why_it_cannot_bill(workspace):
    pid = _patient(workspace, "ONE", conditions=1)
    log_time(workspace, pid, minutes=45, activity=Activity.COORDINATION, on=date(2026, 11, 10))
    queue = CallQueue(workspace)
    queue.build(TODAY)
    assert "CCM: 1 of 2 chronic conditions on file" in _texts(queue, pid)
    assert not any("min this month" in t for t in _texts(queue, pid))


def test_minutes_before_consent_do_not_count_and_the_reasons_agree(workspace):
    pid = _patient(workspace, "C20", consent=date(2026, 11, 20))
    log_time(workspace, pid, minutes=10, activity=Activity.COORDINATION, on=date(2026, 11, 3))
    log_time(workspace, pid, minutes=12, activity=Activity.COORDINATION, on=date(2026, 11, 12))
    log_time(workspace, pid, minutes=5, activity=Activity.COORDINATION, on=date(2026, 11, 23))
    queue = CallQueue(workspace)
    queue.build(TODAY)
    assert (
        _texts(queue, pid)[0] == "5 of 20 min this month, 4 working days left (22 min before consent 11/20 not counted)"
    )
    assert not any("consent on file" in t for t in _texts(queue, pid))
    # The queue of a day before the consent date: one consent reason, no minutes chase; the
    # 5 min logged on 11/23 had not been spent on 11/18.
    queue.build(date(2026, 11, 18))
    texts = _texts(queue, pid)
    assert "CCM consent starts 11/20 - 22 min not counted" in texts
    assert not any("of 20 min" in t for t in texts)


def test_a_patient_reached_today_ranks_after_the_patients_not_yet_called(workspace):
    first, second = _patient(workspace, "R1"), _patient(workspace, "R2")
    queue = CallQueue(workspace)
    queue.build(TODAY)
    assert _order(queue) == [first, second]  # equals: by id
    done = log_contact(workspace, first, outcome=Outcome.REACHED, minutes=8, on=TODAY)
    queue.refresh(done.changes.patients)
    assert _order(queue) == [second, first]  # still there: 8 of 20 min remains
    assert _texts(queue, first)[0] == "8 of 20 min this month, 4 working days left"
    assert _texts(queue, first)[-1].startswith("Reached today at ")
    queue.build(TODAY)  # a full build agrees with the re-rank
    assert _order(queue) == [second, first]
