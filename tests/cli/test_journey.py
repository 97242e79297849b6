"""Issue 9, "Done when", from a terminal: on a store made by `caredesk init` (not the demo), a
new user builds a complete CCM patient from nothing and sees them bill, enters a discharge
and watches the TCM deadlines appear and leave the queue, closes the app's letter task, and
corrects a mis-logged call and sees the bill change. Every step is a real `caredesk` process
on the real clock, in the clinic's zone (America/New_York), the zone `init` records from TZ.

Sources: CMS MLN909188 (CCM 99490: 20 minutes of clinical-staff time in the calendar month,
consent on file, two or more chronic conditions; SPEC §3 billing table). CMS MLN908628 and
SPEC §3 "Transitions of care": interactive contact due 2 business days after the discharge
(US federal holidays skipped), the face-to-face visit within 14 days (moderate complexity),
medication reconciliation by the visit. SPEC §3 "Call queue": after three unanswered attempts
in a month a letter task is proposed; after an unanswered attempt the patient waits a
business day.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from caredesk.domain.workdays import US_FEDERAL
from tests.cli.test_cli import cli_env, pw_env
from tests.cli_process import run_caredesk
from tests.conftest import TODAY, ZONE


def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _md(day: date) -> str:
    return f"{day:%m/%d}"  # as the queue's reasons write a day


class Terminal:
    """`caredesk ... --data-dir FOLDER` as a real process in the clinic's zone.

    The first call of each command ('queue', 'stay add', 'task done' ...) is a fresh `python -m
    caredesk`: one end-to-end test keeps the plain start, where a command that leans on a module
    some other command imported would fail (the zygote has imported them all). A command's later
    calls are forked from a zygote of the tests' (tests/cli_process.py) started with this TZ,
    which every process reads at its start: still a process of their own, without ~0.6-1.3 s of
    interpreter start and imports each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {**pw_env(), "TZ": ZONE}
        self.started: set[tuple[str, ...]] = set()  # the commands that have had their fresh start

    def ok(self, *args: str) -> str:
        command = tuple(a for a in args[:2] if not a.startswith("-"))  # 'queue', ('stay', 'add') ...
        fresh = command not in self.started
        self.started.add(command)
        result = run_caredesk(
            [*args, "--data-dir", str(self.folder)], env=cli_env(self.env), timeout=300, fresh=fresh, env_zygote=True
        )
        assert "Traceback" not in result.stderr + result.stdout
        assert result.returncode == 0, result.stderr
        return result.stdout

    def reasons(self, as_of: date | None = None) -> list[str]:
        rows = json.loads(self.ok("queue", "--json", *(("--date", as_of.isoformat()) if as_of else ())))
        return [x["text"] for row in rows if row["mrn"] == "N0001" for x in row["reasons"]]

    def bill(self, month: str, out: Path) -> dict[str, str]:
        """The patient's row of the month's billing report (the CSV the biller gets)."""
        self.ok("report", "billing", "--month", month, "--csv", str(out))
        (row,) = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["mrn"] == "N0001"]
        return row


