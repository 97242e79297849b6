"""Call drafts in a real store: kept per patient, restored as they were, gone when discarded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from caredesk.domain.call_draft import CallDraft
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Patient, Program
from caredesk.services import call_drafts
from tests.conftest import PASSPHRASE, add_patient


def _patient(ws, mrn: str) -> int:
    return add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name="Draft", birth_date=date(1950, 1, 1))).id


def test_a_draft_survives_a_lock_and_comes_back_as_it_was(workspace, access, clock):
    pid = _patient(workspace, "D1")
    draft = CallDraft(
        patient_id=pid,
        updated_at=clock.now(),
        outcome=Outcome.REACHED,
        note="Talked about the new meter",
        minutes=14,
        minutes_edited=True,
        program=Program.CCM,
        follow_up=date(2026, 12, 7),
        elapsed_seconds=841.5,
    )
    call_drafts.save(workspace, draft)
    workspace.lock()
    ws = access.unlock(PASSPHRASE)
    try:
        assert call_drafts.load(ws, pid) == draft
        assert call_drafts.patients_with_drafts(ws) == {pid}
    finally:
        ws.lock()


def test_saving_again_replaces_and_an_empty_draft_removes(workspace, clock):
    pid = _patient(workspace, "D2")
    first = CallDraft(patient_id=pid, updated_at=clock.now(), note="first")
    call_drafts.save(workspace, first)
    call_drafts.save(workspace, replace(first, note="second"))
    loaded = call_drafts.load(workspace, pid)
    assert loaded is not None and loaded.note == "second"
    call_drafts.save(workspace, CallDraft(patient_id=pid, updated_at=clock.now()))
    assert call_drafts.load(workspace, pid) is None


def test_discard_drops_only_that_patients_draft(workspace, clock):
    a, b = _patient(workspace, "D3"), _patient(workspace, "D4")
    for pid in (a, b):
        call_drafts.save(workspace, CallDraft(patient_id=pid, updated_at=clock.now(), minutes=3))
    call_drafts.discard(workspace, a)
    call_drafts.discard(workspace, a)  # twice is harmless
    assert call_drafts.patients_with_drafts(workspace) == {b}


def test_a_kept_draft_keeps_its_patient_in_the_queue_after_a_same_day_no_answer(workspace, clock):
    # A tester kept a call for a patient whose no answer was logged that day: the patient waits a
    # business day (SPEC 3), and the draft opens only from the queue's call panel.
    from caredesk.domain.patients import Enrollment
    from caredesk.services.call_queue import CallQueue
    from caredesk.services.calls import log_contact

    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2025, 1, 1),
        consent_date=date(2025, 1, 2),
        consent_method="verbal",
    )
    patient = Patient(mrn="D4", given_name="Test", family_name="Draft", birth_date=date(1950, 1, 1))
    pid = add_patient(workspace, patient, enrollment).id
    log_contact(workspace, pid, outcome=Outcome.NO_ANSWER, minutes=0)
    queue = CallQueue(workspace)
    assert pid not in [r.patient_id for r in queue.build()]
    call_drafts.save(workspace, CallDraft(patient_id=pid, updated_at=clock.now(), note="Called back at 2"))
    rows = queue.refresh([pid])
    assert rows[0].patient_id == pid
    assert rows[0].entry.top.text == "Unsaved call kept as a draft on 11/24"
    call_drafts.discard(workspace, pid)
    assert pid not in [r.patient_id for r in queue.refresh([pid])]
