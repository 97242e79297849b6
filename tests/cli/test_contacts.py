"""`caredesk contacts`, `contact correct|void` and `time correct|void` in real processes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import Condition, Enrollment, Patient, Program
from caredesk.services.access import Access
from caredesk.services.calls import log_contact, log_time
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient, templated

NOTE = "Talked about sugars"


@pytest.fixture
def store(tmp_path, clock, store_templates):
    """Two consented CCM patients with two chronic conditions; T0001 has a month of calls.

    Returns (folder, ids): the contact and time-entry ids the commands address.
    """
    ids = templated(store_templates, clock, "cli-contacts", _two_patients_with_calls, tmp_path / "store")
    return DataFolder(tmp_path / "store"), dict(ids)


def _two_patients_with_calls(folder: DataFolder, clock) -> dict[str, int]:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    pids = []
    for mrn in ("T0001", "T0002"):
        p = add_patient(
            ws,
            Patient(mrn=mrn, given_name="Test", family_name=f"Patient{mrn}", birth_date=date(1950, 3, 4)),
            Enrollment(
                patient_id=0,
                program=Program.CCM,
                start_date=date(2025, 1, 1),
                consent_date=date(2025, 1, 1),
                consent_method="verbal",
            ),
        )
        with ws.uow() as uow:
            for code in ("E11.9", "I10"):
                uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
            uow.commit()
        pids.append(p.id)
    ids = {
        "october": log_contact(ws, pids[0], outcome="reached", minutes=22, on=date(2026, 10, 14)).contact.id,
        "voicemail": log_contact(ws, pids[0], outcome="voicemail", minutes=0, on=date(2026, 11, 2)).contact.id,
    }
    call = log_contact(ws, pids[0], outcome="reached", minutes=45, on=date(2026, 11, 3), note=NOTE)
    ids |= {"call": call.contact.id, "call_minutes": call.time_entry.id}
    ids["plan"] = log_time(ws, pids[0], minutes=10, activity="care plan", on=date(2026, 11, 5)).value.id
    ws.lock()
    return ids


def cli(folder: DataFolder, *args: str):
    return run(*args, "--data-dir", str(folder.path), env=pw_env())


def history(folder: DataFolder, mrn: str = "T0001", *extra: str) -> dict:
    r = cli(folder, "contacts", "--mrn", mrn, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def stored(folder: DataFolder, clock) -> tuple:
    """Every contact and time entry (live and voided) and the audit's actions but unlock and lock,
    read in this process."""
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            pids = [p.id for p in uow.patients.summaries(ws.today())]
            return tuple(
                (
                    uow.contacts.for_patient(pid),
                    uow.time_entries.for_patient(pid),
                    uow.contacts.voided_for_patient(pid),
                    uow.time_entries.voided_for_patient(pid),
                )
                for pid in pids
            ), [e.action for e in uow.audit_log.all() if e.action not in (actions.UNLOCK, actions.LOCK)]
    finally:
        ws.lock()


def billing_codes(folder: DataFolder) -> str:
    """The report's codes earned (its summary lines, before the per-patient lines)."""
    r = cli(folder, "report", "billing", "--month", "2026-11")
    assert r.returncode == 0, r.stderr
    return r.stdout.split("Per patient")[0]


def test_contacts_lists_every_entry_newest_first_with_ids(store):
    folder, ids = store
    out = history(folder)
    assert [(e["kind"], e["id"], e["date"]) for e in out["entries"]] == [
        ("time entry", ids["plan"], "2026-11-05"),
        ("contact", ids["call"], "2026-11-03"),
        ("contact", ids["voicemail"], "2026-11-02"),
        ("contact", ids["october"], "2026-10-14"),
    ]
    call = out["entries"][1]
    assert call["note"] == NOTE and call["outcome"] == "reached" and call["minutes"] == 45
    assert call["time_entries"][0]["id"] == ids["call_minutes"] and call["voided"] is None

    text = cli(folder, "contacts", "--mrn", "T0001", "--month", "2026-11")
    assert text.returncode == 0, text.stderr
    assert f"contact {ids['call']}: phone, reached" in text.stdout
    assert f"time entry {ids['call_minutes']}, 45 min CCM" in text.stdout
    assert "2026-10-14" not in text.stdout and "Minutes logged in 2026-11: CCM 55 min" in text.stdout


def test_a_month_filters_the_json_and_its_totals(store):
    folder, ids = store
    out = history(folder, "T0001", "--month", "2026-10")
    assert [e["id"] for e in out["entries"]] == [ids["october"]]
    assert out["minutes_by_program"] == {"CCM": 22} and out["month"] == "2026-10"


def test_correcting_45_minutes_to_15_drops_99490(store):
    """CCM 99490 needs 20 minutes of clinical-staff time in the month (CMS MLN909188): 15 + 10 is 25,
    so the minutes are corrected to 5 to fall below it."""
    folder, ids = store
    assert "99490: 1" in billing_codes(folder)
    r = cli(folder, "contact", "correct", str(ids["call"]), "--minutes", "5", "--reason", "wrong minutes")
    assert r.returncode == 0, r.stderr
    assert f"Corrected contact {ids['call']}: 2026-11-03, phone, reached." in r.stdout
    assert "99490" not in billing_codes(folder)
    assert history(folder)["minutes_by_program"] == {"CCM": 15}


