"""Screens and the safety protocol on a real store: scored from the answers, incomplete kept,
safety flags that only a documented check clears, and the queue re-ranking at once.

Rules: SPEC section 3 (Assessments, Call queue) and issue 10; bands from Kroenke 2001 (PHQ-9),
the safety sum from the CMS AHC HRSN Screening Tool (questions 7-10, more than 10).
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import audit as events
from caredesk.domain.assessments import Instrument
from caredesk.domain.contacts import Activity, Outcome
from caredesk.domain.patients import Patient, Program
from caredesk.domain.queue import ReasonKind
from caredesk.domain.safety import SafetyAction
from caredesk.errors import NotFound, ValidationError
from caredesk.services import assessments as service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from tests.conftest import add_patient
from tests.services.test_calls import _patient

TODAY = date(2026, 11, 24)  # the clock fixture's clinic day
NOV3 = date(2026, 11, 3)
SEVERE = (3,) * 9
SAFE_SOCIAL = (0, 0, 0, 0, 0, 1, 1, 1, 1)
HARMED = (0, 0, 0, 0, 0, 4, 3, 2, 2)  # AHC questions 7-10 add up to 11: "might not be safe"
FOOD = (0, 1, 0, 0, 0, 1, 1, 1, 1)


def _reasons(queue: CallQueue, pid: int) -> list[tuple[ReasonKind, str]]:
    row = next((r for r in queue.rows if r.patient_id == pid), None)
    return [] if row is None else [(x.kind, x.text) for x in row.entry.reasons]


def _counts(ws) -> tuple[int, int, int]:
    with ws.uow() as uow:
        pid_rows = [p.id for p in uow.patients.summaries(TODAY)]
        screens = sum(len(uow.assessments.for_patient(p)) for p in pid_rows)
        minutes = sum(len(uow.time_entries.for_patient(p)) for p in pid_rows)
        return screens, minutes, uow.audit_log.count()


def test_nine_answers_of_3_are_saved_as_27_severe_with_an_open_safety_flag(workspace):
    pid = _patient(workspace, "A1")
    saved = service.record_assessment(workspace, pid, "PHQ-9", [3] * 9, NOV3)
    assert (saved.value.score, saved.value.band, saved.value.complete) == (27, "severe", True)
    assert saved.changes.patients == {pid} and saved.changes.kinds == {Kind.ASSESSMENT}
    (again,) = service.history(workspace, pid, Instrument.PHQ9)  # read back from the store
    assert (again.id, again.answers, again.score, again.band) == (saved.value.id, SEVERE, 27, "severe")
    (flag,) = service.open_safety_flags(workspace, pid)
    assert (flag.assessment_id, flag.taken_on, flag.what) == (saved.value.id, NOV3, "PHQ-9 item 9 positive")


def test_the_audit_names_the_screen_by_id_and_instrument_never_its_answers(workspace):
    pid = _patient(workspace, "A2")
    saved = service.record_assessment(workspace, pid, Instrument.GAD7, [2, 2, 1, 0, 3, 1, 1], NOV3)
    with workspace.uow() as uow:
        event = next(e for e in uow.audit_log.all() if e.entity == "assessment")
    assert (event.action, event.entity_id, event.detail) == (events.RECORD_CREATED, str(saved.value.id), "GAD-7")


def test_a_partial_answer_set_is_kept_incomplete_and_never_scored(workspace):
    pid = _patient(workspace, "A3")
    saved = service.record_assessment(
        workspace, pid, Instrument.PHQ9, [1, 2, None, None, 0, None, None, None, None], NOV3
    )
    (kept,) = service.history(workspace, pid)
    assert kept.answers == (1, 2, None, None, 0, None, None, None, None)
    assert (kept.complete, kept.score, kept.band) == (False, None, None)
    assert saved.value.id == kept.id and service.open_safety_flags(workspace, pid) == []


def test_history_is_oldest_first_and_by_instrument(workspace):
    pid = _patient(workspace, "A4")
    service.record_assessment(workspace, pid, Instrument.PHQ9, [1] * 9, date(2026, 11, 20))
    service.record_assessment(workspace, pid, Instrument.PHQ9, [2] * 8 + [0], date(2026, 8, 20))
    service.record_assessment(workspace, pid, Instrument.PHQ2, [1, 1], date(2026, 9, 1))
    assert [(a.taken_on, a.score) for a in service.history(workspace, pid, "PHQ-9")] == [
        (date(2026, 8, 20), 16),
        (date(2026, 11, 20), 9),
    ]
    assert [a.instrument for a in service.history(workspace, pid)] == [
        Instrument.PHQ9,
        Instrument.PHQ2,
        Instrument.PHQ9,
    ]


@pytest.mark.parametrize(
    ("instrument", "answers", "taken_on", "message"),
    [
        ("PHQ-9", [3] * 8, NOV3, "PHQ-9: needs 9 answers, not 8"),
        ("PHQ-9", [0, 0, 0, 4, 0, 0, 0, 0, 0], NOV3, "PHQ-9 item 4: must be one of 0, 1, 2, 3"),
        ("PHQ-8", [0] * 8, NOV3, "instrument: must be one of: PHQ-2, PHQ-9, GAD-7, social needs"),
        ("social needs y/n", [0] * 5, NOV3, "instrument: social needs y/n is kept for old screens"),
        ("PHQ-9", [0] * 9, date(2026, 11, 25), "date: cannot be in the future"),
        ("PHQ-9", [0] * 9, date(1949, 12, 31), "date: cannot be before the date of birth"),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_is_saved(workspace, instrument, answers, taken_on, message):
    pid = _patient(workspace, "A5")
    before = _counts(workspace)
    with pytest.raises(ValidationError) as err:
        service.record_assessment(workspace, pid, instrument, answers, taken_on)
    assert str(err.value).startswith(message)
    assert _counts(workspace) == before


def test_an_unknown_patient_is_not_found(workspace):
    with pytest.raises(NotFound):
        service.record_assessment(workspace, 999, "PHQ-2", [0, 0], NOV3)


def test_minutes_are_logged_as_assessment_time_in_the_same_unit_of_work(workspace):
    pid = _patient(workspace, "A6")
    saved = service.record_assessment(workspace, pid, "PHQ-2", [0, 1], TODAY, minutes=6)
    assert saved.changes.kinds == {Kind.ASSESSMENT, Kind.TIME}
    with workspace.uow() as uow:
        (entry,) = uow.time_entries.for_patient(pid)
    assert (entry.minutes, entry.activity, entry.program, entry.on) == (6, Activity.ASSESSMENT, Program.CCM, TODAY)
    before = _counts(workspace)
    with pytest.raises(ValidationError, match="minutes"):
        service.record_assessment(workspace, pid, "PHQ-2", [0, 1], TODAY, minutes=0)
    assert _counts(workspace) == before  # the screen was not kept without its minutes


def test_minutes_for_a_patient_in_no_program_are_refused(workspace):
    pid = add_patient(workspace, Patient(mrn="A7", given_name="N", family_name="P", birth_date=date(1950, 1, 1))).id
    with pytest.raises(ValidationError, match=r"^minutes: the patient is not enrolled"):
        service.record_assessment(workspace, pid, "PHQ-2", [0, 1], TODAY, minutes=5)
    assert service.history(workspace, pid) == []


def test_a_safety_check_clears_the_flag_and_is_kept_with_who_when_and_what(workspace):
    pid = _patient(workspace, "S1")
    screen = service.record_assessment(workspace, pid, "PHQ-9", [0] * 8 + [1], NOV3).value
    saved = service.record_safety_check(
        workspace, screen.id, ["crisis-line", SafetyAction.PCP_TOLD], "No plan or intent.", "Ana Ruiz, RN"
    )
    assert saved.changes.patients == {pid} and Kind.ASSESSMENT in saved.changes.kinds
    assert service.open_safety_flags(workspace, pid) == []
    (check,) = service.safety_checks(workspace, pid)
    assert check.action_labels == ("crisis line given (988)", "PCP told")
    assert (check.by, check.note, check.checked_at) == ("Ana Ruiz, RN", "No plan or intent.", workspace.clock.now())
    with workspace.uow() as uow:
        event = next(e for e in uow.audit_log.all() if e.entity == "safety check")
    assert event.detail == f"assessment {screen.id}"  # no note, no actions


def test_a_checked_screen_takes_no_second_safety_check_and_the_first_is_named(workspace):
    # Issue 10: the flag stays "until a safety check is documented (who, when, what was done)";
    # one record per flagged screen, so the history shows one answer to one flag.
    pid = _patient(workspace, "S4")
    screen = service.record_assessment(workspace, pid, "PHQ-9", [0] * 8 + [1], NOV3).value
    first = service.record_safety_check(workspace, screen.id, ["pcp-told"], "No plan.", "Ana Ruiz, RN").value
    assert first.summary(workspace.tz) == (
        "safety check 11/24/2026 10:30 AM by Ana Ruiz, RN: PCP told; note: No plan."
    )  # the clock fixture's 10:30 in the clinic's zone
    with pytest.raises(ValidationError) as refused:
        service.record_safety_check(workspace, screen.id, ["crisis-line"], "", "Ben Ode, LPN")
    assert str(refused.value) == (
        f"screen: screen {screen.id} already has a safety check (by Ana Ruiz, RN on 11/24/2026 10:30 AM)"
    )
    assert service.safety_checks(workspace, pid) == [first]


@pytest.mark.parametrize(
    ("actions", "note", "message"),
    [
        ([], "x", "actions: say what was done"),
        (["hugged"], "x", "actions: must be one of"),
        (["other"], "", "note: say what was done"),
    ],
)
def test_a_safety_check_without_what_was_done_is_refused(workspace, actions, note, message):
    pid = _patient(workspace, "S2")
    screen = service.record_assessment(workspace, pid, "PHQ-9", [0] * 8 + [2], NOV3).value
    with pytest.raises(ValidationError) as err:
        service.record_safety_check(workspace, screen.id, actions, note, "Ana Ruiz, RN")
    assert str(err.value).startswith(message)
    assert len(service.open_safety_flags(workspace, pid)) == 1 and service.safety_checks(workspace, pid) == []


def test_a_screen_without_a_safety_answer_takes_no_safety_check(workspace):
    pid = _patient(workspace, "S3")
    screen = service.record_assessment(workspace, pid, "PHQ-9", [3] * 8 + [0], NOV3).value
    with pytest.raises(ValidationError, match="raised no safety flag"):
        service.record_safety_check(workspace, screen.id, ["pcp-told"], "", "Ana Ruiz, RN")
    with pytest.raises(NotFound):
        service.record_safety_check(workspace, 9999, ["pcp-told"], "", "Ana Ruiz, RN")


# --- The queue follows at once (services.call_queue.CallQueue.refresh) ----------------------


def test_the_safety_flag_tops_the_queue_at_once_and_leaves_only_with_a_safety_check(workspace):
    pid, other = _patient(workspace, "Q1"), _patient(workspace, "Q2")
    queue = CallQueue(workspace)
    queue.build()
    saved = service.record_assessment(workspace, pid, "PHQ-9", [3] * 9, NOV3)
    rows = queue.refresh(saved.changes.patients)
    assert [r.patient_id for r in rows][:2] == [pid, other]  # ahead of a patient with no flag
    assert _reasons(queue, pid)[0] == (ReasonKind.SAFETY, "PHQ-9 item 9 positive on 11/03 - safety check")
    assert (ReasonKind.CLINICAL, "PHQ-9 27 - re-screen") in _reasons(queue, pid)  # the computed score

    # Reaching the patient, or a later calmer screen, is not a documented safety check.
    log_contact(workspace, pid, outcome=Outcome.REACHED, minutes=5)
    calmer = service.record_assessment(workspace, pid, "PHQ-9", [0] * 9, TODAY)
    queue.refresh(calmer.changes.patients)
    assert _reasons(queue, pid)[0] == (ReasonKind.SAFETY, "PHQ-9 item 9 positive on 11/03 - safety check")
    assert not any("re-screen" in text for _, text in _reasons(queue, pid))  # the latest PHQ-9 is 0

    checked = service.record_safety_check(workspace, saved.value.id, ["crisis-line"], "", "Ana Ruiz, RN")
    queue.refresh(checked.changes.patients)
    assert ReasonKind.SAFETY not in [k for k, _ in _reasons(queue, pid)]


def test_an_incomplete_screen_makes_no_reason_but_a_safety_answer_in_it_does(workspace):
    pid = _patient(workspace, "Q3")
    service.record_assessment(workspace, pid, "PHQ-9", [3] * 8 + [0], NOV3)  # 24, complete
    queue = CallQueue(workspace)
    queue.build()
    assert (ReasonKind.CLINICAL, "PHQ-9 24 - re-screen") in _reasons(queue, pid)
    later = service.record_assessment(workspace, pid, "PHQ-9", [0, 0] + [None] * 7, TODAY)
    queue.refresh(later.changes.patients)
    assert (ReasonKind.CLINICAL, "PHQ-9 24 - re-screen") in _reasons(queue, pid)  # still the latest complete one
    # Issue 10 keeps incomplete screens out of the reasons; a safety answer already given is
    # the exception (PHQ-9 item 9 above 0 is asked about whatever the total, Kroenke 2001).
    cut_short = service.record_assessment(workspace, pid, "PHQ-9", [None] * 8 + [1], TODAY)
    queue.refresh(cut_short.changes.patients)
    assert _reasons(queue, pid)[0] == (ReasonKind.SAFETY, "PHQ-9 item 9 positive on 11/24 - safety check")


def test_an_unfinished_phq9_and_a_positive_phq2_are_followed_up_from_the_store_at_once(workspace):
    """domain.screen_followups: an unasked item 9 is named; a positive PHQ-2 waits for its PHQ-9
    (Kroenke et al. 2003; SPEC section 3); both leave when a complete PHQ-9 is recorded."""
    pid = _patient(workspace, "Q5")
    queue = CallQueue(workspace)
    queue.build()
    half = service.record_assessment(workspace, pid, "PHQ-9", [3] * 8 + [None], TODAY)
    queue.refresh(half.changes.patients)
    assert (ReasonKind.CLINICAL, "PHQ-9 of 11/24 unfinished (8 of 9 answered) - item 9 not asked") in _reasons(
        queue, pid
    )
    phq2 = service.record_assessment(workspace, pid, "PHQ-2", [3, 3], TODAY)
    queue.refresh(phq2.changes.patients)
    assert (ReasonKind.CLINICAL, "PHQ-2 6 on 11/24 positive - PHQ-9 not done") in _reasons(queue, pid)
    done = service.record_assessment(workspace, pid, "PHQ-9", [3] * 8 + [0], TODAY)
    queue.refresh(done.changes.patients)
    assert not any("unfinished" in t or "PHQ-9 not done" in t for _, t in _reasons(queue, pid))


def test_a_positive_social_needs_safety_domain_is_a_safety_flag_not_a_social_needs_reason(workspace):
    pid = _patient(workspace, "Q4")
    queue = CallQueue(workspace)
    queue.build()
    saved = service.record_assessment(workspace, pid, Instrument.SOCIAL_NEEDS, HARMED, NOV3)
    queue.refresh(saved.changes.patients)
    reasons = _reasons(queue, pid)
    assert reasons[0] == (ReasonKind.SAFETY, "Social-needs safety item positive on 11/03 - safety check")
    assert not any("Social needs positive" in text for _, text in reasons)
    assert queue.rows[0].patient_id == pid


def test_a_positive_food_domain_is_a_social_needs_reason_and_a_negative_screen_is_none(workspace):
    pid = _patient(workspace, "Q5")
    queue = CallQueue(workspace)
    queue.build()
    queue.refresh(service.record_assessment(workspace, pid, "social needs", SAFE_SOCIAL, NOV3).changes.patients)
    assert not any("Social needs" in text for _, text in _reasons(queue, pid))
    queue.refresh(service.record_assessment(workspace, pid, "social needs", FOOD, TODAY).changes.patients)
    assert (ReasonKind.CLINICAL, "Social needs positive - food: no referral yet") in _reasons(queue, pid)
