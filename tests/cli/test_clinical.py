"""`caredesk condition|allergy|careteam|med` in real processes over a real encrypted store."""

from __future__ import annotations

import json
from datetime import date

import pytest

from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Program
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient, templated

MRN = "CL0001"


@pytest.fixture
def store(tmp_path, clock, store_templates) -> list[str]:
    """A new store (as `caredesk init` makes it) with one CCM patient consented since 2025; the CLI's store options."""
    templated(store_templates, clock, "cli-clinical", _one_ccm_patient, tmp_path / "store")
    return ["--mrn", MRN, "--data-dir", str(tmp_path / "store")]


def _one_ccm_patient(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        add_patient(
            ws,
            Patient(mrn=MRN, given_name="Zoë", family_name="Qzxnúñez", birth_date=date(1950, 3, 4)),
            Enrollment(
                patient_id=0,
                program=Program.CCM,
                start_date=date(2025, 1, 1),
                consent_date=date(2025, 1, 2),
                consent_method=ConsentMethod.VERBAL,
            ),
        )
    finally:
        ws.lock()


def cd(*args: str):
    return run(*args, env=pw_env())


def ok(*args: str) -> str:
    r = cd(*args)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout


def listed(store: list[str], group: str, *extra: str) -> list[dict]:
    return json.loads(ok(group, "list", *store, "--json", *extra))


# CMS MLN909188 (Chronic Care Management Services): 99490 needs 20 minutes of clinical-staff time,
# consent on file and two or more chronic conditions.
def test_a_ccm_patient_bills_once_a_second_chronic_condition_is_added(store):
    data_dir = store[3]
    ok("log-contact", *store, "--outcome", "reached", "--minutes", "25", "--date", "2025-06-10")
    out = ok("condition", "add", *store, "--code", "E119")
    assert out.splitlines() == [
        f"Added E11.9 Type 2 diabetes mellitus without complications (chronic) for MRN {MRN}.",
        f"MRN {MRN} has 1 chronic condition.",
    ]
    report = ok("report", "billing", "--month", "2025-06", "--data-dir", data_dir)
    assert "99490" not in report and "0 with codes earned" in report
    out = ok("condition", "add", *store, "--code", "i10", "--onset", "2019-04-01")
    assert out.splitlines()[-1] == f"MRN {MRN} has 2 chronic conditions."
    report = ok("report", "billing", "--month", "2025-06", "--data-dir", data_dir)
    assert "1 with codes earned" in report and "99490: 1" in report
    assert listed(store, "condition") == [
        {
            "id": 1,
            "code": "E11.9",
            "description": "Type 2 diabetes mellitus without complications",
            "chronic": True,
            "onset": None,
        },
        {
            "id": 2,
            "code": "I10",
            "description": "Essential (primary) hypertension",
            "chronic": True,
            "onset": "2019-04-01",
        },
    ]
    out = ok("condition", "remove", *store, "--code", "I10")
    assert out.splitlines()[-1] == f"MRN {MRN} has 1 chronic condition."
    assert "0 with codes earned" in ok("report", "billing", "--month", "2025-06", "--data-dir", data_dir)


def test_an_unknown_code_exits_1_with_the_nearest_codes_and_adds_nothing(store):
    for code, says in (
        ("E11.99", "ICD-10 code: E11.99 is not an ICD-10-CM code; nearest: E11.9 Type 2 diabetes mellitus"),
        ("E11", "ICD-10 code: E11 is a category, not a billable code; choose one of: E11.8"),
    ):
        assert_clean_failure(cd("condition", "add", *store, "--code", code), 1, says)
    assert listed(store, "condition") == []


def test_a_condition_twice_an_acute_one_and_bad_dates(store):
    ok("condition", "add", *store, "--code", "J06.9", "--not-chronic")
    assert listed(store, "condition")[0]["chronic"] is False
    assert_clean_failure(cd("condition", "add", *store, "--code", "j069"), 1, "J06.9 is already on this patient's list")
    assert_clean_failure(
        cd("condition", "add", *store, "--code", "I10", "--onset", "2999-01-01"), 1, "onset date: cannot be after today"
    )
    assert_clean_failure(
        cd("condition", "add", *store, "--code", "I10", "--onset", "04/31/2019"),
        2,
        "--onset: 04/31/2019 is not a real calendar date",  # April has 30 days
    )
    assert_clean_failure(cd("condition", "remove", *store, "--code", "I10"), 1, "no condition with this code")
    assert len(listed(store, "condition")) == 1


def test_allergies_none_known_then_one_found(store):
    assert "not asked yet" in ok("allergy", "list", *store)
    ok("allergy", "add", *store, "--none-known")
    assert listed(store, "allergy") == [{"id": 1, "substance": "No known allergies", "reaction": ""}]
    assert ok("allergy", "list", *store) == "No known allergies (the patient was asked).\n"
    ok("allergy", "add", *store, "--substance", "Penicillin", "--reaction", "hives")
    assert [(a["substance"], a["reaction"]) for a in listed(store, "allergy")] == [("Penicillin", "hives")]
    assert_clean_failure(cd("allergy", "add", *store), 2, "needs --substance or --none-known")
    assert_clean_failure(
        cd("allergy", "add", *store, "--substance", "NKDA"), 1, "allergy substance: is not a substance"
    )
    assert_clean_failure(cd("allergy", "add", *store, "--none-known"), 1, "allergies: are listed for this patient")
    ok("allergy", "remove", *store, "--substance", "penicillin")
    assert listed(store, "allergy") == []


def test_care_team_add_with_a_bad_phone_then_a_good_one(store):
    assert_clean_failure(
        cd("careteam", "add", *store, "--role", "PCP", "--name", "Dr. Ana Ruiz", "--phone", "555-12"),
        1,
        "care-team phone: 555-12 is not a phone number; type all 10 digits",
    )
    assert listed(store, "careteam") == []
    ok("careteam", "add", *store, "--role", "PCP", "--name", "Dr. Ana Ruiz", "--phone", "(555) 010-9000")
    assert listed(store, "careteam") == [
        {"id": 1, "role": "PCP", "name": "Dr. Ana Ruiz", "phone": "(555) 010-9000", "organization": ""}
    ]
    ok("careteam", "remove", *store, "--name", "dr. ana ruiz")
    assert listed(store, "careteam") == []


def test_medications_change_stop_and_adherence_keep_their_history(store):
    out = ok(
        "med", "add", *store, "--name", "Metformin", "--dose", "500 mg", "--frequency", "twice a day",
        "--prescriber", "Dr. Ana Ruiz", "--start", "2024-03-01",
    )  # fmt: skip
    assert out == f"Added Metformin 500 mg twice a day for MRN {MRN}.\n"
    out = ok("med", "adherence", *store, "--name", "metformin", "--answer", "missed", "--on", "2025-05-01")
    assert out.endswith("(adherence now partial).\n")
    ok("med", "change", *store, "--name", "METFORMIN", "--dose", "1000 mg", "--on", "2025-06-01")
    ok("med", "adherence", *store, "--name", "Metformin", "--answer", "cost", "--note", "copay", "--on", "2025-07-01")
    (current,) = listed(store, "med")
    assert {k: current[k] for k in ("name", "dose", "frequency", "start_date", "adherence", "current")} == {
        "name": "Metformin",
        "dose": "1000 mg",
        "frequency": "twice a day",
        "start_date": "2025-06-01",
        "adherence": "poor",
        "current": True,
    }
    assert current["adherence_checks"] == [
        {"date": "2025-07-01", "answer": "cost or access problem", "note": "copay"},
        {"date": "2025-05-01", "answer": "missed doses", "note": ""},  # from the dose before
    ]
    assert_clean_failure(
        cd("med", "stop", *store, "--name", "Metformin", "--reason", " "), 1, "stop reason: is required"
    )
    assert_clean_failure(
        cd("med", "stop", *store, "--name", "Metformin", "--reason", "dizzy", "--on", "2999-01-01"),
        1,
        "stop date: cannot be after today",
    )
    ok("med", "stop", *store, "--name", "Metformin", "--reason", "dizzy", "--on", "2025-08-01")
    assert listed(store, "med") == []
    everything = listed(store, "med", "--all")
    assert [(m["dose"], m["stop_date"], m["stop_reason"]) for m in everything] == [
        ("1000 mg", "2025-08-01", "dizzy"),
        ("500 mg", "2025-06-01", "dose changed"),
    ]
    text = ok("med", "list", *store, "--all")
    assert "stopped 2025-06-01: Metformin 500 mg twice a day (dose changed)" in text
    assert_clean_failure(
        cd("med", "adherence", *store, "--name", "Metformin", "--answer", "taken"),
        1,
        "no current medication by this name",
    )


def test_med_commands_refuse_bad_input_in_one_line(store):
    assert_clean_failure(cd("med", "add", *store, "--name", " "), 1, "medication: is required")
    assert_clean_failure(cd("med", "add", *store, "--name", "Lisinopril", "--start", "2999-01-01"), 1, "start date")
    r = cd("med", "adherence", *store, "--name", "Lisinopril", "--answer", "sometimes")
    # Not one of the values it takes: refused as --outcome maybe is (exit 1, README "Command line").
    assert_clean_failure(r, 1, "--answer: must be one of: cost, missed, stopped, taken; got 'sometimes'")
    assert_clean_failure(cd("med", "list", "--mrn", "NOPE", "--data-dir", store[3]), 1, "No patient with MRN NOPE")


def test_a_code_typed_without_its_dot_is_refused_as_typed(store):
    says = "ICD-10 code: XYZ99 (read as XYZ.99) is not an ICD-10-CM code; check the code (such as E11.9)"
    assert_clean_failure(cd("condition", "add", *store, "--code", "XYZ99"), 1, says)
    assert listed(store, "condition") == []
