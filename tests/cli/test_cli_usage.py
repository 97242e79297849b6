"""How every `caredesk` command reads its options, as real processes: dates typed MM/DD/YYYY or
YYYY-MM-DD everywhere, an impossible date named with its option, and usage errors (a bad
whole number, a missing option, an unknown command) as one line on stderr with exit code 2
(README: 2 = usage), while --help still shows the whole usage; a value refused by a rule, or
not one of an option's choices, exits 1."""

from __future__ import annotations

import argparse
import json

import pytest

from caredesk.cli.common import DATE
from caredesk.cli.main import _parser
from tests.cli.test_cli import assert_clean_failure, pw_env, run, store  # noqa: F401 (the store fixture)

# Every date option of every command, each given a date that does not exist. The options are
# checked before the store is opened, so the folder needs no store (else exit 4, not 1).
DATE_OPTIONS = [
    ("queue", "--date"),
    ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "5", "--date"),
    ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "5", "--follow-up"),
    ("obs", "add", "--mrn", "T0001", "--kind", "A1c", "--value", "7", "--on"),
    ("condition", "add", "--mrn", "T0001", "--code", "I10", "--onset"),
    ("med", "add", "--mrn", "T0001", "--name", "Metformin", "--start"),
    ("med", "change", "--mrn", "T0001", "--name", "Metformin", "--dose", "1 g", "--on"),
    ("med", "stop", "--mrn", "T0001", "--name", "Metformin", "--reason", "x", "--on"),
    ("med", "adherence", "--mrn", "T0001", "--name", "Metformin", "--answer", "taken", "--on"),
    ("patient", "add", "--mrn", "T0009", "--given", "A", "--family", "B", "--dob"),
    (
        "patient",
        "add",
        "--mrn",
        "T0009",
        "--given",
        "A",
        "--family",
        "B",
        "--dob",
        "1/2/1950",
        "--program",
        "CCM",
        "--start",
    ),
    (
        "patient",
        "add",
        *("--mrn", "T0009", "--given", "A", "--family", "B", "--dob", "1/2/1950", "--program", "CCM"),
        "--consent-method",
        "verbal",
        "--consent-date",
    ),
    ("patient", "edit", "--mrn", "T0001", "--dob"),
    ("patient", "edit", "--mrn", "T0001", "--status", "deceased", "--died-on"),
    ("enroll", "--mrn", "T0001", "--program", "CCM", "--start"),
    ("enroll", "--mrn", "T0001", "--program", "CCM", "--end"),
    (
        "enroll",
        "--mrn",
        "T0001",
        "--program",
        "CCM",
        "--start",
        "11/02/2026",
        "--consent-method",
        "verbal",
        "--consent-date",
    ),
    ("consent", "--mrn", "T0001", "--program", "CCM", "--method", "verbal", "--date"),
    ("contact", "correct", "1", "--reason", "wrong date", "--date"),
    ("contact", "correct", "1", "--reason", "wrong date", "--follow-up"),
    ("time", "correct", "1", "--reason", "wrong date", "--date"),
    ("task", "add", "--mrn", "T0001", "--title", "Fax", "--due"),
    ("stay", "add", "--mrn", "T0001", "--facility", "Mercy", "--discharged"),
    ("stay", "add", "--mrn", "T0001", "--facility", "Mercy", "--discharged", "11/02/2026", "--admitted"),
    ("stay", "contact", "1", "--on"),
    ("stay", "visit", "1", "--on"),
    ("stay", "reconciled", "1", "--on"),
]


@pytest.mark.parametrize("args", DATE_OPTIONS, ids=lambda a: " ".join(a[:2]) + " " + a[-1])
@pytest.mark.parametrize("typed", ["02/30/2026", "2026-02-30"])  # February never has 30 days
def test_every_date_option_names_itself_and_the_impossible_date(tmp_path, args, typed):
    r = run(*args, typed, "--data-dir", str(tmp_path / "empty"), env=pw_env())
    assert_clean_failure(r, 2, f"{args[-1]}: {typed} is not a real calendar date")


def test_a_date_in_words_is_refused_saying_how_to_write_it(tmp_path):
    r = run("queue", "--date", "Nov 24", "--data-dir", str(tmp_path / "empty"), env=pw_env())
    assert_clean_failure(r, 2, "--date: must be a date written MM/DD/YYYY or YYYY-MM-DD")


def test_both_ways_of_writing_a_date_give_the_same_day(store):  # noqa: F811
    us = run("queue", "--date", "11/24/2026", "--json", "--data-dir", str(store.path), env=pw_env())
    iso = run("queue", "--date", "2026-11-24", "--json", "--data-dir", str(store.path), env=pw_env())
    assert us.returncode == iso.returncode == 0, us.stderr + iso.stderr
    assert json.loads(us.stdout) == json.loads(iso.stdout) != []
    added = run(*("obs", "add", "--mrn", "T0001", "--kind", "A1c", "--value", "7.1", "--on", "1/5/2026"),
                "--data-dir", str(store.path), env=pw_env())  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run("obs", "list", "--mrn", "T0001", "--json", "--data-dir", str(store.path), env=pw_env())
    assert [r["observed_on"] for r in json.loads(listed.stdout)] == ["2026-01-05"]


def _options(parser: argparse.ArgumentParser, path: str = "caredesk"):
    """(command path, option) for every option of every command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}")
        elif action.option_strings:
            yield path, action


def _command(args: tuple[str, ...]) -> str:
    """The command's words: those before the first option or id."""
    end = next(i for i, w in enumerate(args) if w.startswith("-") or w.isdigit())
    return " ".join(["caredesk", *args[:end]])


