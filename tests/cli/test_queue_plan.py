"""caredesk queue --plan CALLS: today's plan first (issue 12 "Today's plan"), as a real process."""

from __future__ import annotations

from pathlib import Path

from caredesk.clock import Clock
from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run, store  # noqa: F401 (the store fixture)
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, templated


def _demo_30(folder: DataFolder, clock: Clock) -> None:
    """What `caredesk demo --patients 30 --seed 1` makes, with the tests' fast key derivation (the
    command's calibrated Argon2id made and then unlocked it: ~1-2 s of a test about the plan)."""
    ws, _code = create_demo_store(folder, PASSPHRASE, patients=30, seed=1, clock=clock, kdf=FAST_KDF, zone=ZONE)
    ws.lock()


def test_the_plan_lists_who_must_be_called_who_fits_and_who_waits(store):  # noqa: F811
    logged = run(
        "log-contact",
        "--mrn",
        "T0001",
        "--outcome",
        "voicemail",
        "--minutes",
        "0",
        "--data-dir",
        str(store.path),
        env=pw_env(),
    )
    assert logged.returncode == 0, logged.stderr
    r = run("queue", "--plan", "2", "--date", "2026-11-25", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Today's plan for 2026-11-25: 2 calls a day, 0 calls made today"
    assert lines[1:4] == ["Must call today: 0", "Then, as they fit: 1", "  - Núñez, Zoë (T0001): Never reached"]
    assert lines[4] == "Later days: 0"
    today = run("queue", "--plan", "2", "--data-dir", str(store.path), env=pw_env())
    assert "2 calls a day, 1 call made today" in today.stdout  # the voicemail counts as a call made


def test_a_plan_of_no_calls_is_refused(store):  # noqa: F811
    assert_clean_failure(
        run("queue", "--plan", "-1", "--data-dir", str(store.path), env=pw_env()),
        2,
        "--plan: must be between 1 and 200 calls",
    )


def test_the_daily_capacity_is_saved_in_the_store_and_the_plan_uses_it(store):  # noqa: F811
    def cli(*args: str):
        return run(*args, "--data-dir", str(store.path), env=pw_env())

    assert cli("capacity").stdout.strip() == "Daily capacity: 20 calls a day"  # the default
    saved = cli("capacity", "--minutes", "270", "--call-minutes", "12")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.strip() == "Daily capacity saved: 4 h 30 min of calls a day (12 min a call)"
    plan = cli("queue", "--plan", "--date", "2026-11-25")
    assert plan.stdout.splitlines()[0] == (
        "Today's plan for 2026-11-25: 4 h 30 min of calls a day (12 min a call), 0 min logged today"
    )
    # A value out of range names the option and saves nothing.
    assert_clean_failure(cli("capacity", "--call-minutes", "90"), 2, "--call-minutes: must be between 5 and 60 minutes")
    assert cli("capacity").stdout.strip() == "Daily capacity: 4 h 30 min of calls a day (12 min a call)"
    assert_clean_failure(cli("capacity", "--calls", "0"), 2, "--calls: must be between 1 and 200 calls")


def test_those_short_of_minutes_who_wait_get_a_working_day_each(tmp_path: Path, clock, store_templates):
    folder = tmp_path / "demo"
    templated(store_templates, clock, "cli-demo-30-seed1", _demo_30, folder)
    r = run("queue", "--plan", "2", "--date", "2026-11-24", "--data-dir", str(folder), env=pw_env())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    later = lines.index(next(x for x in lines if x.startswith("Later days: ")))
    # 11/24 is a Tuesday: the working days after it are Wed 11/25, Fri 11/27 and Mon 11/30
    # (Thanksgiving, 11/26, is a US federal holiday).
    days = [x.strip() for x in lines[later + 1 :] if x.startswith("  ") and not x.startswith("    ")]
    assert [d.split(":")[0] for d in days if not d.startswith("As time")] == [
        "Wed 2026-11-25",
        "Fri 2026-11-27",
        "Mon 2026-11-30",
    ]


def test_plan_and_capacity_numbers_are_checked_naming_the_option(store):  # noqa: F811
    def cli(*args: str):
        return run(*args, "--data-dir", str(store.path), env=pw_env())

    assert_clean_failure(cli("queue", "--plan", "0"), 2, "--plan: must be between 1 and 200 calls")
    assert_clean_failure(cli("queue", "--plan", "٢"), 2, "--plan: must be a whole number")  # an Arabic-Indic 2
    assert_clean_failure(
        cli("queue", "--plan", "--json"), 2, "--plan prints today's plan: leave out --json and --limit"
    )
    assert_clean_failure(cli("capacity", "--calls", "٣"), 2, "--calls: must be a whole number")
    assert_clean_failure(
        cli("capacity", "--minutes", "15", "--call-minutes", "60"),
        2,
        "--call-minutes: must not be more than the 15 minutes a day",
    )
    assert cli("capacity").stdout.strip() == "Daily capacity: 20 calls a day"  # nothing was saved


def test_a_patient_reached_today_reads_the_time_as_the_app_writes_it(store):  # noqa: F811
    # A tester read "reached today at 1:20 am" here and "Reached today at 1:20 AM" in the app.
    logged = run("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "5",
                 "--data-dir", str(store.path), env=pw_env())  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    r = run("queue", "--plan", "2", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "(reached today at 10:30 AM)" in r.stdout, r.stdout  # $CAREDESK_CLOCK: 10:30 clinic time
