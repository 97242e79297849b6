"""Which column holds which field: the guess from registry column names, the header signature,
mapping files by column name, and the mapping remembered in a real store."""

from __future__ import annotations

import json

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import ConsentMethod
from caredesk.errors import ValidationError
from caredesk.interop import csv_mapping
from caredesk.interop.csv_mapping import FIELDS, Mapping, guess, missing, signature

# A registry export as an EHR writes it (column names only; no patient data here).
REGISTRY = (
    "Medical Record Number",
    "Patient Name (Last, First)",
    "Date of Birth",
    "Gender",
    "Home Phone",
    "Cell",
    "Street Address",
    "City",
    "State",
    "ZIP Code",
    "Preferred Language",
    "Primary Insurance",
    "Primary Care Provider",
    "Program",
    "CCM Consent",
    "ICD-10",
    "Risk Level",
    "Last Visit",
)


def test_every_field_has_a_unique_key_and_the_required_ones_are_mrn_and_birth_date():
    keys = [f.key for f in FIELDS]
    assert len(keys) == len(set(keys))
    assert {f.key for f in FIELDS if f.required} == {"mrn", "birth_date"}
    assert {"mrn", "full_name", "given_name", "family_name", "icd10", "consent_date", "call_window"} <= set(keys)


def test_guess_reads_the_usual_registry_columns():
    found = guess(REGISTRY)
    named = {key: REGISTRY[i] for key, i in found.items()}
    assert named == {
        "mrn": "Medical Record Number",
        "full_name": "Patient Name (Last, First)",
        "birth_date": "Date of Birth",
        "sex": "Gender",
        "phone": "Home Phone",
        "phone2": "Cell",
        "address": "Street Address",
        "city": "City",
        "state": "State",
        "zip": "ZIP Code",
        "language": "Preferred Language",
        "payer": "Primary Insurance",
        "pcp": "Primary Care Provider",
        "program": "Program",
        "consent_date": "CCM Consent",
        "icd10": "ICD-10",
        "risk_tier": "Risk Level",
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("MRN", "mrn"),
        ("mrn", "mrn"),
        ("Patient ID", "mrn"),
        ("patient_id", "mrn"),
        ("Name", "full_name"),
        ("Last, First", "full_name"),
        ("FIRST NAME", "given_name"),
        ("last-name", "family_name"),
        ("DOB", "birth_date"),
        ("Birthdate", "birth_date"),
        ("D.O.B.", "birth_date"),
        ("Sex", "sex"),
        ("Mobile", "phone"),
        ("Phone", "phone"),
        ("Address", "address"),
        ("Language", "language"),
        ("Payer", "payer"),
        ("Insurance", "payer"),
        ("PCP", "pcp"),
        ("Provider", "pcp"),
        ("Consent Date", "consent_date"),
        ("Diagnoses", "icd10"),
        ("Dx Codes", "icd10"),
        ("Risk", "risk_tier"),
        ("Patient Language", "language"),  # "Patient " in front of a usual name
        ("Birth Dt", "birth_date"),  # a tester's athena-style export
        ("Birthdt", "birth_date"),
        ("Payor", "payer"),
        ("Insurance Name", "payer"),
        ("Cell Phone", "phone"),
        ("Mobile Phone", "phone"),
    ],
)
def test_guess_ignores_case_spaces_and_punctuation(name, key):
    assert guess((name,)) == {key: 0}


def test_guess_takes_first_and_last_name_columns_and_leaves_unknown_ones_out():
    assert guess(("First Name", "Last Name", "DOB", "MRN", "Favourite colour")) == {
        "given_name": 0,
        "family_name": 1,
        "birth_date": 2,
        "mrn": 3,
    }


def test_signature_is_stable_and_ignores_case_spacing_and_punctuation():
    a = signature(("MRN", "Patient Name", "DOB"))
    assert a == signature(("mrn", "patient_name", " D.O.B "))
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != signature(("Patient Name", "MRN", "DOB"))  # order matters: another report
    assert a != signature(("MRN", "Patient Name", "DOB", "Phone"))


def test_missing_names_the_required_fields_and_the_name():
    assert missing({"mrn", "full_name", "birth_date"}) == []
    assert missing({"mrn", "given_name", "family_name", "birth_date"}) == []
    assert missing({"mrn", "given_name", "birth_date"}) == [csv_mapping.NAME_REQUIRED]
    assert missing(set()) == ["MRN", csv_mapping.NAME_REQUIRED, "Date of birth"]