def test_every_date_option_is_shown_as_date_and_none_asks_for_iso_only():
    dated = {"date", "on", "due", "dob", "start", "end", "onset", "discharged", "admitted", "died_on", "follow_up"}
    dated |= {"consent_date"}
    found = set()
    for path, action in _options(_parser()):
        assert "YYYY-MM-DD" not in f"{action.metavar} {action.help}", (path, action.dest)
        if action.dest in dated:
            found.add((path, action.option_strings[-1]))
            assert action.metavar in (DATE, f"{DATE}|none"), (path, action.dest, action.metavar)
    # Every command listed above has that date option (a new command's own tests cover its dates).
    assert {(_command(args), args[-1]) for args in DATE_OPTIONS} <= found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "abc"),
            "caredesk: --minutes: must be a whole number, got 'abc'",
        ),
        (("contact", "correct", "abc", "--reason", "wrong date"), "caredesk: id: must be a whole number, got 'abc'"),
        (("queue", "--limit", "ten"), "caredesk: --limit: must be a whole number, got 'ten'"),
        (("frobnicate",), "caredesk: 'frobnicate' is not a caredesk command (see caredesk --help)"),
        (("patient", "delete"), "caredesk: 'delete' is not a caredesk patient action (see caredesk patient --help)"),
        (
            ("log-contact", "--mrn", "T0001"),
            "caredesk: the following arguments are required: --outcome, --minutes (see caredesk log-contact --help)",
        ),
    ],
)
def test_a_usage_error_is_one_line_naming_the_option_with_exit_code_2(tmp_path, args, message):
    r = run(*args, "--data-dir", str(tmp_path / "empty"), env=pw_env())
    assert_clean_failure(r, 2, message)
    assert r.stderr == message + "\n" and r.stdout == ""
    assert not (tmp_path / "empty").exists()  # refused before anything was touched


def test_help_still_shows_the_whole_usage_and_how_to_write_a_date():
    r = run("obs", "add", "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: caredesk obs add") and "--on DATE" in r.stdout
    assert r.stdout.rstrip().endswith("DATE is written MM/DD/YYYY or YYYY-MM-DD.")
    top = run("--help")
    assert top.returncode == 0 and "patient" in top.stdout and "DATE is written" not in top.stdout


@pytest.mark.parametrize("value", ["tomorrow", "2026-11-24T10:30:00"])
def test_a_bad_pinned_clock_is_a_usage_error_naming_the_variable(tmp_path, value):
    """$CAREDESK_CLOCK (the tests' pinned "now") must be an ISO instant with its UTC offset."""
    r = run("queue", "--data-dir", str(tmp_path), env={"CAREDESK_CLOCK": value})
    assert_clean_failure(r, 2, "CAREDESK_CLOCK")


def test_the_pinned_clock_sets_the_commands_today(store):  # noqa: F811 (the store fixture)
    r = run("queue", "--data-dir", str(store.path), env={**pw_env(), "CAREDESK_CLOCK": "2027-02-03T09:00:00-05:00"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Call queue for 2027-02-03:")


def test_help_says_which_exit_code_is_which():
    """A fresh tester found an empty --mrn exit 1 and a bad --dob exit 2 and could not tell why."""
    top = run("--help")
    said = " ".join(top.stdout.split())
    assert "1 refused or failed: a value refused by the record's rules, naming the field" in said
    assert "2 usage: an option missing or unknown, or a value that is not of the option's kind" in said
    assert "not one of the values it takes" in said


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # Read, but refused by the record's rules (exit 1), each naming the field as the app does.
        (("patient", "add", "--mrn", "", "--given", "A", "--family", "B", "--dob", "1/2/1950"), 1, "MRN: is required"),
        (("patient", "add", "--mrn", "T9", "--given", "A", "--family", "B", "--dob", "1/2/2027"), 1, None),
        (("log-contact", "--mrn", " ", "--outcome", "reached", "--minutes", "5"), 1, "MRN: is required"),
        (("patient", "show", "--mrn", ""), 1, "MRN: is required"),
        (("obs", "list", "--mrn", ""), 1, "MRN: is required"),
        (("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "700"), 1, None),
        # Not one of the values an option takes, whether argparse or the record checks it (both 1;
        # appt --kind dentist exited 2 while log-contact --outcome maybe exited 1).
        (("log-contact", "--mrn", "T0001", "--outcome", "maybe", "--minutes", "5"), 1, None),
        (
            ("appt", "add", "--mrn", "T0001", "--at", "11/24/2026 9:30", "--kind", "dentist", "--with", "Dr. Ruiz"),
            1,
            "--kind: must be one of: other, pcp, specialist, tcm, test; got 'dentist'",
        ),
        (("report", "month", "--month", "2026-11"), 2, None),  # not a report: a word of the command line
        # Not readable as the option's kind (exit 2).
        (("appt", "add", "--mrn", "T0001", "--at", "11/24/2026 25:99", "--kind", "pcp", "--with", "Dr. R"), 2, None),
        (("patient", "add", "--mrn", "T9", "--given", "A", "--family", "B", "--dob", "13/45/1950"), 2, None),
        (("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "five"), 2, None),
    ],
)
def test_a_value_refused_by_a_rule_exits_1_and_one_not_of_its_kind_exits_2(store, args, code, message):  # noqa: F811
    r = run(*args, "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    if message is not None:
        assert r.stderr == f"caredesk: {message}\n"
