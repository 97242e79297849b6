"""`caredesk patient show|edit`, `enroll` and `consent` as real processes over a new store:
the record is shown, edited, refused with the option or field named (nothing stored), and
the queue and the month's bill follow."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import Condition, Patient, Phone
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, TODAY, ZONE, add_patient, templated

# The CLI processes run on the clock $CAREDESK_CLOCK pins: TODAY (tests/conftest.py).
FIRST = TODAY.replace(day=1)


def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """A store made as `caredesk init` makes it, with two patients and no program yet."""
    templated(store_templates, clock, "cli-patient", _two_patients, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _two_patients(folder: DataFolder, clock) -> None:
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
    add_patient(ws, Patient(mrn="T0002", given_name="Ada", family_name="Quill", birth_date=date(1961, 6, 7)))
    with ws.uow() as uow:  # two chronic conditions: CCM can bill once consent is on file
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    ws.lock()


def cli(store: DataFolder, *args: str):
    return run(*args, "--data-dir", str(store.path), env=pw_env())


def show(store: DataFolder, mrn: str = "T0001") -> dict:
    r = cli(store, "patient", "show", "--mrn", mrn, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _audit(store: DataFolder) -> list[tuple[str, str, str]]:
    ws = Access(store).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            return [(e.action, e.entity, e.detail) for e in uow.audit_log.all()]
    finally:
        ws.lock()


def test_show_prints_demographics_status_and_programs(store):
    r = cli(
        store,
        "enroll",
        "--mrn",
        "T0001",
        "--program",
        "CCM",
        "--start",
        "2025-01-01",
        "--consent-date",
        "01/02/2025",
        "--consent-method",
        "verbal",
        "--practitioner",
        "Dr. Ana Ruiz",
    )
    assert r.returncode == 0, r.stderr
    assert "Enrolled MRN T0001 in CCM from 01/01/2025 (consent 01/02/2025 verbal)." in r.stdout
    r = cli(store, "patient", "show", "--mrn", "T0001")
    assert r.returncode == 0, r.stderr
    assert "Núñez, Zoë" in r.stdout and "(555) 010-4321 (mobile)" in r.stdout and "Status:        active" in r.stdout
    assert "CCM          from 01/01/2025 current        consent 01/02/2025 verbal  Dr. Ana Ruiz" in r.stdout
    record = show(store)
    assert (record["mrn"], record["birth_date"], record["status"], record["died_on"]) == (
        "T0001",
        "1950-03-04",
        "active",
        None,
    )
    (enrollment,) = record["enrollments"]
    assert enrollment == {
        "id": enrollment["id"],
        "program": "CCM",
        "start_date": "2025-01-01",
        "end_date": None,
        "active": True,
        "status": "current",
        "consent_date": "2025-01-02",
        "consent_method": "verbal",
        "billing_practitioner": "Dr. Ana Ruiz",
        "qmb": False,
    }
    assert (actions.PATIENT_VIEWED, "patient", "") in _audit(store)  # showing a record is a view


def test_edit_changes_every_field_and_replaces_the_phones(store):
    r = cli(
        store,
        "patient",
        "edit",
        "--mrn",
        "t0001",  # found whatever the case typed
        "--given",
        "Zoe",
        "--family",
        "Nunez-Qzx",
        "--preferred",
        "Zo",
        "--dob",
        "03/05/1950",
        "--sex",
        "female",
        "--language",
        "Spanish",
        "--phone",
        "(555) 010-1111:home",
        "--phone",
        "555-010-2222:caregiver",
        "--address",
        "12 Elm St",
        "--call-window",
        "evenings",
        "--pcp",
        "Dr. Lee",
        "--payer",
        "Medicaid",
        "--risk",
        "high",
        "--new-mrn",
        "T0001-B",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Saved MRN T0001-B: MRN, given name, family name, preferred name, date of birth")
    p = show(store, "T0001-B")
    assert (p["given_name"], p["family_name"], p["preferred_name"], p["birth_date"], p["sex"]) == (
        "Zoe",
        "Nunez-Qzx",
        "Zo",
        "1950-03-05",
        "female",
    )
    assert p["phones"] == [
        {"number": "(555) 010-1111", "type": "home"},
        {"number": "555-010-2222", "type": "caregiver"},
    ]
    assert (p["language"], p["address"], p["call_window"], p["pcp"], p["payer"], p["risk_tier"]) == (
        "Spanish",
        "12 Elm St",
        "evenings",
        "Dr. Lee",
        "Medicaid",
        "high",
    )
    changed = [d for a, e, d in _audit(store) if (a, e) == (actions.RECORD_CHANGED, "patient")]
    assert changed == [
        "MRN; given name; family name; preferred name; date of birth; sex; language; phones; address; "
        "preferred call window; primary-care provider; payer; risk tier"
    ]
    again = cli(store, "patient", "edit", "--mrn", "T0001-B", "--payer", "Medicaid")
    assert again.returncode == 0 and "Nothing changed" in again.stdout


REFUSED_EDITS = [
    (("--dob", "13/45/1950"), 2, "--dob: 13/45/1950 is not a real calendar date"),
    (("--dob", _us(TODAY)), 1, "date of birth: must be before today"),
    (("--given", " "), 1, "given name: is required"),
    (("--risk", "extreme"), 1, "risk tier: must be one of: low, medium, high"),
    (("--phone", "12:home"), 1, "phone: 12 is not a phone number; type all 10 digits"),
    (("--phone", "abc:home"), 1, 'phone: "abc" is not a phone number; type all 10 digits'),
    (("--new-mrn", "t0002"), 1, "MRN: is already used by another patient"),
    (("--status", "deceased"), 1, "date of death: is required when the status is deceased"),
    (("--status", "deceased", "--died-on", _us(TODAY + timedelta(days=1))), 1, "date of death: cannot be after today"),
    (("--died-on", "2026-01-01"), 1, "date of death: is only recorded when the status is deceased"),
    (("--phone", "(555) 010-1111:home", "--no-phones"), 2, "give --phone or --no-phones, not both"),
]


def test_a_refused_edit_names_the_field_and_stores_nothing(store):
    before = show(store)
    for args, code, message in REFUSED_EDITS:
        # Each with a valid change beside it: the refusal must keep that one out too.
        assert_clean_failure(
            cli(store, "patient", "edit", "--mrn", "T0001", "--payer", "Medicaid", *args), code, message
        )
    assert_clean_failure(cli(store, "patient", "edit", "--mrn", "T0001"), 2, "nothing to change")
    assert show(store) == before


def test_an_unknown_mrn_is_named(store):
    assert_clean_failure(cli(store, "patient", "show", "--mrn", "NOPE"), 1, "No patient with MRN NOPE.")


def test_a_paused_patient_leaves_the_queue(store):
    cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(FIRST))
    queue = lambda: [row["mrn"] for row in json.loads(cli(store, "queue", "--json").stdout)]  # noqa: E731
    assert "T0001" in queue()
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--status", "paused")
    assert r.returncode == 0 and "Saved MRN T0001: status." in r.stdout
    assert "T0001" not in queue()


def test_deceased_with_a_date_calls_before_it_are_back_filled_and_none_after(store):
    cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", "2025-01-01")
    died = TODAY - timedelta(days=3)
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--status", "deceased", "--died-on", died.isoformat())
    assert r.returncode == 0, r.stderr
    assert show(store)["died_on"] == died.isoformat()
    assert f"Status:        deceased {_us(died)}" in cli(store, "patient", "show", "--mrn", "T0001").stdout
    listed = cli(store, "patients")
    (line,) = [x for x in listed.stdout.splitlines() if x.startswith("T0001 ")]
    assert line.endswith(f"deceased {died.isoformat()}"), listed.stdout
    (row,) = [r for r in json.loads(cli(store, "patients", "--json").stdout) if r["mrn"] == "T0001"]
    assert (row["status"], row["died_on"]) == ("deceased", died.isoformat())
    before = (died - timedelta(days=1)).isoformat()
    r = cli(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "10", "--date", before)
    assert r.returncode == 0, r.stderr
    r = cli(
        store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "10", "--date", died.isoformat()
    )
    assert_clean_failure(r, 1, "date: must be before the date of death")
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--status", "active")  # set on the wrong patient
    assert r.returncode == 0 and "status, date of death" in r.stdout
    assert show(store)["died_on"] is None


def test_enroll_refusals_name_the_option_or_field(store):
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", "2025-01-01").returncode == 0
    cases = [
        (("--program", "XYZ", "--start", "2025-01-01"), 1, "--program: must be one of"),
        (("--program", "CCM", "--start", "2025-06-01"), 1, "program: overlaps the patient's other CCM enrollment"),
        (
            ("--program", "BHI", "--start", "2025-01-01", "--consent-date", "01/01/1900", "--consent-method", "verbal"),
            1,
            "consent date: cannot be before the date of birth",
        ),
        (
            (
                "--program",
                "BHI",
                "--start",
                "2025-01-01",
                "--consent-date",
                _us(TODAY + timedelta(days=1)),
                "--consent-method",
                "verbal",
            ),
            1,
            "consent date: cannot be after today",
        ),
        (
            ("--program", "BHI", "--start", "2025-01-01", "--consent-date", "2025-01-02"),
            1,
            "consent method: is required when a consent date is given",
        ),
        (("--program", "PCM", "--start", "2025-01-01", "--qmb"), 1, "QMB: is recorded only for an APCM enrollment"),
        (("--program", "BHI"), 2, "give --start to enroll, or --end"),
        (("--program", "BHI", "--start", "2025-01-01", "--end", "2025-02-01"), 2, "give --start to enroll, or --end"),
        (("--program", "BHI", "--end", "2025-02-01"), 1, "no current BHI enrollment"),
    ]
    for args, code, message in cases:
        assert_clean_failure(cli(store, "enroll", "--mrn", "T0001", *args), code, message)
    assert [e["program"] for e in show(store)["enrollments"]] == ["CCM"]


def test_apcm_with_qmb_and_ending_a_program(store):
    r = cli(store, "enroll", "--mrn", "T0002", "--program", "APCM", "--start", "2025-02-01", "--qmb")
    assert r.returncode == 0, r.stderr
    r = cli(store, "enroll", "--mrn", "T0002", "--program", "APCM", "--end", "2025-01-31")
    assert_clean_failure(r, 1, "end date: cannot be before start date")
    r = cli(store, "enroll", "--mrn", "T0002", "--program", "APCM", "--end", _us(TODAY))
    assert r.returncode == 0 and f"Ended APCM for MRN T0002 on {_us(TODAY)}" in r.stdout
    (e,) = show(store, "T0002")["enrollments"]
    assert (e["qmb"], e["end_date"]) == (True, TODAY.isoformat())


def test_consent_recorded_clears_the_queue_reason_and_the_month_bills(store, tmp_path):
    # CMS MLN909188 (CCM): consent on file, 20 minutes of clinical staff time, 2+ chronic conditions.
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", _us(FIRST)).returncode == 0
    r = cli(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "22", "--program", "CCM")
    assert r.returncode == 0, r.stderr

    def reasons() -> list[str]:
        rows = json.loads(cli(store, "queue", "--json").stdout)
        return [x["text"] for row in rows if row["mrn"] == "T0001" for x in row["reasons"]]

    def codes() -> str:
        out = tmp_path / "bill.csv"
        r = cli(store, "report", "billing", "--month", f"{TODAY:%Y-%m}", "--csv", str(out))
        assert r.returncode == 0, r.stderr
        (row,) = [x for x in csv.DictReader(out.open(encoding="utf-8")) if x["mrn"] == "T0001"]
        return row["codes"]

    # Issue 12: the minutes before consent do not count, and the consent reason says so.
    assert "No consent on file (CCM) - 22 min not counted" in reasons() and codes() == ""
    assert_clean_failure(
        cli(store, "consent", "--mrn", "T0001", "--program", "CCM", "--date", _us(FIRST), "--method", "maybe"),
        1,
        "consent method: must be one of: verbal, written",
    )
    r = cli(store, "consent", "--mrn", "T0001", "--program", "CCM", "--date", _us(FIRST), "--method", "verbal")
    assert r.returncode == 0, r.stderr
    assert f"Consent for CCM recorded for MRN T0001: {_us(FIRST)} (verbal)." in r.stdout
    assert not any(t.startswith("No consent on file (CCM)") for t in reasons())
    assert codes() == "99490"
    assert_clean_failure(
        cli(store, "consent", "--mrn", "T0002", "--program", "CCM", "--date", _us(FIRST), "--method", "verbal"),
        1,
        "no current CCM enrollment",
    )


def test_ending_a_program_already_ended_lists_the_enrollments_by_id(store):
    """A tester's `enroll --end` (and `--change --end`) on a CCM already ended read "The patient has
    no current CCM enrollment: enroll them first." while `--change --id 1` works: the refusal now
    names the ids and the option."""
    start, ended, later = date(2025, 3, 1), TODAY - timedelta(days=5), TODAY + timedelta(days=6)
    assert cli(store, "enroll", "--mrn", "T0002", "--program", "CCM", "--start", _us(start)).returncode == 0
    assert cli(store, "enroll", "--mrn", "T0002", "--program", "CCM", "--end", _us(ended)).returncode == 0
    (e,) = show(store, "T0002")["enrollments"]
    listed = f"MRN T0002 has no current CCM enrollment (CCM id {e['id']} from {_us(start)} to {_us(ended)})"
    assert_clean_failure(
        cli(store, "enroll", "--mrn", "T0002", "--program", "CCM", "--end", _us(later)),
        1,
        f"{listed}: --change --id ID --end DATE corrects one's end date, --start enrolls them again",
    )
    assert_clean_failure(
        cli(store, "enroll", "--mrn", "T0002", "--program", "CCM", "--change", "--end", _us(later)),
        1,
        f"{listed}: --id ID chooses one, --start enrolls them again",
    )
    # No enrollment in the program at all: as before.
    assert_clean_failure(
        cli(store, "enroll", "--mrn", "T0002", "--program", "BHI", "--end", _us(later)),
        1,
        "The patient has no current BHI enrollment: enroll them first.",
    )
    assert_clean_failure(
        cli(store, "consent", "--mrn", "T0002", "--program", "CCM", "--date", _us(start), "--method", "verbal"),
        1,
        f"{listed}: caredesk enroll --change --id ID --consent-date DATE --consent-method METHOD records one's consent",
    )
    r = cli(
        store, "enroll", "--mrn", "T0002", "--program", "CCM", "--change", "--id", str(e["id"]), "--end", _us(later)
    )
    assert r.returncode == 0, r.stderr
    assert show(store, "T0002")["enrollments"][0]["end_date"] == later.isoformat()
