"""The `caredesk` command, run as a real process: happy paths and bad input."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from caredesk.domain.patients import Enrollment, Patient, Phone, Program
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli_process import run_caredesk
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, add_patient, templated

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, fresh: bool = False
) -> subprocess.CompletedProcess[str]:
    """`caredesk ARGS` as a real process: forked from the tests' zygote (tests/cli_process.py),
    or a fresh `python -m caredesk` with `fresh=True` (tests of the interpreter's start)."""
    return run_caredesk(list(args), env=cli_env(env), input=stdin, timeout=300, fresh=fresh)


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every `caredesk` process the tests start, with `env` over it."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    # An empty entry would put the current folder on the process's sys.path.
    existing = full_env.get("PYTHONPATH")
    full_env.update(
        PYTHONPATH=os.pathsep.join([SRC, existing] if existing else [SRC]),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the machine's keyring
        CAREDESK_CLOCK=NOW.isoformat(),  # the same "now" as the in-process `clock` fixture
    )
    full_env.update(env or {})
    return full_env


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("caredesk: "), result.stderr
    assert message in lines[0]


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """T0001 (Zoë Núñez), in CCM with consent since 2025 (a copy of the worker's, tests.conftest.templated)."""
    templated(store_templates, clock, "cli-store", _one_ccm_patient, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _one_ccm_patient(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    p = add_patient(
        ws,
        Patient(
            mrn="T0001",
            given_name="Zoë",
            family_name="Núñez",
            birth_date=date(1950, 3, 4),
            phones=(Phone(number="(555) 010-4321"),),
        ),
    )
    with ws.uow() as uow:
        uow.enrollments.add(
            Enrollment(
                patient_id=p.id,
                program=Program.CCM,
                start_date=date(2025, 1, 1),
                consent_date=date(2025, 1, 1),
                consent_method="verbal",
            )
        )
        uow.commit()
    ws.lock()


def pw_env() -> dict[str, str]:
    return {"CAREDESK_PASSPHRASE": PASSPHRASE}


def test_init_creates_a_store_and_prints_the_recovery_code_once(tmp_path):
    target = tmp_path / "new"
    r = run("init", "--data-dir", str(target), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Recovery code" in r.stdout
    code = r.stdout.split("Recovery code")[1].split("\n")[1].strip()
    assert len(code) == 29
    assert (target / "caredesk.db").exists() and (target / "caredesk.key").exists()
    # The recovery code printed really opens the store.
    ws, _ = Access(DataFolder(target)).recover(code, "a fresh passphrase")
    ws.lock()


def test_init_refuses_an_existing_store_and_leaves_it_alone(store):
    before = hashlib.sha256(store.key.read_bytes()).hexdigest()
    r = run("init", "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, "already exists")
    assert hashlib.sha256(store.key.read_bytes()).hexdigest() == before


def test_init_refuses_a_short_passphrase(tmp_path):
    r = run("init", "--data-dir", str(tmp_path / "x"), env={"CAREDESK_PASSPHRASE": "short"})
    assert_clean_failure(r, 1, "the passphrase in CAREDESK_PASSPHRASE must be at least 10 characters")
    assert not (tmp_path / "x" / "caredesk.db").exists()


def test_patients_json_lists_the_fields_automation_needs(store):
    r = run("patients", "--json", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    (row,) = json.loads(r.stdout)
    assert row["mrn"] == "T0001" and row["given_name"] == "Zoë" and row["family_name"] == "Núñez"
    assert row["birth_date"] == "1950-03-04" and row["programs"] == ["CCM"] and row["risk_tier"] == "medium"


def test_patients_as_a_table(store):
    r = run("patients", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Núñez, Zoë" in r.stdout and r.stdout.rstrip().endswith("\n1 patient")  # one, not "1 patients"


def test_data_dir_from_the_environment(store):
    r = run("patients", "--json", env={**pw_env(), "CAREDESK_DATA_DIR": str(store.path)})
    assert r.returncode == 0 and json.loads(r.stdout)[0]["mrn"] == "T0001"


def test_passphrase_from_a_file(store, tmp_path):
    f = tmp_path / "pw.txt"
    f.write_text(PASSPHRASE + "\n")
    r = run("verify", "--data-dir", str(store.path), "--passphrase-file", str(f))
    assert r.returncode == 0, r.stderr
    assert "audit chain: ok" in r.stdout and "cipher_integrity_check): ok" in r.stdout


def test_wrong_passphrase_exits_3_with_one_line(store):
    r = run("patients", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": "not the passphrase"})
    assert_clean_failure(r, 3, "passphrase is not correct")
    assert "Núñez" not in r.stdout


def test_no_passphrase_and_no_terminal_says_how_to_give_one(store):
    r = run("patients", "--data-dir", str(store.path), stdin="")
    assert_clean_failure(r, 1, "--passphrase-file")


def test_missing_store_exits_4(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("patients", "--data-dir", str(tmp_path / "empty"), env=pw_env())
    assert_clean_failure(r, 4, "No CareDesk store")


def test_a_folder_without_a_store_gets_no_log_and_a_stores_log_is_private(tmp_path, store):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("patients", "--data-dir", str(empty), env=pw_env()).returncode == 4
    assert list(empty.iterdir()) == []  # no logs/ left in a folder that is not a store (a tester found one)
    assert run("patients", "--data-dir", str(store.path), env=pw_env()).returncode == 0
    log = store.path / "logs" / "caredesk.log"
    assert log.stat().st_mode & 0o077 == 0  # the user's alone, like caredesk.db beside it


def test_bad_data_dir_is_reported(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    r = run("verify", "--data-dir", str(a_file), env=pw_env())
    assert_clean_failure(r, 1, "is a file, not a folder")
    r = run("patients", "--data-dir", str(tmp_path / "missing"), env=pw_env())
    assert_clean_failure(r, 4, "does not exist")


def test_missing_passphrase_file_is_reported(store, tmp_path):
    r = run("verify", "--data-dir", str(store.path), "--passphrase-file", str(tmp_path / "nope"))
    assert_clean_failure(r, 1, "Cannot read the passphrase file")


def test_change_passphrase_then_old_fails_and_new_works(store):
    r = run(
        "change-passphrase",
        "--data-dir",
        str(store.path),
        env={**pw_env(), "CAREDESK_NEW_PASSPHRASE": "the new passphrase"},
    )
    assert r.returncode == 0, r.stderr
    assert_clean_failure(run("verify", "--data-dir", str(store.path), env=pw_env()), 3, "not correct")
    ok = run("patients", "--json", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": "the new passphrase"})
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["mrn"] == "T0001"


def test_change_passphrase_with_a_wrong_old_one_changes_nothing(store):
    before = hashlib.sha256(store.key.read_bytes()).hexdigest()
    r = run(
        "change-passphrase",
        "--data-dir",
        str(store.path),
        env={"CAREDESK_PASSPHRASE": "wrong passphrase", "CAREDESK_NEW_PASSPHRASE": "the new passphrase"},
    )
    assert_clean_failure(r, 3, "not correct")
    assert hashlib.sha256(store.key.read_bytes()).hexdigest() == before


def test_recovery_code_resets_a_forgotten_passphrase(tmp_path, clock):
    folder = DataFolder(tmp_path / "s")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    code_file = tmp_path / "code.txt"
    code_file.write_text(code + "\n")
    r = run(
        "change-passphrase",
        "--data-dir",
        str(folder.path),
        "--recovery-code-file",
        str(code_file),
        env={"CAREDESK_NEW_PASSPHRASE": "after forgetting it"},
    )
    assert r.returncode == 0, r.stderr
    assert "Recovery code" in r.stdout
    ok = run("verify", "--data-dir", str(folder.path), env={"CAREDESK_PASSPHRASE": "after forgetting it"})
    assert ok.returncode == 0, ok.stderr


def test_verify_reports_a_damaged_database(store):
    data = bytearray(store.db.read_bytes())
    data[4096 + 100] ^= 0xFF  # flip a byte inside the second page
    store.db.write_bytes(bytes(data))
    r = run("verify", "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, "damaged")


def test_no_command_prints_help_and_exits_2():
    r = run()
    assert r.returncode == 2 and "COMMAND" in r.stdout


def test_unknown_option_is_a_usage_error(store):
    r = run("patients", "--frobnicate", "--data-dir", str(store.path))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_demo_creates_a_panel_of_the_asked_size_deterministically(tmp_path):
    outputs = []
    for name in ("a", "b"):
        r = run("demo", "--data-dir", str(tmp_path / name), "--patients", "30", "--seed", "7", env=pw_env())
        assert r.returncode == 0, r.stderr
        assert "30 synthetic patients" in r.stdout
        listed = run("patients", "--json", "--data-dir", str(tmp_path / name), env=pw_env())
        outputs.append([(p["mrn"], p["family_name"], p["birth_date"]) for p in json.loads(listed.stdout)])
    assert outputs[0] == outputs[1] and len(outputs[0]) == 30


def test_demo_refuses_an_existing_store(store):
    r = run("demo", "--data-dir", str(store.path), "--patients", "5", env=pw_env())
    assert_clean_failure(r, 1, "already exists")


def test_demo_refuses_a_silly_size(tmp_path):
    r = run("demo", "--data-dir", str(tmp_path / "d"), "--patients", "0", env=pw_env())
    assert_clean_failure(r, 2, "--patients")


def test_queue_lists_patients_with_reasons(store):
    r = run("queue", "--date", "2026-11-24", "--json", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    (row,) = json.loads(r.stdout)
    assert row["mrn"] == "T0001" and row["rank"] == 1
    assert any(x["text"] == "Never reached" for x in row["reasons"])
    # No chronic conditions: CCM cannot bill, so no minutes are chased (SPEC 3, call queue).
    assert not any(x["kind"] == "minutes" for x in row["reasons"])
    text = run("queue", "--date", "2026-11-24", "--limit", "5", "--data-dir", str(store.path), env=pw_env())
    assert "Call queue for 2026-11-24: 1 patient" in text.stdout and "Núñez, Zoë" in text.stdout


def test_queue_bad_date_and_limit(store):
    assert_clean_failure(
        run("queue", "--date", "24/11/2026", "--data-dir", str(store.path), env=pw_env()),
        2,
        "--date: 24/11/2026 is not a real calendar date",  # MM/DD/YYYY: there is no month 24
    )
    assert_clean_failure(run("queue", "--limit", "0", "--data-dir", str(store.path), env=pw_env()), 2, "--limit")


def test_log_contact_then_the_report_counts_it(store, tmp_path):
    r = run(
        "log-contact",
        "--mrn",
        "T0001",
        "--outcome",
        "reached",
        "--minutes",
        "21",
        "--date",
        "2026-11-02",
        "--note",
        "BP log reviewed",
        "--data-dir",
        str(store.path),
        env=pw_env(),
    )
    assert r.returncode == 0, r.stderr
    assert "Logged reached for T0001, 21 min CCM." in r.stdout
    csv_path, pdf_path = tmp_path / "b.csv", tmp_path / "b.pdf"
    rep = run(
        "report",
        "billing",
        "--month",
        "2026-11",
        "--csv",
        str(csv_path),
        "--pdf",
        str(pdf_path),
        "--data-dir",
        str(store.path),
        env=pw_env(),
    )
    assert rep.returncode == 0, rep.stderr
    assert "1 enrolled patient," in rep.stdout and "21 minutes" in rep.stdout
    # Per patient, as the README's command table says: MRN, minutes, and why nothing bills (CMS
    # MLN909188: CCM needs two or more chronic conditions).
    assert "  T0001  21 min  no chronic conditions (CCM needs 2)" in rep.stdout.splitlines()
    line = csv_path.read_text(encoding="utf-8").splitlines()[1]
    assert "T0001" in line and "no chronic conditions (CCM needs 2)" in line
    assert pdf_path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mrn", "NOPE", "--outcome", "reached", "--minutes", "5"], "No patient with MRN NOPE"),
        (["--mrn", "T0001", "--outcome", "maybe", "--minutes", "5"], "outcome: must be one of"),
        (
            ["--mrn", "T0001", "--outcome", "reached", "--minutes", "5", "--date", "2999-01-01"],
            "date: cannot be in the future",
        ),
        (["--mrn", "T0001", "--outcome", "reached", "--minutes", "-3"], "minutes: must be a whole number"),
        (
            ["--mrn", "T0001", "--outcome", "reached", "--minutes", "5", "--program", "RPM"],
            "program: the patient is not enrolled in RPM",
        ),
    ],
)
def test_log_contact_bad_input_is_one_clear_line(store, args, message):
    r = run("log-contact", *args, "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, message)


def test_report_bad_month(store):
    r = run("report", "billing", "--month", "Nov", "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 2, "--month: is written YYYY-MM")
    r = run("report", "billing", "--month", "2026-13", "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 2, "--month: 2026-13 is not a real month")  # written right, but no such month


@pytest.mark.parametrize("month", ["2026-12", "2030-01"])
def test_report_refuses_a_month_that_has_not_begun(store, month):
    """Billing a month before it starts would claim codes for care not yet given; the current
    month stays allowed (it is billed 'so far')."""
    r = run("report", "billing", "--month", month, "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 2, f"--month: {month} has not begun (today is 11/24/2026)")


def test_log_contact_names_the_stored_mrn_when_it_was_typed_with_spaces(store):
    r = run(
        "log-contact", "--mrn", " T0001 ", "--outcome", "voicemail", "--minutes", "1",
        "--data-dir", str(store.path), env=pw_env(),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Logged voicemail for T0001, 1 min CCM")


def test_a_reader_that_stops_early_is_not_an_error(tmp_path, clock):
    """`caredesk queue --json | head -c 20`: the pipe closes under the writer; say nothing.

    300 synthetic patients make far more JSON than a pipe holds (64 KiB), so the writer is
    still writing when the reader goes away.
    """
    from caredesk.services.demo_store import create_demo_store

    store = DataFolder(tmp_path / "demo")
    ws, _ = create_demo_store(store, PASSPHRASE, patients=300, seed=1, clock=clock, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(PYTHONPATH=SRC, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", **pw_env())
    big = [sys.executable, "-m", "caredesk", "queue", "--date", "2026-11-24", "--json", "--data-dir", str(store.path)]
    with subprocess.Popen(big, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(1)  # the process has started writing ...
        proc.stdout.close()  # ... and the reader goes away
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=300)
    assert err == "" and code == 0  # like other tools (issue 11): nothing said, status 0


def test_queue_limit_says_how_many_of_how_many(store):
    added = run(
        "patient", "add", "--mrn", "T0002", "--given", "Ada", "--family", "Quill", "--dob", "1951-02-03",
        "--program", "CCM", "--consent-date", "2026-11-02", "--consent-method", "verbal",
        "--data-dir", str(store.path), env=pw_env(),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    text = run("queue", "--limit", "1", "--data-dir", str(store.path), env=pw_env()).stdout
    assert text.startswith("Call queue for 2026-11-24: the first 1 of 2 patients"), text


def test_log_contact_takes_the_time_the_call_was_made(store, clock):
    """An inbound call logged after the fact (the chart's Log contact… has a time; so does the
    command line): stored at that clinic time; a time that is none is a usage error (2), one later
    than now a refused field (1), nothing stored."""
    from caredesk.services.patients import by_mrn

    base = ["log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "4", "--data-dir", str(store.path)]
    r = run(*base, "--date", "11/20/2026", "--time", "2:30 PM", env=pw_env())
    assert r.returncode == 0, r.stderr
    assert_clean_failure(run(*base, "--time", "25:00", env=pw_env()), 2, "--time:")
    assert_clean_failure(run(*base, "--time", "11:00", env=pw_env()), 1, "time: cannot be later than now")  # now 10:30
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        pid = by_mrn(ws, "T0001").id
        with ws.reading() as uow:
            logged = [c.at.astimezone(ws.tz) for c in uow.contacts.for_patient(pid)]
    finally:
        ws.lock()
    assert [(at.date(), at.hour, at.minute) for at in logged] == [(date(2026, 11, 20), 14, 30)]
