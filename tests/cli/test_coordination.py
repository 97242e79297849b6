"""`caredesk task|appt|stay` in real processes (the clinic's real today), through the same services.

SPEC §3 "Transitions of care": the TCM contact is due 2 business days after the discharge,
the visit 7 (high) or 14 days after, medication reconciliation by the visit; a letter is
never an interactive contact. SPEC §3 "Call queue": tasks and appointment reminders.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from caredesk.domain.workdays import US_FEDERAL
from tests.cli.test_cli import assert_clean_failure, pw_env, run, store  # noqa: F401 (the store fixture)
from tests.conftest import TODAY


def today() -> date:
    return TODAY  # the day $CAREDESK_CLOCK pins in the CLI processes


def us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def cli(store, *args: str):  # noqa: F811
    result = run(*args, "--data-dir", str(store.path), env=pw_env())
    assert "Traceback" not in result.stderr + result.stdout
    return result


def ok(store, *args: str) -> str:  # noqa: F811
    result = cli(store, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def reasons(store) -> list[str]:  # noqa: F811
    rows = json.loads(ok(store, "queue", "--json"))
    return [x["text"] for r in rows if r["mrn"] == "T0001" for x in r["reasons"]]


def test_a_task_added_done_and_reopened_moves_in_and_out_of_the_queue(store):  # noqa: F811
    out = ok(store, "task", "add", "--mrn", "T0001", "--title", "Fax the plan", "--due", us(today()))
    assert out.startswith("Added task ") and f"due {today().isoformat()}" in out
    (task,) = json.loads(ok(store, "task", "list", "--mrn", "T0001", "--json"))
    assert (task["title"], task["status"], task["kind"]) == ("Fax the plan", "open", "general")
    assert "Task due today: Fax the plan" in reasons(store)

    assert ok(store, "task", "done", str(task["id"])) == f"Task {task['id']} is done.\n"
    assert not any(t.startswith("Task") for t in reasons(store))
    assert "0 tasks" in ok(store, "task", "list", "--mrn", "T0001")
    (closed,) = json.loads(ok(store, "task", "list", "--mrn", "T0001", "--all", "--json"))
    assert closed["status"] == "done" and closed["closed_at"]

    ok(store, "task", "reopen", str(task["id"]))
    assert "Task due today: Fax the plan" in reasons(store)


def test_task_bad_input_is_one_clear_line_and_stores_nothing(store):  # noqa: F811
    assert_clean_failure(cli(store, "task", "add", "--mrn", "T0001", "--title", "X", "--due", "13/45/2026"), 2, "--due")
    yesterday = us(today() - timedelta(days=1))
    assert_clean_failure(cli(store, "task", "add", "--mrn", "T0001", "--title", "X", "--due", yesterday), 1, "due date")
    assert_clean_failure(cli(store, "task", "add", "--mrn", "T0001", "--title", " "), 1, "task: is required")
    assert_clean_failure(cli(store, "task", "done", "9999"), 1, "No task with id 9999.")
    assert_clean_failure(cli(store, "task", "add", "--mrn", "NOPE", "--title", "X"), 1, "No patient with MRN NOPE")
    assert json.loads(ok(store, "task", "list", "--mrn", "T0001", "--all", "--json")) == []


def test_a_discharge_entered_shows_its_deadlines_and_each_leaves_the_queue_when_met(store):  # noqa: F811
    day = today()
    contact_due = US_FEDERAL.add_business_days(day, 2)
    out = ok(
        store, "stay", "add", "--mrn", "T0001", "--facility", "Mercy", "--discharged", us(day), "--complexity", "high"
    )
    stay_id = out.split()[2].rstrip(".")
    assert f"contact: due {contact_due.isoformat()}, due" in out
    assert f"visit: due {(day + timedelta(days=7)).isoformat()}, due" in out
    assert f"medication reconciliation: due {(day + timedelta(days=7)).isoformat()}, due" in out
    md = f"{day:%m/%d}"
    assert f"Discharged {md} - TCM contact due by {contact_due:%m/%d}" in reasons(store)

    letter = cli(store, "stay", "contact", stay_id, "--on", us(day), "--channel", "letter")
    assert_clean_failure(letter, 1, "contact channel")
    ok(store, "stay", "contact", stay_id, "--on", us(day), "--channel", "video")
    assert not any("TCM contact" in t for t in reasons(store))
    ok(store, "stay", "visit", stay_id, "--on", day.isoformat())
    assert any("medication reconciliation due today" in t for t in reasons(store))
    ok(store, "stay", "reconciled", stay_id, "--on", us(day))
    assert not any(t.startswith("Discharged") for t in reasons(store))

    (stay,) = json.loads(ok(store, "stay", "list", "--mrn", "T0001", "--json"))
    assert stay["contact"]["status"] == stay["visit"]["status"] == stay["medication_reconciliation"]["status"] == "met"
    assert stay["contact"]["channel"] == "video" and stay["complexity"] == "high"


def test_stay_bad_input_is_refused_naming_the_field(store):  # noqa: F811
    tomorrow = us(today() + timedelta(days=1))
    result = cli(store, "stay", "add", "--mrn", "T0001", "--facility", "Mercy", "--discharged", tomorrow)
    assert_clean_failure(result, 1, "discharge date: cannot be after today")
    result = cli(store, "stay", "add", "--mrn", "T0001", "--facility", "", "--discharged", us(today()))
    assert_clean_failure(result, 1, "facility: is required")
    assert "0 stays" in ok(store, "stay", "list", "--mrn", "T0001")


def test_appointments_remind_ask_kept_or_missed_and_a_kept_tcm_visit_meets_the_stay(store):  # noqa: F811
    day = today()
    upcoming = US_FEDERAL.next_business_day(day)
    ok(store, "appt", "add", "--mrn", "T0001", "--at", f"{us(upcoming)} 09:30", "--kind", "pcp", "--with", "Dr. Ruiz")
    assert any(t.endswith("(PCP visit 9:30 AM) - reminder call") for t in reasons(store))

    stay = ok(
        store, "stay", "add", "--mrn", "T0001", "--facility", "Mercy", "--discharged", us(day - timedelta(days=3))
    )
    stay_id = stay.split()[2].rstrip(".")
    added = ok(
        store,
        *("appt", "add", "--mrn", "T0001", "--at", f"{us(day - timedelta(days=1))} 2:00 PM"),
        *("--kind", "tcm", "--with", "Dr. Ruiz", "--where", "Main St", "--stay", stay_id),
    )
    appt_id = added.split()[2]
    md = day - timedelta(days=1)
    assert f"Appointment on {md:%m/%d} - kept or missed?" in reasons(store)
    out = ok(store, "appt", "kept", appt_id)
    assert out == f"Appointment {appt_id} is kept.\nStay {stay_id}: face-to-face visit date updated.\n"
    assert not any("kept or missed" in t for t in reasons(store))
    (listed_stay,) = json.loads(ok(store, "stay", "list", "--mrn", "T0001", "--json"))
    assert listed_stay["visit"]["done_on"] == md.isoformat()
    listed = json.loads(ok(store, "appt", "list", "--mrn", "T0001", "--json"))
    assert [(a["kind"], a["status"]) for a in listed] == [
        ("TCM face-to-face visit", "kept"),
        ("PCP visit", "scheduled"),
    ]

    assert_clean_failure(cli(store, "appt", "missed", "9999"), 1, "No appointment with id 9999.")
    bad = cli(store, "appt", "add", "--mrn", "T0001", "--at", us(upcoming), "--kind", "pcp", "--with", "Dr. R")
    # A day without its time is not a day and a time: a usage error, as a DATE that is none (README).
    assert_clean_failure(bad, 2, '--at: must be a day and a time, "MM/DD/YYYY HH:MM"')
