"""Phones in imported rows are checked as phones typed in the app or given to the CLI
(domain.phone_entry), through `caredesk import csv|fhir` as real processes: a row (a FHIR
patient) with a 7-digit number is refused by its row number (its resource), the good ones are
imported, and nothing of the refused one is stored.

The rule's source: a North American (NANP) number has 10 digits (3 of area code, 7 of local
number); libphonenumber's US metadata reads 7 digits alone as IS_POSSIBLE_LOCAL_ONLY. Area code
555 is NANPA's unassigned one, the fiction these tests use."""

from __future__ import annotations

import pytest

from caredesk.domain.patients import Phone
from caredesk.interop.fhir_import import read_bundle
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import pw_env, run
from tests.cli.test_import_csv import _empty, stored
from tests.conftest import TODAY, templated
from tests.interop.test_fhir_import import a_patient, bundle_of


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    templated(store_templates, clock, "cli-import-csv", _empty, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def test_a_csv_row_with_a_7_digit_phone_is_refused_by_row_number_and_the_rest_imported(store, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        "MRN,Name,DOB,Cell Phone\n"
        '000201,"Example, Ada",1950-01-31,(555) 010-0201\n'
        '000202,"Example, Bo",1951-02-01,555-0142\n'
        '000203,"Example, Cy",1952-03-02,555.010.0203\n',
        encoding="utf-8",
    )
    r = run("import", "csv", str(path), "--yes", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Preview: 2 to add, 0 to update, 0 unchanged, 1 row refused." in r.stdout
    assert 'row 3, Cell Phone "555-0142": has no area code; type all 10 digits' in r.stdout
    patients = stored(store)
    assert sorted(patients) == ["000201", "000203"]  # the refused row's patient is not stored at all
    assert patients["000203"]["phones"] == ["(555) 010-0203"]


def test_a_fhir_patient_with_a_7_digit_phone_is_refused_naming_it_and_the_rest_imported(store, tmp_path):
    good = {**a_patient("p1", "000301"), "telecom": [{"system": "phone", "value": "+15550100301", "use": "mobile"}]}
    bad = {**a_patient("p2", "000302"), "telecom": [{"system": "phone", "value": "555-0142", "use": "home"}]}
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle_of(good, bad))
    r = run("import", "fhir", str(path), "--yes", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Preview: 1 to add, 0 to update, 0 unchanged, 1 patient refused." in r.stdout
    assert "Patient/p2, phone: 555-0142 has no area code; type all 10 digits" in r.stdout
    assert sorted(stored(store)) == ["000301"]


def test_a_fhir_contacts_phone_is_a_caregivers_and_a_word_for_a_type_is_that_type():
    """Patient.contact is someone other than the patient (https://hl7.org/fhir/R4/patient.html):
    a relationship that is no CareDesk phone type (a daughter) is the caregiver's line; one that
    is, or a word for one ("cell", as an export of a type stored before the rule reads), is it."""
    contacts = [
        {"relationship": [{"text": "daughter"}], "telecom": [{"system": "phone", "value": "+15550100401"}]},
        {"relationship": [{"text": "cell"}], "telecom": [{"system": "phone", "value": "+15550100402"}]},
        {"relationship": [{"text": "caregiver"}], "telecom": [{"system": "phone", "value": "+15550100403"}]},
    ]
    (found,), problems = read_bundle(bundle_of({**a_patient(), "contact": contacts}), today=TODAY)
    assert problems == []
    assert found.patient.phones == (
        Phone(number="(555) 010-0401", kind="caregiver"),
        Phone(number="(555) 010-0402", kind="mobile"),
        Phone(number="(555) 010-0403", kind="caregiver"),
    )
