"""FHIR R4 export (issue 13 part 2): a demo panel's bundle validates whole, and one patient
made through the services comes out field by field as FHIR R4 and LOINC/UCUM say.

Sources of the expected values:
- Bundle, fullUrl urn:uuid: https://hl7.org/fhir/R4/bundle.html#bundle-unique
- vital signs codes and UCUM units: https://hl7.org/fhir/R4/observation-vitalsigns.html
  (85354-9 BP panel with 8480-6/8462-4 in mm[Hg], 29463-7 body weight in [lb_av] or kg,
  59408-5 SpO2 in %, 8867-4 heart rate in /min)
- labs: https://loinc.org/4548-4/ (A1c, %), https://loinc.org/98979-8/ (eGFR CKD-EPI 2021,
  mL/min/{1.73_m2}), https://loinc.org/13457-7/ (LDL calculated, mg/dL)
- PHQ-9: https://loinc.org/44249-1/ (panel), https://loinc.org/44261-6/ (total score),
  answer list LL358-3 (LA6568-5 Not at all ... LA6571-9 Nearly every day)
- ICD-10-CM system URI: https://hl7.org/fhir/R4/icd.html#icd10cm ... http://hl7.org/fhir/sid/icd-10-cm
- No known allergy: SNOMED CT 716186003 (https://hl7.org/fhir/R4/allergyintolerance-nka.json.html)
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from caredesk.errors import CareDeskError, NotFound
from caredesk.interop import fhir_export
from caredesk.interop.fhir_export import ExportInvalid, export_bundle, write_bundle
from tests.interop.conftest import open_demo
from tests.interop.fhir_panel import PHQ9, make_panel

ALL_TYPES = {
    "Patient", "Basic", "Coverage", "EpisodeOfCare", "Condition", "AllergyIntolerance", "MedicationStatement",
    "Observation", "CareTeam", "Encounter", "Communication", "QuestionnaireResponse", "Goal", "CarePlan", "Task", "Appointment", "ServiceRequest",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory, store_templates):
    """(the bundle of a 30-patient demo panel as a file holds it, a second export of the same
    store). 30 patients hold every resource type the export writes (the test checks it) in
    ~2,350 resources, against the 170-patient panel's 16,770 (~34 s of CPU, two exports and the
    whole-bundle validation, for the same checks; still ~7.5 s more CPU for this file and the
    round trip together once the export read every patient at once, mostly the R4B models). The second export is only compared entry by entry with the first, which
    export_bundle validated (and the test validates whole): equal entries are as valid, so it
    skips the R4B models."""
    ws = open_demo(store_templates, tmp_path_factory.mktemp("demo") / "store", patients=30)
    try:
        first = json.dumps(export_bundle(ws)).encode("utf-8")
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(fhir_export, "validate", lambda resource: None)
            again = export_bundle(ws)
    finally:
        ws.lock()
    return json.loads(first), again


@pytest.fixture
def panel_ws(workspace):
    return workspace, make_panel(workspace)


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def of_patient(bundle, kind, mrn):
    patient = next(p for p in resources(bundle, "Patient") if p["identifier"][0]["value"] == mrn)
    url = f"urn:uuid:{patient['id']}"
    found = []
    for r in resources(bundle, kind):
        owner = r.get("subject") or r.get("patient") or r.get("beneficiary") or {}
        if r is patient or owner.get("reference") == url:
            found.append(r)
    return found


def test_the_demo_panel_exports_as_one_valid_r4_bundle_with_stable_ids(demo_bundle):
    bundle, again = demo_bundle
    parsed = Bundle.model_validate(bundle)  # the whole file, every entry, against the R4B models
    assert parsed.type == "collection" and bundle["timestamp"].startswith("2026-11-24T10:30:00")
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == ALL_TYPES
    assert len(resources(bundle, "Patient")) == 30
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])
    # Every reference to another entry resolves inside the bundle (contained ones start with #).
    text = json.dumps(bundle)
    refs = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert {r for r in refs if not r.startswith("#")} <= set(urls)
    # Re-export: the same resources under the same ids.
    assert again["entry"] == bundle["entry"]


def test_one_patient_comes_out_field_by_field(panel_ws):
    ws, _panel = panel_ws
    bundle = export_bundle(ws, mrn="000123")
    Bundle.model_validate(bundle)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["system"] == "urn:caredesk:mrn"
    assert patient["identifier"][0]["value"] == "000123"  # leading zeros kept
    assert patient["name"] == [
        {"use": "official", "family": "Example", "given": ["Testa"]},
        {"use": "usual", "family": "Example", "given": ["Tess"]},
    ]
    assert patient["gender"] == "female" and patient["birthDate"] == "1950-03-04"
    # E.164 (ITU-T E.164, what FHIR ContactPoint recommends for phones); the caregiver's line is a contact.
    assert patient["telecom"] == [
        {"system": "phone", "value": "+15550100123", "use": "mobile"},
        {"system": "phone", "value": "+15550140456", "use": "home"},
    ]
    assert patient["contact"] == [
        {"relationship": [{"text": "caregiver"}], "telecom": [{"system": "phone", "value": "+15550180789"}]}
    ]
    assert patient["communication"][0]["language"] == {
        "text": "Spanish",
        "coding": [{"system": "urn:ietf:bcp:47", "code": "es"}],
    }
    assert patient["generalPractitioner"] == [{"display": "Dr. Testa Lee, MD"}]
    assert "extension" not in patient

    conditions = {c["code"]["coding"][0]["code"]: c for c in resources(bundle, "Condition")}
    assert set(conditions) == {"E11.9", "I10", "J06.9"}
    e11 = conditions["E11.9"]
    assert e11["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
    assert e11["onsetDateTime"] == "2015-06-01"
    assert e11["category"][0]["coding"][0]["code"] == "problem-list-item"
    assert e11["clinicalStatus"]["coding"][0]["code"] == "active"
    assert conditions["J06.9"]["extension"] == [{"url": "urn:caredesk:fhir:chronic", "valueBoolean": False}]

    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert allergy["code"] == {"text": "Penicillin"}
    assert allergy["reaction"] == [{"manifestation": [{"text": "hives"}]}]

    meds = {m["medicationCodeableConcept"]["text"]: m for m in resources(bundle, "MedicationStatement")}
    assert meds["metformin"]["status"] == "active"
    assert meds["metformin"]["dosage"] == [{"text": "500 mg", "timing": {"code": {"text": "twice daily"}}}]
    assert meds["metformin"]["effectivePeriod"] == {"start": "2024-02-01"}
    assert meds["lisinopril"]["status"] == "stopped"
    assert meds["lisinopril"]["statusReason"] == [{"text": "cough"}]
    assert meds["lisinopril"]["effectivePeriod"] == {"end": "2026-10-01"}

    obs = {o["code"]["coding"][0]["code"]: o for o in resources(bundle, "Observation")}
    bp = obs["85354-9"]
    assert bp["category"][0]["coding"][0]["code"] == "vital-signs"
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
        for c in bp["component"]
    ] == [
        ("8480-6", 142, "mm[Hg]"),
        ("8462-4", 88, "mm[Hg]"),
    ]
    assert obs["29463-7"]["valueQuantity"] == {
        "value": 182.5,
        "unit": "lb",
        "system": "http://unitsofmeasure.org",
        "code": "[lb_av]",
    }
    assert (
        obs["4548-4"]["valueQuantity"]["code"] == "%"
        and obs["4548-4"]["category"][0]["coding"][0]["code"] == "laboratory"
    )
    assert obs["98979-8"]["valueQuantity"]["code"] == "mL/min/{1.73_m2}"
    assert obs["13457-7"]["valueQuantity"]["code"] == "mg/dL"
    assert obs["59408-5"]["valueQuantity"]["code"] == "%"
    score = obs["44261-6"]
    assert score["valueInteger"] == sum(PHQ9) and score["category"][0]["coding"][0]["code"] == "survey"

    (qr,) = resources(bundle, "QuestionnaireResponse")
    assert qr["questionnaire"] == "http://loinc.org/q/44249-1" and qr["status"] == "completed"
    assert [i["answer"][0]["valueCoding"]["code"] for i in qr["item"]][:3] == ["LA6569-3", "LA6570-1", "LA6569-3"]
    assert score["derivedFrom"] == [{"reference": f"urn:uuid:{qr['id']}", "type": "QuestionnaireResponse"}]

    (plan,) = resources(bundle, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["author"] == {"display": "Casey Example, RN"}
    problems = [x for x in plan["extension"] if x["url"] == "urn:caredesk:fhir:care-plan-problem"]
    assert [next(p["valueString"] for p in x["extension"] if p["url"] == "title") for x in problems] == [
        "Type 2 diabetes",
        "High blood pressure",
    ]
    assert {n["extension"][0]["valueCode"]: n["text"] for n in plan["note"]} == {
        "barriers": "Prefers Spanish; interpreter needed",
        "strengths": "Daughter helps with medicines",
    }
    e11_url = f"urn:uuid:{e11['id']}"
    assert {"reference": e11_url, "type": "Condition"} in plan["addresses"]
    goals = resources(bundle, "Goal")
    assert len(plan["goal"]) == len(goals) == 4
    first = goals[0]
    assert first["lifecycleStatus"] == "active"
    assert first["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert first["target"][0]["detailString"] and first["target"][0]["dueDate"]

    (team,) = resources(bundle, "CareTeam")
    assert [p["role"][0]["text"] for p in team["participant"]] == ["PCP", "caregiver (daughter)"]
    assert [c["resourceType"] for c in team["contained"]] == ["Practitioner", "RelatedPerson"]
    assert team["contained"][0]["telecom"][0]["value"] == "+15550190001"
    assert team["participant"][0]["onBehalfOf"] == {"display": "Example Clinic"}

    comms = resources(bundle, "Communication")
    assert comms[0]["sent"].startswith("2026-11-03T") and comms[0]["sent"].endswith("-05:00")  # the clinic's zone
    assert [(c["status"], c["category"][0]["text"]) for c in comms] == [
        ("completed", "reached"),
        ("not-done", "voicemail"),
    ]
    encounters = resources(bundle, "Encounter")
    assert sorted((e["length"]["value"], e["type"][0]["text"]) for e in encounters) == [
        (10, "care plan"),
        (15, "phone call"),
    ]
    assert all(e["length"]["code"] == "min" for e in encounters)
    assert comms[0]["encounter"]["reference"] in {f"urn:uuid:{e['id']}" for e in encounters}
    assert {e["type"][0]["text"] for e in resources(bundle, "EpisodeOfCare")} == {"CCM", "BHI"}
    (details,) = resources(bundle, "Basic")
    assert details["extension"][0]["extension"][1] == {"url": "risk-tier", "valueCode": "high"}


def test_no_known_allergies_is_snomed_716186003(panel_ws):
    ws, _panel = panel_ws
    bundle = export_bundle(ws, mrn="000124")
    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "716186003", "display": "No known allergy"}
    ]


def test_an_unknown_mrn_is_not_found(panel_ws):
    ws, _panel = panel_ws
    with pytest.raises(NotFound):
        export_bundle(ws, mrn="999999")


def test_write_bundle_writes_0600_and_audits_counts_without_names(panel_ws, tmp_path):
    ws, _panel = panel_ws
    out = tmp_path / "panel.json"
    result = write_bundle(ws, out)
    assert result.patients == 2 and result.counts["Patient"] == 2
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert Bundle.model_validate(json.loads(out.read_text("utf-8"))).entry
    with ws.reading() as uow:
        events = [e for e in uow.audit_log.all() if e.action == "exported"]
    assert events[-1].entity == "FHIR bundle"
    assert events[-1].detail.startswith("2 patients; ")
    assert "Example" not in events[-1].detail and "000123" not in events[-1].detail


def test_an_invalid_resource_names_itself_and_nothing_is_written(panel_ws, tmp_path, monkeypatch):
    ws, _panel = panel_ws
    real = fhir_export.patient_resources
    spoiled: list[str] = []

    def broken(records, today, tz):
        out = real(records, today, tz)
        for rid, r in out:
            if r["resourceType"] == "Observation" and "valueQuantity" in r and not spoiled:
                r["valueQuantity"]["value"] = "high"
                spoiled.append(rid)
        return out

    monkeypatch.setattr(fhir_export, "patient_resources", broken)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "panel.json"
    with pytest.raises(ExportInvalid) as caught:
        write_bundle(ws, out)
    assert str(caught.value).startswith(f"Observation/{spoiled[0]}: valueQuantity.value")
    assert "high" not in str(caught.value)  # the value is patient data
    assert list(out.parent.iterdir()) == []  # not even a temporary file


def test_a_device_is_refused_before_anything_is_read(panel_ws):
    ws, _panel = panel_ws
    with pytest.raises(CareDeskError, match="not a regular file"):
        write_bundle(ws, Path("/dev/null"))