def test_time_correct_changes_minutes_and_date(store):
    folder, ids = store
    r = cli(folder, "time", "correct", str(ids["plan"]), "--minutes", "12", "--date", "2026-11-06", "--reason", "typo")
    assert r.returncode == 0, r.stderr
    assert f"Corrected time entry {ids['plan']}: 2026-11-06, 12 min CCM, clinical staff." in r.stdout
    assert history(folder)["entries"][0]["date"] == "2026-11-06"


def test_moving_a_call_to_another_patient_moves_its_minutes(store):
    folder, ids = store
    r = cli(folder, "contact", "correct", str(ids["call"]), "--patient-mrn", "T0002", "--reason", "wrong patient")
    assert r.returncode == 0, r.stderr
    assert "now with MRN T0002" in r.stdout
    moved = history(folder, "T0002")
    assert [e["id"] for e in moved["entries"]] == [ids["call"]] and moved["minutes_by_program"] == {"CCM": 45}
    assert ids["call"] not in [e["id"] for e in history(folder)["entries"] if e["kind"] == "contact"]


def test_voiding_a_call_takes_its_minutes_out_and_keeps_it_marked(store):
    folder, ids = store
    r = cli(folder, "contact", "void", str(ids["call"]), "--reason", "duplicate entry")
    assert r.returncode == 0, r.stderr
    out = history(folder)
    call = next(e for e in out["entries"] if e["id"] == ids["call"] and e["kind"] == "contact")
    assert call["voided"]["reason"] == "duplicate entry" and call["voided"]["by"]
    assert out["minutes_by_program"] == {"CCM": 10}
    text = cli(folder, "contacts", "--mrn", "T0001").stdout
    assert "VOIDED" in text and "duplicate entry" in text
    again = cli(folder, "contact", "void", str(ids["call"]), "--reason", "duplicate entry")
    assert_clean_failure(again, 1, f"No contact {ids['call']} in the store")


def test_time_void_takes_the_minutes_out(store):
    folder, ids = store
    r = cli(folder, "time", "void", str(ids["plan"]), "--reason", "entered in error")
    assert r.returncode == 0, r.stderr
    assert history(folder)["minutes_by_program"] == {"CCM": 45}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["time", "correct", "PLAN", "--minutes", "0", "--reason", "x"], "minutes: must be between 1 and 600"),
        (["time", "correct", "PLAN", "--program", "RPM", "--reason", "x"], "program: the patient is not enrolled"),
        (["time", "correct", "PLAN", "--date", "2999-01-01", "--reason", "x"], "date: cannot be in the future"),
        (["time", "correct", "PLAN", "--date", "11/31/2026", "--reason", "x"], "--date: 11/31/2026 is not a real"),
        (["time", "correct", "PLAN", "--date", "6 Nov", "--reason", "x"], "--date: must be a date written"),
        (["time", "correct", "PLAN", "--minutes", "12", "--reason", " "], "reason: is required"),
        (["contact", "correct", "CALL", "--outcome", "maybe", "--reason", "x"], "outcome: must be one of"),
        (["contact", "correct", "CALL", "--follow-up", "2026-11-01", "--reason", "x"], "follow-up date: cannot be"),
        (["contact", "correct", "CALL", "--patient-mrn", "NOPE", "--reason", "x"], "No patient with MRN NOPE"),
        (["contact", "correct", "CALL", "--outcome", "reached", "--reason", "x"], "correction: changes nothing"),
        (["contact", "correct", "999", "--outcome", "reached", "--reason", "x"], "No contact 999 in the store"),
    ],
)
def test_bad_input_is_one_line_naming_the_field_and_changes_nothing(store, clock, args, message):
    folder, ids = store
    before = stored(folder, clock)
    args = [{"PLAN": str(ids["plan"]), "CALL": str(ids["call"])}.get(a, a) for a in args]
    usage = message.startswith("--")  # a malformed option is a usage error (README: exit 2)
    assert_clean_failure(cli(folder, *args), 2 if usage else 1, message)
    assert stored(folder, clock) == before


def test_a_reason_is_required_and_a_bad_month_is_usage(store):
    folder, ids = store
    r = cli(folder, "contact", "void", str(ids["call"]))
    assert r.returncode == 2 and "--reason" in r.stderr and "Traceback" not in r.stderr
    assert_clean_failure(
        cli(folder, "contacts", "--mrn", "T0001", "--month", "11/2026"), 2, "--month: is written YYYY-MM"
    )


def test_patients_json_has_the_last_attempt_and_the_last_time_reached(store):
    folder, ids = store
    assert cli(folder, "contact", "void", str(ids["call"]), "--reason", "wrong patient").returncode == 0
    r = cli(folder, "patients", "--json")
    assert r.returncode == 0, r.stderr
    rows = {p["mrn"]: p for p in json.loads(r.stdout)}
    # Left: the 10/14 call that reached the patient and the 11/02 voicemail (the 11/05 minutes are no contact).
    assert (rows["T0001"]["last_reached"], rows["T0001"]["last_attempt"]) == ("2026-10-14", "2026-11-02")
    assert (rows["T0002"]["last_reached"], rows["T0002"]["last_attempt"]) == (None, None)
    text = cli(folder, "patients").stdout
    assert "Last reached Last attempt" in text and "2026-10-14   2026-11-02" in text
