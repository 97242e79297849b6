"""The clinical record as FHIR R4 resources: Condition, AllergyIntolerance,
MedicationStatement and Observation (vitals and labs). Plain dicts (JSON shapes of R4 4.0.1).

- Condition (https://hl7.org/fhir/R4/condition.html): ICD-10-CM coding (system
  http://hl7.org/fhir/sid/icd-10-cm, the code dotted as CMS publishes it), clinicalStatus
  active, category problem-list-item, onsetDateTime; CareDesk's "chronic" flag (it decides
  CCM billing) as the EXT_CHRONIC extension.
- AllergyIntolerance: code.text the substance, reaction manifestation text; the "No known
  allergies" record as SNOMED CT 716186003 (FHIR R4 example allergyintolerance-nka).
- MedicationStatement: medicationCodeableConcept.text, dosage.text the dose and
  dosage.timing.code.text the frequency (kept apart so they come back apart),
  effectivePeriod, status active/stopped with statusReason, informationSource the prescriber
  (display), adherence as EXT_ADHERENCE (R4 has no element; R5 added `adherence`).
- Observation: LOINC code, category vital-signs/laboratory, valueQuantity with the unit as
  stored and its UCUM code. A systolic and a diastolic of the same day are one blood
  pressure panel 85354-9 with components 8480-6 / 8462-4 (the vital-signs profile's shape,
  https://hl7.org/fhir/R4/observation-vitalsigns.html); an unpaired one stands alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from caredesk.domain.allergies import is_none_known
from caredesk.domain.patients import Allergy, Condition, Medication, Observation, ObservationKind
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import ref


def _concept(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding: dict[str, str] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def condition_resource(c: Condition, rid: str, patient_rid: str) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": rid,
        "extension": [{"url": fc.EXT_CHRONIC, "valueBoolean": c.chronic}],
        "clinicalStatus": _concept(fc.CONDITION_CLINICAL, "active"),
        "category": [_concept(fc.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": {"coding": [{"system": fc.ICD10CM, "code": c.icd10, "display": c.display}], "text": c.display},
        "subject": ref("Patient", patient_rid),
    }
    if c.onset is not None:
        res["onsetDateTime"] = c.onset.isoformat()
    return res


def allergy_resource(a: Allergy, rid: str, patient_rid: str) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "id": rid,
        "clinicalStatus": _concept(fc.ALLERGY_CLINICAL, "active"),
        "verificationStatus": _concept(fc.ALLERGY_VERIFICATION, "confirmed"),
        "patient": ref("Patient", patient_rid),
    }
    if is_none_known(a):
        res["code"] = {**_concept(fc.SNOMED, fc.NO_KNOWN_ALLERGY, "No known allergy"), "text": a.substance}
    else:
        res["code"] = {"text": a.substance}
    if a.reaction:
        res["reaction"] = [{"manifestation": [{"text": a.reaction}]}]
    return res


def medication_resource(m: Medication, rid: str, patient_rid: str, today: date) -> dict[str, Any]:
    stopped = m.stop_date is not None and m.stop_date <= today  # services.medications.is_current
    res: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "stopped" if stopped else "active",
        "medicationCodeableConcept": {"text": m.name},
        "subject": ref("Patient", patient_rid),
        "extension": [{"url": fc.EXT_ADHERENCE, "valueCode": m.adherence.value}],
    }
    if m.stop_reason:
        res["statusReason"] = [{"text": m.stop_reason}]
    period: dict[str, str] = {}
    if m.start_date is not None:
        period["start"] = m.start_date.isoformat()
    if m.stop_date is not None:
        period["end"] = m.stop_date.isoformat()
    if period:
        res["effectivePeriod"] = period
    if m.prescriber:
        res["informationSource"] = {"display": m.prescriber}
    dosage: dict[str, Any] = {}
    if m.dose:
        dosage["text"] = m.dose
    if m.frequency:
        dosage["timing"] = {"code": {"text": m.frequency}}
    if dosage:
        res["dosage"] = [dosage]
    return res


def _quantity(o: Observation) -> dict[str, Any]:
    q: dict[str, Any] = {"value": o.value, "unit": o.unit}
    code = fc.ucum(o.unit)
    if code is not None:
        q["system"] = fc.UCUM
        q["code"] = code
    return q


def _loinc(kind: ObservationKind) -> dict[str, Any]:
    m = fc.MEASURES[kind]
    return {"coding": [{"system": fc.LOINC, "code": m.loinc, "display": m.display}], "text": kind.value}


def _category(name: str) -> list[dict[str, Any]]:
    label = "Vital Signs" if name == "vital-signs" else "Laboratory"
    return [_concept(fc.OBSERVATION_CATEGORY, name, label)]


def observation_resources(obs: tuple[Observation, ...], patient_rid: str) -> list[tuple[str, dict[str, Any]]]:
    """(id, resource) for every observation: same-day systolic/diastolic pairs as one panel
    (paired in the order stored, so two readings a day make two panels)."""
    out: list[tuple[str, dict[str, Any]]] = []
    pairs: dict[date, dict[ObservationKind, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for o in sorted(obs, key=lambda o: (o.observed_on, o.id or 0)):
        if o.kind in (ObservationKind.SYSTOLIC_BP, ObservationKind.DIASTOLIC_BP):
            pairs[o.observed_on][o.kind].append(o)
            continue
        rid = fc.stable_id("Observation", o.id)
        out.append((rid, _single(o, rid, patient_rid)))
    for day, kinds in sorted(pairs.items()):
        sys_list, dia_list = kinds[ObservationKind.SYSTOLIC_BP], kinds[ObservationKind.DIASTOLIC_BP]
        for s, d in zip(sys_list, dia_list, strict=False):
            rid = fc.stable_id("Observation", s.id, d.id)
            out.append((rid, _panel(s, d, rid, patient_rid, day)))
        n = min(len(sys_list), len(dia_list))
        for o in sys_list[n:] + dia_list[n:]:
            rid = fc.stable_id("Observation", o.id)
            out.append((rid, _single(o, rid, patient_rid)))
    return out


def _single(o: Observation, rid: str, patient_rid: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": _category(fc.MEASURES[o.kind].category),
        "code": _loinc(o.kind),
        "subject": ref("Patient", patient_rid),
        "effectiveDateTime": o.observed_on.isoformat(),
        "valueQuantity": _quantity(o),
    }


def _panel(s: Observation, d: Observation, rid: str, patient_rid: str, day: date) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": _category("vital-signs"),
        "code": {
            "coding": [{"system": fc.LOINC, "code": fc.BP_PANEL, "display": fc.BP_PANEL_DISPLAY}],
            "text": "blood pressure",
        },
        "subject": ref("Patient", patient_rid),
        "effectiveDateTime": day.isoformat(),
        "component": [
            {"code": _loinc(s.kind), "valueQuantity": _quantity(s)},
            {"code": _loinc(d.kind), "valueQuantity": _quantity(d)},
        ],
    }
