"""FHIR R4 import (issue 13 part 3): a bundle's patients read, validated and flagged, then
planned and stored through services.panel_import.

tests/interop/data/synthetic_transaction_bundle.json is shaped like the HL7 and Synthea R4
example bundles (a transaction of urn:uuid entries with request parts; SNOMED CT conditions,
LOINC observations with UCUM units, a MedicationRequest in RxNorm, a Synthea-style care plan,
immunization and encounter); its people are fictional ("Testa Synthetica", 555-01xx phones).

Sources: bundle types https://hl7.org/fhir/R4/bundle.html#bundle-types; resolving references
in a bundle https://hl7.org/fhir/R4/bundle.html#references; SNOMED CT 44054006 "Diabetes
mellitus type 2" (https://browser.ihtsdotools.org/?conceptId1=44054006); 1 lb = 0.45359237 kg
exactly (NIST SP 811, B.8); LOINC 29463-7 body weight, 85354-9 BP panel, 33914-3 eGFR (MDRD).
"""

from __future__ import annotations

import codecs
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from caredesk.domain.incoming import Action
from caredesk.errors import ValidationError
from caredesk.interop.fhir_import import read_bundle, read_bundle_report
from caredesk.services import clinical, panel_import, patients
from caredesk.services.patients import open_chart
from tests.conftest import TODAY

DATA = Path(__file__).parent / "data" / "synthetic_transaction_bundle.json"
SOURCE = "FHIR bundle"


def bundle_of(*resources, kind="collection", full_urls=True):
    entries = []
    for r in resources:
        entry = {"resource": r}
        if full_urls:
            entry["fullUrl"] = f"urn:uuid:{r['id']}"
        entries.append(entry)
    return json.dumps({"resourceType": "Bundle", "type": kind, "entry": entries}).encode()


def a_patient(pid="p1", mrn="000123"):
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": "urn:caredesk:mrn", "value": mrn}],
        "name": [{"use": "official", "family": "Example", "given": ["Testa"]}],
        "birthDate": "1950-03-04",
    }


