"""What a fresh tester found in the FHIR import and export (issue 13), each fixed with its test.

Sources: FHIR R4 AdministrativeGender (https://hl7.org/fhir/R4/valueset-administrative-gender.html:
male | female | other | unknown); the IFCC-NGSP master equation NGSP(%) = 0.09148 x IFCC(mmol/mol)
+ 2.152 (Hoelzel et al., Clin Chem 2004;50:166-174; https://ngsp.org/ifccngsp.asp); glucose's molar
mass 180.16 g/mol (mg/dL = mmol/L x 18.016); LOINC 4548-4, 59261-8 (A1c IFCC), 2339-0, 15074-8
(glucose moles/volume), 13457-7 (LDL).
"""

from __future__ import annotations

import json
from datetime import date

from caredesk.clock import FixedClock
from caredesk.domain.patients import Patient, Phone, Sex
from caredesk.interop.fhir_export import export_bundle
from caredesk.interop.fhir_import import read_bundle, read_bundle_report
from caredesk.services import panel_import, patients, store_identity
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, TODAY, ZONE, add_patient
from tests.interop.test_fhir_import import a_patient, bundle_of

BIRTH = date(1950, 3, 4)


def _lab(oid, loinc, value, unit):
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": "urn:uuid:p1"},
        "effectiveDateTime": "2026-10-20",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
    }


def test_an_a1c_in_mmol_per_mol_and_a_glucose_in_mmol_per_l_are_converted():
    report = read_bundle_report(
        bundle_of(
            a_patient(),
            _lab("o1", "4548-4", 53, "mmol/mol"),  # 0.09148 x 53 + 2.152 = 7.00044 -> 7.0 %
            _lab("o2", "59261-8", 64, "mmol/mol"),  # 0.09148 x 64 + 2.152 = 8.00672 -> 8.0 %
            _lab("o3", "2339-0", 7.2, "mmol/L"),  # 7.2 x 18.016 = 129.7 -> 130 mg/dL
            _lab("o4", "15074-8", 5.5, "mmol/L"),  # 5.5 x 18.016 = 99.088 -> 99 mg/dL
            _lab("o5", "13457-7", 2.6, "mmol/L"),  # LDL: another factor, not known here -> flagged
        ),
        today=TODAY,
    )
    (p,) = report.patients
    assert sorted((o.kind.value, o.value, o.unit) for o in p.observations) == [
        ("A1c", 7.0, "%"),
        ("A1c", 8.0, "%"),
        ("glucose", 99.0, "mg/dL"),
        ("glucose", 130.0, "mg/dL"),
    ]
    assert p.flags == ("Observation/o5: LDL in mmol/L: CareDesk records mg/dL; not imported",)


def test_a_gender_that_is_not_an_r4_code_refuses_the_patient_naming_the_codes():
    bad = a_patient() | {"gender": "F"}
    report = read_bundle_report(bundle_of(bad), today=TODAY)
    assert report.patients == []
    (problem,) = report.problems
    assert (problem.where, problem.field) == ("Patient/p1", "Patient.gender")
    assert problem.why == '"F" is not a FHIR gender code (male | female | other | unknown)'
    good = read_bundle_report(bundle_of(a_patient() | {"gender": "female"}), today=TODAY)
    assert good.patients[0].patient.sex is Sex.FEMALE
    absent = read_bundle_report(bundle_of(a_patient()), today=TODAY)
    assert absent.patients[0].patient.sex is Sex.UNKNOWN


def _second_store(tmp_path, name):
    ws, _code = Access(DataFolder(tmp_path / name), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    return ws


def test_a_phone_extension_survives_the_round_trip(workspace, tmp_path):
    phones = (Phone(number="(555) 555-0155 x123", kind="work"), Phone(number="(555) 010-0101", kind="mobile"))
    add_patient(
        workspace, Patient(mrn="000123", given_name="Testa", family_name="Example", birth_date=BIRTH, phones=phones)
    )
    bundle = export_bundle(workspace)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    # E.164 has no extension: libphonenumber's international (ITU-T E.123) form keeps it.
    assert [t["value"] for t in patient["telecom"]] == ["+1 555-555-0155 ext. 123", "+15550100101"]
    target = _second_store(tmp_path, "other")
    try:
        incoming, problems = read_bundle(json.dumps(bundle).encode(), today=TODAY)
        panel_import.apply_import(target, panel_import.plan_import(target, incoming, problems, source="FHIR bundle"))
        assert patients.by_mrn(target, "000123").phones == phones
    finally:
        target.lock()


def _ids(bundle):
    return {e["fullUrl"] for e in bundle["entry"]} | {e["resource"]["id"] for e in bundle["entry"]} | {bundle["id"]}


def test_two_stores_exports_share_no_id_and_one_store_exports_the_same_ids_again(workspace, tmp_path):
    # Both patients are row 1 of their store: a namespace fixed in the code gave them one id.
    add_patient(workspace, Patient(mrn="00012345", given_name="Testa", family_name="Example", birth_date=BIRTH))
    other = _second_store(tmp_path, "other")
    try:
        add_patient(other, Patient(mrn="DM000001", given_name="Demo", family_name="Example", birth_date=BIRTH))
        first, second = export_bundle(workspace), export_bundle(other)
        assert _ids(first) and not _ids(first) & _ids(second)
        assert _ids(export_bundle(workspace)) == _ids(first)  # stable within the store
        assert store_identity.fhir_namespace(workspace) != store_identity.fhir_namespace(other)
    finally:
        other.lock()


def test_the_r4_models_errors_are_said_in_plain_words_with_the_element():
    # R4 primitive formats: https://hl7.org/fhir/R4/datatypes.html#primitive
    cases = [
        ({"birthDate": "03/04/1950"}, "Patient.birthDate", "is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ({"active": "maybe"}, "Patient.active", "must be true or false"),
        ({"name": "Testa"}, "Patient.name", "must be a list ([...] in JSON)"),
        ({"favouriteColour": "blue"}, "Patient.favouriteColour", "is not an element of this resource in FHIR R4"),
        ({"multipleBirthInteger": "two"}, "Patient.multipleBirthInteger", "must be a whole number"),
    ]
    for extra, field, why in cases:
        report = read_bundle_report(bundle_of(a_patient() | extra), today=TODAY)
        (problem,) = report.problems
        assert (problem.field, problem.why) == (field, why)
