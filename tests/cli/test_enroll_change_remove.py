"""`caredesk enroll --change / --remove` and upcoming programs, in real processes on a store
made as `caredesk init` makes it: a correction names what changed, an enrollment entered in
error is removed (refused while minutes are logged under it), a program starting after
today reads "starts MM/DD/YYYY" (JSON status "upcoming"), and the date of death ends the
open programs.
"""

from __future__ import annotations

import json
from datetime import timedelta

from tests.cli.test_cli import assert_clean_failure
from tests.cli.test_patient import FIRST, TODAY, _us, cli, show, store  # noqa: F401 (store is a fixture)


def _enrollments(store) -> list[dict]:  # noqa: F811
    return show(store)["enrollments"]


def test_a_program_starting_after_today_is_upcoming_not_current(store):  # noqa: F811
    later = TODAY + timedelta(days=20)
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(later))
    assert r.returncode == 0, r.stderr
    assert f"Enrolled MRN T0001 in CCM starting {_us(later)} (no consent on file yet)." in r.stdout
    (e,) = _enrollments(store)
    assert (e["status"], e["active"]) == ("upcoming", False)
    text = cli(store, "patient", "show", "--mrn", "T0001").stdout
    assert f"CCM          starts {_us(later)}" in text and "current" not in text
    # The queue asks nothing of it yet: no consent reason for a program not begun.
    queue = json.loads(cli(store, "queue", "--json").stdout)
    row = [r for r in queue if r["mrn"] == "T0001"]
    assert "consent" not in json.dumps(row).lower()
    # Moved to start today, it is current: now the queue asks for the consent.
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--change", "--start", _us(TODAY))
    assert r.returncode == 0 and "Changed the CCM enrollment of MRN T0001: start date." in r.stdout
    assert show(store)["enrollments"][0]["status"] == "current"
    queue = json.loads(cli(store, "queue", "--json").stdout)
    assert "No consent on file (CCM)" in json.dumps([r for r in queue if r["mrn"] == "T0001"])


def test_change_corrects_the_current_enrollment_and_names_what_changed(store):  # noqa: F811
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(FIRST)).returncode == 0
    consent = _us(TODAY)
    r = cli(
        store,
        "enroll",
        "--mrn",
        "T0001",
        "--program",
        "CCM",
        "--change",
        "--consent-date",
        consent,
        "--consent-method",
        "written",
        "--practitioner",
        "Dr. Ana Ruiz",
    )
    assert r.returncode == 0, r.stderr
    assert "Changed the CCM enrollment of MRN T0001: consent date, consent method, billing practitioner." in r.stdout
    (e,) = _enrollments(store)
    assert (e["consent_date"], e["consent_method"], e["billing_practitioner"], e["status"]) == (
        TODAY.isoformat(),
        "written",
        "Dr. Ana Ruiz",
        "current",
    )
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--change", "--practitioner", "Dr. Ana Ruiz")
    assert r.returncode == 0 and "Nothing changed" in r.stdout


def test_change_refusals_name_the_option_or_field_and_store_nothing(store):  # noqa: F811
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(FIRST)).returncode == 0
    before = _enrollments(store)
    cases = [
        (("--change",), 2, "--change needs a field to correct"),
        (("--change", "--start", "13/45/2026"), 2, "--start:"),
        (
            ("--change", "--consent-date", _us(TODAY + timedelta(days=1)), "--consent-method", "verbal"),
            1,
            "consent date: cannot be after today",
        ),
        (("--change", "--remove", "--reason", "x"), 2, "not allowed with argument"),
        (("--change", "--id", "999", "--practitioner", "Dr. X"), 1, "--id: enrollment 999 is not one of this"),
        (("--reason", "entered in error", "--start", _us(FIRST)), 2, "--reason goes with --remove"),
    ]
    for args, code, message in cases:
        assert_clean_failure(cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", *args), code, message)
    assert _enrollments(store) == before


def test_remove_takes_back_an_enrollment_entered_in_error(store):  # noqa: F811
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(FIRST)).returncode == 0
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "BHI", "--start", _us(FIRST)).returncode == 0
    assert_clean_failure(
        cli(store, "enroll", "--mrn", "T0001", "--program", "BHI", "--remove"), 2, "--remove needs --reason"
    )
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "BHI", "--remove", "--reason", "entered in error")
    assert r.returncode == 0, r.stderr
    assert f"Removed the BHI enrollment from {_us(FIRST)} for MRN T0001." in r.stdout
    assert [e["program"] for e in _enrollments(store)] == ["CCM"]
    # Minutes logged under CCM hold it: they would lose their program.
    r = cli(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "12")
    assert r.returncode == 0, r.stderr
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--remove", "--reason", "entered in error")
    assert_clean_failure(r, 1, "program: has 12 minutes logged under this CCM enrollment")
    assert [e["program"] for e in _enrollments(store)] == ["CCM"]


def test_the_date_of_death_ends_the_open_programs(store):  # noqa: F811
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", "2025-01-01").returncode == 0
    died = TODAY - timedelta(days=2)
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--status", "deceased", "--died-on", _us(died))
    assert r.returncode == 0, r.stderr
    (e,) = _enrollments(store)
    assert (e["end_date"], e["status"]) == (died.isoformat(), "ended")
    assert f"CCM          from 01/01/2025 to {_us(died)}" in cli(store, "patient", "show", "--mrn", "T0001").stdout