def store_hash(ws) -> str:
    digest = hashlib.sha256()
    for name in ("caredesk.db", "caredesk.db-wal", "audit.anchor"):
        path = ws.folder_path / name
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_synthetic_example_bundle_imports_with_its_problems_flagged(workspace):
    report = read_bundle_report(DATA.read_bytes(), today=TODAY)
    (testa,) = report.patients
    # The identifier typed MR (not the SSN); as in Synthea's bundles it is the patient's uuid,
    # 36 characters: CareDesk's MRN holds up to 64 (domain.patients).
    assert testa.patient.mrn == "0f0e0000-0000-4000-8000-000000000901"
    assert (testa.patient.given_name, testa.patient.family_name) == ("Testa", "Synthetica")
    assert testa.patient.phones[0].number == "(555) 010-0901" and testa.patient.language == "English"
    assert testa.patient.address == "1 Example Lane, Testville, ZZ 00001"
    assert testa.patient.pcp == "Dr. Casey Example"  # the bundled Practitioner's name
    # The condition coded in SNOMED CT and ICD-10-CM keeps its ICD-10-CM code ...
    assert [(c.icd10, c.display) for c in testa.conditions] == [("I10", "Essential (primary) hypertension")]
    # ... the SNOMED-only one is flagged, never given an invented ICD-10 code.
    assert (
        "Condition/0f0e0000-0000-4000-8000-000000000011: needs an ICD-10 code (SNOMED CT 44054006 Diabetes mellitus type 2)"
        in testa.flags
    )
    assert not any("glucose" in f for f in testa.flags)  # mmol/L converted (test_fhir_tester_fixes)
    assert any(f.startswith("CarePlan/") and "another system's care plan" in f for f in testa.flags)
    readings = {(o.kind.value, o.value, o.unit) for o in testa.observations}
    # 81.6 kg / 0.45359237 = 179.897... lb; the BP panel's components are CareDesk's two readings.
    assert readings == {
        ("systolic BP", 138.0, "mmHg"),
        ("diastolic BP", 86.0, "mmHg"),
        ("weight", 179.9, "lb"),
        ("A1c", 7.4, "%"),
        ("eGFR", 61.0, "mL/min/1.73m2"),
        ("glucose", 130.0, "mg/dL"),  # 7.2 mmol/L x 18.016 = 129.7 (glucose 180.16 g/mol)
    }
    assert [m.name for m in testa.medications] == ["24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"]
    assert [(a.substance, a.reaction) for a in testa.allergies] == [("Allergy to peanut", "Wheal (finding)")]
    assert [(m.name, m.role, m.organization) for m in testa.care_team] == [
        ("Dr. Casey Example", "Healthcare professional", "Example Community Clinic")
    ]  # the patient listed on their own team is left out
    assert report.skipped["Immunization"] == 1 and report.skipped["Encounter"] == 1
    assert report.skipped["Condition (not active)"] == 1
    # The second patient's A1c is not valid FHIR (a decimal "high"): it and the patient are refused.
    first, second = report.problems
    assert (first.where, first.field, first.value) == (
        "Observation/0f0e0000-0000-4000-8000-000000000081",
        "Observation.valueQuantity.value",
        "high",
    )
    assert second.where == "Patient/0f0e0000-0000-4000-8000-000000000902"
    assert "not imported" in second.why and first.where in second.why

    before = store_hash(workspace)
    plan = panel_import.plan_import(workspace, report.patients, report.problems, source=SOURCE)
    assert store_hash(workspace) == before  # the preview reads only
    assert plan.count(Action.ADD) == 1 and len(plan.problems) == 2
    panel_import.apply_import(workspace, plan)
    stored = patients.by_mrn(workspace, "0f0e0000-0000-4000-8000-000000000901")
    chart = open_chart(workspace, stored.id)
    assert [c.icd10 for c in chart.conditions] == ["I10"]
    assert len(chart.observations) == 6
    with pytest.raises(Exception, match="No patient with MRN 000902"):
        patients.by_mrn(workspace, "000902")


def test_a_searchset_with_relative_references_and_no_full_urls():
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"}]},
    }
    found, problems = read_bundle(bundle_of(a_patient(), cond, kind="searchset", full_urls=False), today=TODAY)
    assert problems == [] and [c.icd10 for c in found[0].conditions] == ["E11.9"]


def test_a_record_of_a_patient_not_in_the_bundle_is_a_problem_of_its_own():
    cond = {"resourceType": "Condition", "id": "c9", "subject": {"reference": "Patient/nobody"}, "code": {"text": "x"}}
    found, problems = read_bundle(bundle_of(a_patient(), cond), today=TODAY)
    assert len(found) == 1
    assert [(p.where, p.field, p.why) for p in problems] == [
        ("Condition/c9", "Condition.subject", "names no Patient in this bundle")
    ]


def test_a_domain_refusal_names_the_resource_and_refuses_the_patient():
    bad_phone = {**a_patient(), "telecom": [{"system": "phone", "value": "12"}]}
    found, problems = read_bundle(bundle_of(bad_phone), today=TODAY)
    assert found == []
    assert [(p.where, p.field) for p in problems] == [("Patient/p1", "phone")]
    nameless = {**a_patient(), "identifier": []}
    found, problems = read_bundle(bundle_of(nameless), today=TODAY)
    assert [(p.field, p.why) for p in problems] == [("Patient.identifier", "has no MRN (an identifier of type MR)")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"resourceType": "Bundle",\n "type": "collection",\n "entry": [}',
            "is not valid JSON: Expecting value at line 3, column 12",
        ),
        (b'{"resourceType": "Patient", "id": "p1"}', "is a Patient resource: a FHIR R4 Bundle is needed"),
        (
            b'{"resourceType": "Bundle", "type": "document"}',
            'is a Bundle of type "document": CareDesk reads transaction, collection, searchset bundles',
        ),
        ("{}".encode("utf-16"), "is not UTF-8 text"),
        (b"   ", "is empty"),
        # Entries are decoded one at a time (memory); an error inside one still says where it is.
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": [\n {"resource": {}},\n {"resource": {"id": }}]}',
            "is not valid JSON: Expecting value at line 3, column 22",
        ),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []} []', "is not valid JSON: Extra data"),
        (b'{"entry": [], "type": "collection", "resourceType": "Bundle", "entry": 5}', "Bundle.entry: must be a list"),
    ],
)
def test_a_file_refused_as_a_whole_says_why(data, message):
    with pytest.raises(ValidationError) as caught:
        read_bundle(data, today=TODAY)
    assert caught.value.field == "FHIR bundle" and message in caught.value.message