def test_mapping_indices_by_column_name():
    header = ("MRN", "Name", "D.O.B.")
    mapping = Mapping(columns={"mrn": "mrn", "full_name": "Name", "birth_date": "DOB"})
    assert mapping.indices(header) == {"mrn": 0, "full_name": 1, "birth_date": 2}


def test_mapping_naming_a_column_the_file_lacks_is_refused_naming_it():
    mapping = Mapping(columns={"mrn": "Chart #", "full_name": "Name", "birth_date": "DOB"})
    with pytest.raises(ValidationError) as refused:
        mapping.indices(("MRN", "Name", "DOB"))
    assert str(refused.value) == """mapping: the column "Chart #" (MRN) is not in the file's header"""


def test_a_missing_required_column_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        Mapping.from_indices(("MRN", "Name"), guess(("MRN", "Name"))).indices(("MRN", "Name"))
    assert "no column for Date of birth" in str(refused.value)


def test_one_column_mapped_to_two_fields_is_refused_naming_both():
    mapping = Mapping(columns={"mrn": "MRN", "full_name": "Name", "birth_date": "MRN"})
    with pytest.raises(ValidationError) as refused:
        mapping.indices(("MRN", "Name", "DOB"))
    assert str(refused.value) == (
        'mapping: the column "MRN" is mapped to both "mrn" (MRN) and "birth_date" (Date of birth): '
        "a column fills one field"
    )


def test_a_mapped_column_named_twice_in_the_header_is_refused():
    with pytest.raises(ValidationError, match='the column "MRN" appears 2 times'):
        Mapping(columns={"mrn": "MRN", "full_name": "Name", "birth_date": "DOB"}).indices(("MRN", "Name", "DOB", "mrn"))


def test_mapping_file_round_trip(tmp_path):
    path = tmp_path / "registry.json"
    mapping = Mapping(
        columns={"mrn": "MRN", "full_name": "Name", "birth_date": "DOB"}, consent_method=ConsentMethod.VERBAL
    )
    csv_mapping.save(path, mapping)
    assert json.loads(path.read_text()) == {
        "columns": {"mrn": "MRN", "full_name": "Name", "birth_date": "DOB"},
        "consent_method": "verbal",
    }
    assert csv_mapping.load(path) == mapping


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"columns": {"shoe_size": "Shoe"}}, '"shoe_size" is not a CareDesk field'),
        ({"columns": {"mrn": 3}}, 'the column for "mrn" must be a column name'),
        (
            {"columns": {"mrn": "MRN"}, "consent_method": "carrier pigeon"},
            'consent_method must be "verbal" or "written"',
        ),
        ({"mrn": "MRN"}, 'must be a JSON object with "columns"'),
        ({"columns": {}, "extra": 1}, 'unknown entry "extra"'),
    ],
)
def test_a_bad_mapping_file_is_refused_naming_the_file_and_entry(tmp_path, data, message):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as refused:
        csv_mapping.load(path)
    assert str(refused.value).startswith("m.json: ") and message in str(refused.value)


def test_a_mapping_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{columns: ")
    with pytest.raises(ValidationError, match=r"^m\.json: is not valid JSON \(line 1\)"):
        csv_mapping.load(path)


def test_describe_lists_the_mapped_fields_in_order():
    mapping = Mapping(columns={"birth_date": "DOB", "mrn": "MRN"})
    assert csv_mapping.describe(mapping) == ['MRN            <- "MRN"', 'Date of birth  <- "DOB"']


def test_a_mapping_is_remembered_per_header_in_the_store_and_audited(workspace):
    header = ("MRN", "Patient", "Birth Date", "Extra")
    assert csv_mapping.remembered(workspace, header) is None
    chosen = Mapping(columns={"mrn": "MRN", "full_name": "Patient", "birth_date": "Birth Date"})
    csv_mapping.remember(workspace, header, chosen)
    assert csv_mapping.remembered(workspace, header) == chosen
    assert csv_mapping.remembered(workspace, ("mrn", "PATIENT", "birth_date", "extra")) == chosen  # same signature
    assert csv_mapping.remembered(workspace, ("MRN", "Patient", "Birth Date")) is None  # another header
    with workspace.uow() as uow:
        events = [(e.action, e.entity, e.detail) for e in uow.audit_log.all()]
    assert (actions.RECORD_CHANGED, "CSV column mapping", f"header {signature(header)}") in events


def test_a_mapping_that_does_not_fit_the_header_is_not_remembered(workspace):
    with pytest.raises(ValidationError, match="is not in the file's header"):
        csv_mapping.remember(workspace, ("MRN", "Name"), Mapping(columns={"mrn": "MRN", "birth_date": "DOB"}))
