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