def test_a_file_over_50_mb_is_refused_before_it_is_parsed():
    with pytest.raises(ValidationError, match=r"is 50\.0 MB; CareDesk imports files up to 50 MB"):
        read_bundle(b" " * 50_000_001, today=TODAY)


def test_no_known_allergies_and_a_real_allergy_from_another_system(workspace):
    nka = {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "patient": {"reference": "urn:uuid:p1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "716186003"}]},
    }
    nkda = {**nka, "id": "a2", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "409137002"}]}}
    found, _problems = read_bundle(bundle_of(a_patient(), nka, nkda), today=TODAY)
    assert [a.substance for a in found[0].allergies] == ["No known allergies"]
    assert found[0].flags == (
        "AllergyIntolerance/a2: says no known drug allergy: not recorded; ask about other allergies",
    )
    plan = panel_import.plan_import(workspace, found, [], source=SOURCE)
    panel_import.apply_import(workspace, plan)
    stored = patients.by_mrn(workspace, "000123")
    assert clinical.record(workspace, stored.id).no_known_allergies


def test_an_onset_in_the_future_is_refused_by_the_store_rules(workspace):
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "urn:uuid:p1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}]},
        "onsetDateTime": "2030-01-01",
    }
    found, problems = read_bundle(bundle_of(a_patient(), cond), today=TODAY)
    plan = panel_import.plan_import(workspace, found, problems, source=SOURCE)
    assert plan.patients == () and "onset" in plan.problems[0].field
    assert date(2030, 1, 1) > TODAY


def test_a_reading_the_domain_refuses_refuses_its_patient_naming_the_observation():
    weight = {
        "resourceType": "Observation",
        "id": "w1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "subject": {"reference": "urn:uuid:p1"},
        "effectiveDateTime": "2026-11-02",
        "valueQuantity": {"value": 1800, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
    }
    found, problems = read_bundle(bundle_of(a_patient(), weight), today=TODAY)
    assert found == []
    assert [(p.where, p.field, p.why) for p in problems] == [
        ("Observation/w1", "weight", "must be between 20 and 700 lb"),  # domain.patients.OBSERVATION_RANGES
        ("Patient/p1", "", "the patient is not imported: Observation/w1 refused (above)"),
    ]


def test_accented_names_and_a_byte_order_mark_survive_the_entry_by_entry_reading():
    # The reader scans the file as Latin-1 to find its entries (memory), then decodes each
    # entry as UTF-8: multi-byte letters and a BOM come through whole.
    patient = a_patient() | {"name": [{"use": "official", "family": "Núñez-Ødegård", "given": ["José", "Zoë"]}]}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:p1", "resource": patient}],
    }
    data = codecs.BOM_UTF8 + json.dumps(bundle, ensure_ascii=False).encode("utf-8")
    assert "é".encode() in data  # raw UTF-8, not \u escapes
    (one,), problems = read_bundle(data, today=TODAY)
    assert problems == [] and (one.patient.given_name, one.patient.family_name) == ("José Zoë", "Núñez-Ødegård")
