"""Letters on a real store: the PDF from the patient's record and the practice details, and
recording it as sent (a letter contact, the letter task closed, the queue's letter reason gone).

SPEC section 3: after three unanswered attempts in a month a letter task is proposed; a TCM
"interactive contact" is a phone, video, portal or face-to-face contact; a letter never is
(CMS MLN908628).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from caredesk.domain import audit as actions
from caredesk.domain.contacts import Channel, Outcome
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.domain.patients import Medication, Patient
from caredesk.domain.practice import PracticeProfile
from caredesk.domain.queue import ReasonKind
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import letters
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from caredesk.services.practice import save_profile
from caredesk.services.stays import add_stay, stays
from caredesk.services.tasks import tasks
from tests.domain.test_letters import PRACTICE
from tests.services.test_calls import _patient

TODAY = date(2026, 11, 24)
TOMORROW = date(2026, 11, 25)
ADDRESS = "4821 Larkspur Ave, Springfield, IL 62701"


def _unreached(ws, mrn: str, *, address: str = ADDRESS) -> int:
    """A CCM patient (diabetes and hypertension on file, a medication, a call note) whose last
    three calls this month went unanswered: the third proposed the letter task."""
    pid = _patient(ws, mrn)
    with ws.uow() as uow:
        p = uow.patients.get(pid)
        uow.patients.update(Patient(**{**{f: getattr(p, f) for f in p.__slots__}, "address": address}))
        uow.medications.add(Medication(patient_id=pid, name="Metformin", dose="500 mg", frequency="twice a day"))
        uow.commit()
    log_contact(ws, pid, outcome="reached", minutes=5, on=date(2026, 11, 2), note="Insulin questions")
    for day, outcome in ((date(2026, 11, 16), "voicemail"), (date(2026, 11, 19), "no answer")):
        log_contact(ws, pid, outcome=outcome, minutes=0, on=day)
    assert log_contact(ws, pid, outcome="voicemail", minutes=0).letter_task is not None
    return pid


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\u00a0", " ")


def _letter_reasons(ws, pid: int) -> list[str]:
    # Tomorrow's queue: after today's unanswered call the patient waits a business day.
    row = next((r for r in CallQueue(ws).build(TOMORROW) if r.patient_id == pid), None)
    return [] if row is None else [r.text for r in row.entry.reasons if r.kind is ReasonKind.LETTER]


@pytest.fixture
def out_dir(tmp_path) -> Path:
    """Where the letters go (tmp_path also holds the store's data folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def practice(workspace):
    save_profile(workspace, PRACTICE)
    return workspace


def test_the_letter_lists_this_months_unanswered_calls_and_the_practice_phone(practice):
    pid = _unreached(practice, "L1")
    text = _text(letters.render(practice, pid, large_print=False))
    for day in ("11/16/2026", "11/19/2026", "11/24/2026"):
        assert day in text
    assert "11/02/2026" not in text  # the call that reached the patient is not an attempt
    assert "Please call us at (555) 019-4321." in text
    assert "Dear Test," in text and "4821 Larkspur Ave" in text and "Springfield, IL 62701" in text


def test_no_diagnosis_medication_note_or_program_is_in_the_letter(practice):
    pid = _unreached(practice, "L2")
    with practice.uow() as uow:
        conditions = uow.conditions.for_patient(pid)
    assert {c.icd10 for c in conditions} == {"E11.9", "I10"}
    text = _text(letters.render(practice, pid, large_print=True)).lower()
    for clinical in ("e11", "i10", "diabetes", "hypertension", "metformin", "500 mg", "insulin", "ccm"):
        assert clinical not in text


def test_large_print_sets_the_body_larger(practice):
    pid = _unreached(practice, "L3")

    def body_size(data: bytes) -> float:
        sizes: list[float] = []
        PdfReader(io.BytesIO(data)).pages[0].extract_text(
            visitor_text=lambda t, _cm, _tm, _f, size: sizes.append(size) if t.startswith("Dear") else None
        )
        return sizes[0]

    assert body_size(letters.render(practice, pid, large_print=True)) > body_size(
        letters.render(practice, pid, large_print=False)
    )


@pytest.mark.parametrize(
    ("blank", "field"),
    [({"practice_phone": ""}, "practice phone"), ({"practice_address": ""}, "practice address")],
)
def test_a_missing_practice_detail_is_refused_naming_it_and_nothing_is_written(practice, out_dir, blank, field):
    pid = _unreached(practice, "L4")
    save_profile(practice, PracticeProfile(**(PRACTICE.as_dict() | blank)))
    before = practice.audit_count()
    out = out_dir / "letter.pdf"
    with pytest.raises(ValidationError) as err:
        letters.save(practice, pid, out, large_print=False)
    assert err.value.field == field and "Practice details" in str(err.value)
    assert not out.exists() and list(out_dir.iterdir()) == [] and practice.audit_count() == before


def test_a_patient_without_an_address_is_refused_naming_the_field(practice, out_dir):
    pid = _unreached(practice, "L5", address="")
    with pytest.raises(ValidationError) as err:
        letters.save(practice, pid, out_dir / "letter.pdf", large_print=False)
    assert err.value.field == "address"
    assert list(out_dir.iterdir()) == []


def test_saving_writes_the_pdf_and_audits_it_by_id(practice, out_dir):
    pid = _unreached(practice, "L6")
    out = out_dir / letters.default_file_name(TODAY)
    letters.save(practice, pid, out, large_print=True)
    assert out.name == "letter-2026-11-24.pdf" and out.read_bytes().startswith(b"%PDF")
    with practice.uow() as uow:
        printed = [e for e in uow.audit_log.all() if e.action == actions.PRINTED and e.entity == "letter"]
    assert [(e.entity_id, e.detail) for e in printed] == [(str(pid), "saved as PDF, large print")]


def test_a_failed_write_leaves_no_file_and_no_audit(practice, out_dir):
    pid = _unreached(practice, "L7")
    before = practice.audit_count()
    with pytest.raises(CareDeskError):
        letters.save(practice, pid, out_dir / "missing" / "letter.pdf", large_print=False)
    assert practice.audit_count() == before and list(out_dir.iterdir()) == []


def test_marking_sent_records_a_letter_contact_closes_the_task_and_ends_the_letter_reason(practice):
    pid = _unreached(practice, "L8")
    assert _letter_reasons(practice, pid) == ["3 calls unanswered this month - send a letter"]
    saved = letters.record_sent(practice, pid)
    assert saved.changes.patients == {pid} and saved.changes.kinds == {Kind.CONTACT, Kind.TASK}
    assert (saved.value.contact.channel, saved.value.contact.outcome) == (Channel.LETTER, Outcome.SENT)
    assert saved.value.tasks_closed == 1 and saved.value.contact.at == practice.clock.now()
    (task,) = [t for t in tasks(practice, pid, include_done=True) if t.kind is TaskKind.LETTER]
    assert task.status is TaskStatus.DONE and task.done_at == practice.clock.now()
    assert _letter_reasons(practice, pid) == []
    # A fourth unanswered call this month proposes no second letter.
    assert log_contact(practice, pid, outcome="no answer", minutes=0).letter_task is None
    assert _letter_reasons(practice, pid) == []
    with practice.uow() as uow:
        events = [(e.action, e.entity, e.detail) for e in uow.audit_log.all()][-4:-1]
    assert (actions.RECORD_CREATED, "contact", "letter sent") in events
    assert (actions.RECORD_CHANGED, "task", "letter task done: letter sent") in events


def test_a_letter_is_no_tcm_interactive_contact_and_does_not_count_as_reaching_the_patient(practice):
    pid = _unreached(practice, "L9")
    stay = add_stay(practice, pid, facility="Demo General", discharged_on=date(2026, 11, 23)).value
    letters.record_sent(practice, pid)
    (view,) = [v for v in stays(practice, pid) if v.stay.id == stay.id]
    assert view.stay.contacted_on is None and view.stay.contact_channel is None
    row = next(r for r in CallQueue(practice).build(TOMORROW) if r.patient_id == pid)
    assert any(r.kind is ReasonKind.TRANSITION for r in row.entry.reasons)  # the TCM contact is still due
    with practice.uow() as uow:
        summary = uow.patients.summaries(TODAY, [pid])[0]
    assert summary.last_reached == date(2026, 11, 2)


def test_a_letter_sent_without_an_open_task_still_ends_the_letter_reason(practice):
    from caredesk.services.tasks import cancel_task

    pid = _unreached(practice, "L10")
    (task,) = tasks(practice, pid)
    cancel_task(practice, task.id)
    letters.record_sent(practice, pid, date(2026, 11, 24))
    closed = [t for t in tasks(practice, pid, include_done=True) if t.kind is TaskKind.LETTER]
    assert sorted(t.status.value for t in closed) == ["cancelled", "done"]
    assert _letter_reasons(practice, pid) == []


@pytest.mark.parametrize("on", [date(2026, 11, 25), date(1949, 12, 31)])
def test_a_future_or_impossible_sent_date_is_refused_and_nothing_is_saved(practice, on):
    pid = _unreached(practice, "L11")
    before = practice.audit_count()
    with pytest.raises(ValidationError) as err:
        letters.record_sent(practice, pid, on)
    assert err.value.field == "date" and practice.audit_count() == before
    assert [t.status for t in tasks(practice, pid)] == [TaskStatus.OPEN]


def test_default_file_name_is_by_date_never_by_name():
    assert letters.default_file_name(date(2026, 11, 24)) == "letter-2026-11-24.pdf"
