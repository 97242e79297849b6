"""`caredesk COMMAND` makes COMMAND's parser only (cli.on_demand), and says and does what the
whole parser says and does: the helps of real processes are those of the whole parser made
here, usage errors and a command's run are as before, and a parser made later (argparse picked
a command not made at once) parses as the whole one does."""

from __future__ import annotations

import argparse
import importlib
import json

import pytest

from tests.cli.test_cli import assert_clean_failure, pw_env, run, store  # noqa: F401 (the store fixture)

cli = importlib.import_module("caredesk.cli.main")  # caredesk.cli.main is also the name of main()
WIDTH = "100"  # the helps wrap at $COLUMNS: the same width in the process and here


def _whole_help(*words: str) -> str:
    """The help of `caredesk WORDS --help` from the parser with every command made."""
    parser = cli._parser()
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[word]
    return parser.format_help()


@pytest.mark.parametrize(
    "words",
    [(), ("patients",), ("patient",), ("patient", "add"), ("report",), ("import", "csv"), ("assess",), ("gui",)],
    ids=lambda w: " ".join(w) or "caredesk",
)
def test_a_help_is_the_whole_parsers_help(monkeypatch, words):
    monkeypatch.setenv("COLUMNS", WIDTH)
    r = run(*words, "--help", env={"COLUMNS": WIDTH})
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == _whole_help(*words)


def test_no_command_prints_the_whole_help_with_exit_code_2(monkeypatch):
    monkeypatch.setenv("COLUMNS", WIDTH)
    r = run(env={"COLUMNS": WIDTH})
    assert (r.returncode, r.stderr, r.stdout) == (2, "", _whole_help())
    assert "  patients " in r.stdout and "  report " in r.stdout and "  gui " in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # A command's name is never shortened (Python 3.11's argparse: only options are).
        (("pat",), "caredesk: 'pat' is not a caredesk command (see caredesk --help)"),
        (("--data-dir", "x", "patients"), "caredesk: 'x' is not a caredesk command (see caredesk --help)"),
        (("--bogus", "patients"), "caredesk: unrecognized arguments: --bogus (see caredesk --help)"),
        (("patients", "extra"), "caredesk: unrecognized arguments: extra (see caredesk --help)"),
        (("report",), "caredesk: the following arguments are required: report, --month (see caredesk report --help)"),
        (("rpm", "frob"), "caredesk: 'frob' is not a caredesk rpm action (see caredesk rpm --help)"),
    ],
)
def test_usage_errors_are_as_the_whole_parser_says_them(tmp_path, args, message):
    r = run(*args, env={"CAREDESK_DATA_DIR": str(tmp_path / "none")})
    assert_clean_failure(r, 2, message)
    assert r.stderr == message + "\n" and r.stdout == ""


def test_options_before_the_command_are_the_top_levels_only():
    assert run("--vers", "patients").stdout == run("--version").stdout
    assert run("--version").stdout.startswith("caredesk ")


def test_a_command_runs(store):  # noqa: F811 (the store fixture)
    r = run("patients", "--json", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert [p["mrn"] for p in json.loads(r.stdout)] == ["T0001"]


ARGVS = [
    ["patients", "--json", "--data-dir", "d"],
    ["patient", "add", "--mrn", "T9", "--given", "A", "--family", "B", "--dob", "1/2/1950", "--program", "CCM"],
    ["report", "billing", "--month", "2026-11"],
    ["obs", "add", "--mrn", "T1", "--kind", "A1c", "--value", "7", "--on", "1/5/2026"],
    ["assess", "--mrn", "T1", "--instrument", "PHQ-2", "--answers", "-1,0"],
    ["import", "csv", "f.csv", "--yes"],
    ["resources", "edit", "3", "--inactive"],
    ["gui", "--data-dir", "x"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=lambda a: " ".join(a[:2]))
def test_a_parser_made_at_once_or_later_parses_as_the_whole_one(argv):
    whole = vars(cli._parser().parse_args(argv))
    assert vars(cli._parser({argv[0]}).parse_args(argv)) == whole
    assert vars(cli._parser(set()).parse_args(argv)) == whole  # argparse picked a command not made


def test_only_the_command_named_is_made():
    assert cli._command_in(["--version", "patient", "add", "--mrn", "queue"]) == {"patient"}
    assert cli._command_in(["--help"]) == set()
    assert set(cli._build({"patient"}).commands) == {"patient"}
    assert set(cli._build(None).commands) == cli.NAMES