@pytest.mark.slow  # about 25 processes, each deriving the key with the Argon2id cost `init` calibrated
def test_a_new_user_builds_a_ccm_patient_who_bills_then_the_stay_the_letter_and_a_correction(tmp_path):
    today = TODAY  # $CAREDESK_CLOCK pins the CLI processes to it
    first, month = today.replace(day=1), f"{today:%Y-%m}"
    cli = Terminal(tmp_path / "store")

    created = cli.ok("init")  # the real command, with its calibrated key derivation
    assert created.startswith("Created an encrypted CareDesk store") and "Recovery code" in created
    assert json.loads(cli.ok("patients", "--json")) == []

    # A complete CCM patient from nothing: demographics, program, consent, two chronic conditions.
    added = cli.ok(
        *("patient", "add", "--mrn", "N0001", "--given", "Ana", "--family", "Reyes", "--dob", "02/14/1952"),
        *("--phone", "(555) 010-7788:mobile", "--program", "CCM", "--start", _us(first)),
        *("--consent-date", first.isoformat(), "--consent-method", "verbal", "--practitioner", "Dr. Lee"),
    )
    assert f"Enrolled in CCM from {_us(first)} (consent {_us(first)} verbal)." in added
    assert "MRN N0001 has 1 chronic condition." in cli.ok("condition", "add", "--mrn", "N0001", "--code", "E119")
    assert "MRN N0001 has 2 chronic conditions." in cli.ok("condition", "add", "--mrn", "N0001", "--code", "I10")
    assert "0 of 20 min this month" in " ".join(cli.reasons())

    # A reached call of 25 minutes: 20 or more minutes bill 99490 (CMS MLN909188).
    cli.ok("log-contact", "--mrn", "N0001", "--outcome", "reached", "--minutes", "25", "--program", "CCM")
    row = cli.bill(month, tmp_path / "bill.csv")
    assert (row["clinical_staff_minutes"], row["codes"], row["consent_date"]) == ("25", "99490", first.isoformat())

    # A discharge: the three TCM deadlines appear in the queue (SPEC §3, CMS MLN908628).
    contact_due, visit_due = US_FEDERAL.add_business_days(today, 2), today + timedelta(days=14)
    stay = cli.ok("stay", "add", "--mrn", "N0001", "--facility", "Mercy General", "--discharged", _us(today))
    stay_id = stay.split()[2].rstrip(".")  # "Added stay 1 for MRN N0001."
    # The reached call logged earlier today, on the discharge day, is already its TCM contact.
    assert f"contact: due {contact_due.isoformat()}, met, done {today.isoformat()} by phone" in stay
    assert f"visit: due {visit_due.isoformat()}" in stay
    tcm = [t for t in cli.reasons() if t.startswith(f"Discharged {_md(today)}")]
    assert tcm == [
        f"Discharged {_md(today)} - face-to-face visit and medication reconciliation due by {_md(visit_due)}",
    ]
    cli.ok("stay", "contact", stay_id, "--on", _us(today), "--channel", "phone")
    assert not any("TCM contact" in t for t in cli.reasons())
    cli.ok("stay", "visit", stay_id, "--on", today.isoformat())
    cli.ok("stay", "reconciled", stay_id, "--on", _us(today))
    assert not any(t.startswith("Discharged") for t in cli.reasons())

    # Three unanswered calls: the app proposes a letter task; closing it takes it off the queue.
    for _ in range(3):
        logged = cli.ok("log-contact", "--mrn", "N0001", "--outcome", "voicemail", "--minutes", "0")
    assert "a letter task was added" in logged
    (task,) = json.loads(cli.ok("task", "list", "--mrn", "N0001", "--json"))
    assert (task["kind"], task["status"]) == ("letter", "open")
    due = date.fromisoformat(task["due"])
    assert due == US_FEDERAL.next_business_day(today)  # the patient waits a business day after an attempt
    assert f"Task due today: {task['title']}" in cli.reasons(due)
    assert cli.ok("task", "done", str(task["id"])) == f"Task {task['id']} is done.\n"
    assert not any(t.startswith("Task") or "send a letter" in t for t in cli.reasons(due))

    # The reached call was 15 minutes, not 25: corrected, the month no longer bills 99490.
    history = json.loads(cli.ok("contacts", "--mrn", "N0001", "--month", month, "--json"))
    (reached,) = [e for e in history["entries"] if e["kind"] == "contact" and e["outcome"] == "reached"]
    cli.ok("contact", "correct", str(reached["id"]), "--minutes", "15", "--reason", "wrong minutes")
    row = cli.bill(month, tmp_path / "corrected.csv")
    assert (row["clinical_staff_minutes"], row["codes"]) == ("15", "")
    assert "15 of 20 min for 99490" in row["reasons"]
