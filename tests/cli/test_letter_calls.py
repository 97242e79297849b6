"""Which calls `caredesk letter` names, and when it may be recorded as mailed, as a user runs it:
every step in a real process over a real encrypted store.

SPEC section 3 (Call queue): the third unanswered attempt in a month proposes a letter task;
the letter written for that task names those calls, in the month of the calls or the next.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from caredesk.domain.contacts import Channel
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.services.access import Access
from caredesk.services.practice import save_profile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, templated
from tests.domain.test_letters import PRACTICE

DEC_1 = NOW.replace(month=12, day=1)  # the next month, same time of day


def cli(folder: DataFolder, *args: str, now: datetime = NOW):
    return run(*args, "--data-dir", str(folder.path), env=pw_env() | {"CAREDESK_CLOCK": now.isoformat()})


@pytest.fixture
def folder(tmp_path, clock, store_templates) -> DataFolder:
    """T005 in CCM from 10/01/2026 with an address, and the practice details the letter needs (a
    copy of the worker's, tests.conftest.templated)."""
    templated(store_templates, clock, "cli-letter-calls", _t005, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _t005(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        save_profile(ws, PRACTICE)
    finally:
        ws.lock()
    r = cli(
        folder,
        *("patient", "add", "--mrn", "T005", "--given", "Ada", "--family", "Quist", "--dob", "03/04/1950"),
        *("--address", "4821 Larkspur Ave, Springfield, IL 62701", "--program", "CCM", "--start", "10/01/2026"),
        *("--consent-date", "10/01/2026", "--consent-method", "verbal"),
    )
    assert r.returncode == 0, r.stderr


def unanswered(folder: DataFolder, *days: str, now: datetime = NOW) -> None:
    """Unanswered calls back-filled on `days`, logged at `now`."""
    for day, outcome in zip(days, ("no answer", "voicemail", "no answer"), strict=False):
        r = cli(folder, "log-contact", "--mrn", "T005", "--outcome", outcome, "--minutes", "0", "--date", day, now=now)
        assert r.returncode == 0, r.stderr


def letter_contacts_and_tasks(folder: DataFolder, clock):
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            (pid,) = [p.id for p in uow.patients.summaries(NOW.date()) if p.mrn == "T005"]
            contacts = [c for c in uow.contacts.for_patient(pid) if c.channel is Channel.LETTER]
            tasks = [(t.title, t.status) for t in uow.tasks.for_patient(pid) if t.kind is TaskKind.LETTER]
        return contacts, tasks
    finally:
        ws.lock()


def pdf_text(path) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.mark.parametrize("written", [NOW, DEC_1], ids=["same month", "next month"])
def test_the_letter_the_task_asks_for_names_the_three_unanswered_calls(folder, clock, tmp_path, written):
    """The tester's sequence: November's calls back-filled, then the letter, on the same day."""
    unanswered(folder, "11/02/2026", "11/09/2026", "11/16/2026", now=written)
    assert letter_contacts_and_tasks(folder, clock)[1] == [
        ("Send a letter: calls unanswered in November 2026", TaskStatus.OPEN)
    ]
    out = tmp_path / "x.pdf"
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(out), now=written)
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    for day in ("11/02/2026", "11/09/2026", "11/16/2026"):
        assert day in text
    assert written.strftime("%m/%d/%Y") in text  # dated the day it is written


def test_after_two_unanswered_calls_the_letter_names_both(folder, tmp_path):
    unanswered(folder, "11/02/2026", "11/09/2026", now=DEC_1)
    out = tmp_path / "x.pdf"
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(out), now=DEC_1)
    assert r.returncode == 0, r.stderr
    assert "11/02/2026" in pdf_text(out) and "11/09/2026" in pdf_text(out)


def test_with_no_call_at_all_the_letter_says_exactly_why(folder, tmp_path):
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(tmp_path / "x.pdf"))
    assert_clean_failure(r, 1, "letter: is not needed: no call to the patient has gone unanswered")
    unanswered(folder, "11/02/2026")
    r = cli(folder, "log-contact", "--mrn", "T005", "--outcome", "reached", "--minutes", "5", "--date", "11/03/2026")
    assert r.returncode == 0, r.stderr
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(tmp_path / "x.pdf"))
    assert_clean_failure(r, 1, "the patient was reached on 11/03/2026 and no call has gone unanswered since")
    assert not (tmp_path / "x.pdf").exists()


def test_a_letter_cannot_be_mailed_before_the_calls_it_names(folder, clock, tmp_path):
    unanswered(folder, "11/16/2026", "11/23/2026")
    r = cli(folder, "log-contact", "--mrn", "T005", "--outcome", "voicemail", "--minutes", "0", now=DEC_1)
    assert r.returncode == 0, r.stderr
    before = letter_contacts_and_tasks(folder, clock)
    out = tmp_path / "x.pdf"
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(out), "--sent", "--on", "11/30/2026", now=DEC_1)
    assert_clean_failure(r, 1, "--on: the letter names calls up to 12/01/2026; it cannot be mailed before")
    assert not out.exists() and letter_contacts_and_tasks(folder, clock) == before


def test_a_second_sent_for_the_same_calls_is_refused_and_the_task_is_closed_only_once(folder, clock):
    unanswered(folder, "11/02/2026", "11/09/2026", "11/16/2026")
    r = cli(folder, "letter", "--mrn", "T005", "--sent", "--on", "11/20/2026")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Letter for MRN T005 recorded as sent on 11/20/2026; the letter task is closed."
    (contact,), tasks = letter_contacts_and_tasks(folder, clock)
    r = cli(folder, "letter", "--mrn", "T005", "--sent")
    assert_clean_failure(
        r,
        1,
        f"letter: is not needed: a letter about these calls was recorded as sent on 11/20/2026 (contact {contact.id})",
    )
    assert letter_contacts_and_tasks(folder, clock) == ([contact], tasks)
    # A later unanswered call is news: a letter about it may be sent, and no task was open.
    unanswered(folder, "11/23/2026")
    r = cli(folder, "letter", "--mrn", "T005", "--sent")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Letter for MRN T005 recorded as sent on 11/24/2026."
    assert len(letter_contacts_and_tasks(folder, clock)[0]) == 2


def test_an_address_the_record_accepts_is_never_refused_by_the_letter(folder, tmp_path):
    """Five comma-separated parts (the letter refused more than four): the PDF fits them in
    the window (tests/pdf/test_letter_fit.py checks the placement)."""
    address = "Building 7 West Tower, Unit 1204B, 48213 North Larkspur Avenue, Care of Ann Quist, Springfield, IL 62701"
    r = cli(folder, "patient", "edit", "--mrn", "T005", "--address", address)
    assert r.returncode == 0, r.stderr
    unanswered(folder, "11/02/2026", "11/09/2026", "11/16/2026")
    out = tmp_path / "x.pdf"
    r = cli(folder, "letter", "--mrn", "T005", "--out", str(out), "--large-print")
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    for part in ("Building 7 West Tower", "Unit 1204B", "48213 North Larkspur Avenue", "Care of Ann Quist"):
        assert part in text
    assert "Springfield, IL 62701" in text
