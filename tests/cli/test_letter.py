"""`caredesk letter` as a user runs it, in real processes over a real encrypted store.

The processes' clock is pinned to tests.conftest.NOW ($CAREDESK_CLOCK), so "today" is TODAY.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from caredesk.domain.contacts import Channel, Outcome
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.domain.patients import Patient
from caredesk.domain.practice import PracticeProfile
from caredesk.domain.queue import ReasonKind
from caredesk.services.access import Access
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.practice import save_profile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, TODAY, ZONE, add_patient, templated
from tests.domain.test_letters import PRACTICE

CALL_DAYS = (TODAY - timedelta(days=8), TODAY - timedelta(days=5), TODAY)


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """L0001 with an address and three unanswered calls this month (the letter task is open);
    L0002 the same without an address (a copy of the worker's, tests.conftest.templated)."""
    templated(store_templates, clock, "cli-letter", _two_awaiting_a_letter, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _two_awaiting_a_letter(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        save_profile(ws, PRACTICE)
        for mrn, address in (("L0001", "4821 Larkspur Ave, Springfield, IL 62701"), ("L0002", "")):
            p = add_patient(
                ws,
                Patient(
                    mrn=mrn, given_name="Zoë", family_name="Núñez", birth_date=TODAY.replace(year=1950), address=address
                ),
            )
            for day in CALL_DAYS:
                log_contact(ws, p.id, outcome="voicemail", minutes=0, on=day)
    finally:
        ws.lock()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def body_size(data: bytes) -> float:
    sizes: list[float] = []
    PdfReader(io.BytesIO(data)).pages[0].extract_text(
        visitor_text=lambda t, _cm, _tm, _f, size: sizes.append(size) if t.startswith("Dear") else None
    )
    return sizes[0]


def letter(store: DataFolder, *args: str):
    return run("letter", "--data-dir", str(store.path), *args, env=pw_env())


def state(folder: DataFolder, clock, mrn: str = "L0001"):
    """(letter contacts, letter task statuses, letter reasons in tomorrow's queue); every unlock
    is audited, so audit counts are not compared across processes."""
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            pid = next(p.id for p in uow.patients.summaries(TODAY) if p.mrn == mrn)
            contacts = [c for c in uow.contacts.for_patient(pid) if c.channel is Channel.LETTER]
            statuses = [t.status for t in uow.tasks.for_patient(pid) if t.kind is TaskKind.LETTER]
        row = next((r for r in CallQueue(ws).build(TODAY + timedelta(days=1)) if r.patient_id == pid), None)
        reasons = [] if row is None else [r.text for r in row.entry.reasons if r.kind is ReasonKind.LETTER]
        return contacts, statuses, reasons
    finally:
        ws.lock()


def test_letter_writes_the_pdf_with_the_call_dates_and_the_practice_phone(store, tmp_path):
    out, large = tmp_path / "letter.pdf", tmp_path / "large.pdf"
    r = letter(store, "--mrn", "L0001", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"Letter for MRN L0001 written to {out}."
    text = pdf_text(out.read_bytes())
    for day in CALL_DAYS:
        assert day.strftime("%m/%d/%Y") in text
    assert "Please call us at (555) 019-4321." in text and "Dear Zoë," in text
    r = letter(store, "--mrn", "L0001", "--out", str(large), "--large-print")
    assert r.returncode == 0 and r.stdout.strip().endswith("(large print).")
    assert body_size(large.read_bytes()) > body_size(out.read_bytes())
    assert not list(tmp_path.glob(".*partial"))


def test_letter_sent_records_the_contact_closes_the_task_and_the_queue_stops_asking(store, clock):
    _, statuses, reasons = state(store, clock)
    assert statuses == [TaskStatus.OPEN] and reasons == ["3 calls unanswered this month - send a letter"]
    r = letter(store, "--mrn", "L0001", "--sent")
    assert r.returncode == 0, r.stderr
    assert "recorded as sent on 11/24/2026; the letter task is closed." in r.stdout
    contacts, statuses, reasons = state(store, clock)
    assert [(c.outcome, c.at.astimezone(clock.now().tzinfo).date()) for c in contacts] == [(Outcome.SENT, TODAY)]
    assert statuses == [TaskStatus.DONE] and reasons == []


def test_letter_sent_on_an_earlier_day_than_its_last_call_is_refused(store, clock):
    """The fixture's last unanswered call is today: the letter naming it was not mailed
    yesterday (an earlier mailing day is accepted in tests/cli/test_letter_calls.py)."""
    before = state(store, clock)
    r = letter(store, "--mrn", "L0001", "--sent", "--on", "11/23/2026")
    assert_clean_failure(r, 1, "--on: the letter names calls up to 11/24/2026; it cannot be mailed before")
    assert state(store, clock) == before


def test_missing_practice_phone_is_refused_naming_it(store, clock, tmp_path):
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        save_profile(ws, PracticeProfile(**(PRACTICE.as_dict() | {"practice_phone": ""})))
    finally:
        ws.lock()
    before = state(store, clock)
    r = letter(store, "--mrn", "L0001", "--out", str(tmp_path / "x.pdf"), "--sent")
    assert_clean_failure(r, 1, "practice phone: is needed for the letter")
    assert "caredesk practice --practice-phone" in r.stderr
    assert not (tmp_path / "x.pdf").exists() and state(store, clock) == before  # nothing recorded either


def test_a_patient_without_an_address_is_refused_naming_the_field(store, clock, tmp_path):
    before = state(store, clock, "L0002")
    r = letter(store, "--mrn", "L0002", "--out", str(tmp_path / "x.pdf"), "--sent")
    assert_clean_failure(r, 1, "address: is missing: the letter needs the patient's mailing address")
    assert not (tmp_path / "x.pdf").exists() and state(store, clock, "L0002") == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--mrn", "L0001"), 2, "give --out FILE"),
        (("--mrn", "L0001", "--out", "x.pdf", "--on", "11/20/2026"), 2, "--on: only with --sent"),
        (("--mrn", "L0001", "--sent", "--large-print"), 2, "--large-print: only with --out"),
        (("--mrn", "L0001", "--sent", "--on", "11/31/2026"), 2, "--on: 11/31/2026 is not a real calendar date"),
        (("--mrn", "L0001", "--out", "OUT", "--sent", "--on", "11/25/2026"), 1, "--on: cannot be in the future"),
        (("--mrn", "NOPE", "--sent"), 1, "No patient with MRN NOPE."),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_saved_or_written(store, clock, tmp_path, args, code, message):
    before = state(store, clock)
    out = tmp_path / "out.pdf"
    r = letter(store, *(str(out) if a == "OUT" else a for a in args))
    assert_clean_failure(r, code, message)
    assert not out.exists() and state(store, clock) == before
