"""Other FHIR R4 resources of a patient as CareDesk's records: the inverse of fhir_clinical
and fhir_contacts, lenient with other systems' resources.

Each reader returns the record(s), a `str` saying why the resource is not imported (a flag
the preview shows on the patient: something the care manager must still do), or a `Skip`
(left out without a word, counted: a resolved condition, a measure CareDesk does not track).
A value the domain refuses raises ValidationError naming the element: the caller refuses
the patient (nothing partial).

- Condition: only active ones (clinicalStatus active/recurrence/relapse, or none given) that
  are not refuted or entered in error. The ICD-10-CM coding is kept, with CareDesk's official
  description when the code is in the ICD-10-CM code set (domain.icd10); a code not in it,
  or a condition coded only in SNOMED CT or another system, is flagged "needs an ICD-10 code"
  with what the file said: an ICD-10 code is never invented from a SNOMED one.
- AllergyIntolerance: active ones; SNOMED CT 716186003 is "No known allergies"; the narrower
  "no known drug/food/environmental allergy" statements are flagged, not recorded as a substance.
- MedicationStatement and MedicationRequest (what an EHR's export usually carries): active,
  on-hold and intended ones are current; stopped/completed with an end date are stopped ones.
- Observation: the LOINC codes in fhir_codes.MEASURES (and the BP panels 85354-9 / 55284-4 by
  component), in CareDesk's units: kg -> lb (x 2.20462, NIST SP 811 B.8: 1 lb = 0.45359237 kg),
  Cel -> degF; an A1c in mmol/mol (IFCC) -> % (NGSP) by the IFCC-NGSP master equation
  NGSP = 0.09148 x IFCC + 2.152 (Hoelzel et al., Clin Chem 2004;50:166-174; ngsp.org/ifccngsp.asp),
  to 0.1; a glucose in mmol/L -> mg/dL x 18.016 (glucose's molar mass, 180.16 g/mol), whole;
  another unit is flagged. Other codes (height, BMI, survey scores) are skipped.
- CareTeam: each participant other than the patient, with the role, the member's name and
  phone (contained or bundled resource) and the organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caredesk.domain import icd10
from caredesk.domain.allergies import NO_KNOWN_ALLERGIES, says_none_known
from caredesk.domain.coordination import Task
from caredesk.domain.patients import (
    Adherence,
    Allergy,
    CareTeamMember,
    Condition,
    Medication,
    Observation,
    ObservationKind,
)
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_bundle import Entries
from caredesk.interop.fhir_import_patient import display_of, full_date, person_name, text_of
from caredesk.interop.fhir_patient import national


@dataclass(frozen=True, slots=True)
class Skip:
    what: str  # "Condition (not active)": how the preview counts it


def _codes(concept: object, system: str) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", ()) if c.get("system") == system and c.get("code")]


def _status(resource: dict[str, Any], element: str) -> str:
    return next((c.get("code", "") for c in resource.get(element, {}).get("coding", ())), "")


def condition_of(r: dict[str, Any]) -> Condition | str | Skip:
    if _status(r, "clinicalStatus") not in ("", "active", "recurrence", "relapse"):
        return Skip("Condition (not active)")
    if _status(r, "verificationStatus") in ("refuted", "entered-in-error"):
        return Skip("Condition (refuted or entered in error)")
    onset = full_date("Condition.onsetDateTime", r.get("onsetDateTime")) if r.get("onsetDateTime") else None
    chronic = next((x.get("valueBoolean") for x in r.get("extension", ()) if x.get("url") == fc.EXT_CHRONIC), True)
    icd = _codes(r.get("code"), fc.ICD10CM)
    said = text_of(r.get("code"))
    if icd:
        code = str(icd[0]["code"])
        try:
            found = icd10.lookup(code)
        except ValidationError:
            return f"needs an ICD-10 code (ICD-10-CM {code} is not a billable code in CareDesk's code set: {said})"
        return Condition(patient_id=0, icd10=found.code, display=found.description, chronic=bool(chronic), onset=onset)
    snomed = _codes(r.get("code"), fc.SNOMED)
    if snomed:
        c = snomed[0]
        return f"needs an ICD-10 code (SNOMED CT {c['code']} {c.get('display') or said})".rstrip()
    other = next(iter((r.get("code") or {}).get("coding", ())), None)
    if other is not None:
        return f"needs an ICD-10 code ({other.get('system', 'code')} {other.get('code', '')} {said})".rstrip()
    return f"needs an ICD-10 code ({said or 'no code given'})"


NEEDS_CODE = "needs an ICD-10 code"  # the start of condition_of's flag for a condition not coded in ICD-10-CM
_SYSTEMS = {fc.SNOMED: "SNOMED CT", fc.ICD10CM: "ICD-10-CM"}


def icd10_task(r: dict[str, Any], today: date) -> Task:
    """The care manager's to-do for a Condition condition_of flags NEEDS_CODE, due `today`:
    "Needs an ICD-10 code: Diabetes mellitus type 2 (SNOMED CT 44054006) from the imported
    record". Issue 13: such a condition keeps its coding and is flagged, never given an
    invented ICD-10 code; a flag on the preview alone was gone once imported, so the import
    leaves an open task in the chart's task list and the queue (panel_records.new_tasks makes
    it once: a task with its title, open or done, is never made again)."""
    concept = r.get("code") or {}
    coding = next(
        iter(_codes(concept, fc.SNOMED) or _codes(concept, fc.ICD10CM) or list(concept.get("coding", ()))), None
    )
    name = (str(coding.get("display") or "") if coding else "") or text_of(concept) or "a condition"
    if coding is not None and coding.get("code"):
        system = _SYSTEMS.get(str(coding.get("system", "")), str(coding.get("system") or "code"))
        name = f"{name[:100]} ({system[:40]} {str(coding['code'])[:20]})"
    return Task(patient_id=0, title=f"Needs an ICD-10 code: {name[:160]} from the imported record", due=today)


# SNOMED CT "No known ... allergy" situations narrower than "no known allergies".
_NARROWER = {"409137002": "drug", "429625007": "food", "428607008": "environmental", "428197003": "latex"}


def allergy_of(r: dict[str, Any]) -> Allergy | str | Skip:
    if _status(r, "clinicalStatus") not in ("", "active"):
        return Skip("AllergyIntolerance (not active)")
    if _status(r, "verificationStatus") in ("refuted", "entered-in-error"):
        return Skip("AllergyIntolerance (refuted or entered in error)")
    snomed = {c["code"] for c in _codes(r.get("code"), fc.SNOMED)}
    reaction = "; ".join(text_of(m) for x in r.get("reaction", ()) for m in x.get("manifestation", ()) if text_of(m))
    if fc.NO_KNOWN_ALLERGY in snomed:
        return Allergy(patient_id=0, substance=NO_KNOWN_ALLERGIES)
    narrower = next((_NARROWER[c] for c in snomed if c in _NARROWER), None)
    if narrower is not None:
        return f"says no known {narrower} allergy: not recorded; ask about other allergies"
    substance = text_of(r.get("code"))
    if not substance:
        return "names no substance; not imported"
    try:
        if says_none_known(substance):
            return Allergy(patient_id=0, substance=NO_KNOWN_ALLERGIES)
    except ValidationError as exc:
        return f'"{substance}" {exc.message}'
    return Allergy(patient_id=0, substance=substance, reaction=reaction)


def _medicine_name(r: dict[str, Any], entries: Entries) -> str:
    if r.get("medicationCodeableConcept"):
        return text_of(r["medicationCodeableConcept"])
    found = entries.resolve(r.get("medicationReference"))
    return text_of(found.resource.get("code")) if found is not None else ""


def medication_of(r: dict[str, Any], entries: Entries) -> Medication | str | Skip:
    kind = r["resourceType"]
    status = r.get("status", "")
    if status in ("entered-in-error", "not-taken", "cancelled", "draft", "unknown"):
        return Skip(f"{kind} ({status})")
    name = _medicine_name(r, entries)
    if not name:
        return "names no medicine; not imported"
    period = r.get("effectivePeriod", {})
    start = full_date(
        f"{kind}.effectivePeriod.start", period.get("start") or r.get("effectiveDateTime") or r.get("authoredOn")
    )
    stop = full_date(f"{kind}.effectivePeriod.end", period.get("end"))
    if status in ("stopped", "completed") and stop is None:
        return Skip(f"{kind} (stopped, no date)")
    dosages = r.get("dosage") or r.get("dosageInstruction") or [{}]
    source = r.get("informationSource") or r.get("requester")
    adherence = next((x.get("valueCode") for x in r.get("extension", ()) if x.get("url") == fc.EXT_ADHERENCE), None)
    return Medication(
        patient_id=0,
        name=name,
        dose=str(dosages[0].get("text", "")),
        frequency=text_of(dosages[0].get("timing", {}).get("code")),
        prescriber=display_of(source, entries),
        start_date=start,
        stop_date=stop if status in ("stopped", "completed") else None,
        adherence=adherence or Adherence.UNKNOWN,
        stop_reason="; ".join(text_of(x) for x in r.get("statusReason", ()) if text_of(x)),
    )


_BY_LOINC = {code: kind for kind, m in fc.MEASURES.items() for code in (m.loinc, *m.also)}
# The same measures in molar units (loinc.org): 59261-8 A1c by the IFCC protocol (mmol/mol);
# 15074-8 / 14749-6 glucose [Moles/volume] in blood / serum or plasma (mmol/L). Converted (_MOLAR).
_BY_LOINC |= {"59261-8": ObservationKind.A1C, "15074-8": ObservationKind.GLUCOSE, "14749-6": ObservationKind.GLUCOSE}
_BP_PANELS = {fc.BP_PANEL, "55284-4"}
_UNITS = {  # UCUM code -> (CareDesk unit, factor, offset)
    "[lb_av]": ("lb", 1.0, 0.0),
    "kg": ("lb", 1 / 0.45359237, 0.0),
    "g": ("lb", 1 / 453.59237, 0.0),
    "[degF]": ("°F", 1.0, 0.0),
    "Cel": ("°F", 1.8, 32.0),
}


# Per measure, for a unit whose conversion depends on the substance (mmol/L is a different
# factor for cholesterol): (kind, UCUM code) -> (factor, offset, decimals). Sources above.
_MOLAR = {
    (ObservationKind.A1C, "mmol/mol"): (0.09148, 2.152, 1),
    (ObservationKind.GLUCOSE, "mmol/L"): (18.016, 0.0, 0),
}


def observations_of(r: dict[str, Any]) -> list[Observation] | str | Skip:
    if r.get("status") in ("entered-in-error", "cancelled", "preliminary", "registered"):
        return Skip(f"Observation ({r['status']})")
    if any(c.get("code") == "survey" for cat in r.get("category", ()) for c in cat.get("coding", ())):
        return Skip("Observation (screen score: recomputed from the screen's answers)")
    codes = {c["code"] for c in _codes(r.get("code"), fc.LOINC)}
    parts: list[tuple[ObservationKind, dict[str, Any]]] = []
    if codes & _BP_PANELS:
        for comp in r.get("component", ()):
            kind = next(
                (_BY_LOINC[c["code"]] for c in _codes(comp.get("code"), fc.LOINC) if c["code"] in _BY_LOINC), None
            )
            if kind is not None and comp.get("valueQuantity"):
                parts.append((kind, comp["valueQuantity"]))
    else:
        kind = next((_BY_LOINC[c] for c in sorted(codes) if c in _BY_LOINC), None)
        if kind is None:
            return Skip("Observation (not a measure CareDesk tracks)")
        if r.get("valueQuantity"):
            parts.append((kind, r["valueQuantity"]))
    if not parts:
        return "has no value in a quantity; not imported"
    on = full_date(
        "Observation.effectiveDateTime",
        r.get("effectiveDateTime") or r.get("effectivePeriod", {}).get("start") or r.get("issued"),
    )
    if on is None:
        return "has no date; not imported"
    out = []
    for kind, q in parts:
        value, unit = _in_caredesk_units(kind, q)
        if value is None:
            return (
                f"{kind.value} in {q.get('code') or q.get('unit') or 'no unit'}: CareDesk records {unit}; not imported"
            )
        out.append(Observation(patient_id=0, kind=kind, value=value, observed_on=on, unit=unit))
    return out


def _in_caredesk_units(kind: ObservationKind, q: dict[str, Any]) -> tuple[float | None, str]:
    from caredesk.domain.patients import OBSERVATION_RANGES

    wanted = OBSERVATION_RANGES[kind][2]
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{kind.value} value", "must be a number")
    code = q.get("code") or ""
    if (kind, code) in _MOLAR:
        factor, offset, decimals = _MOLAR[kind, code]
        return float(round(value * factor + offset, decimals)), wanted
    if code in _UNITS and _UNITS[code][0] == wanted:
        _unit, factor, offset = _UNITS[code]
        return round(value * factor + offset, 1) if (factor, offset) != (1.0, 0.0) else float(value), wanted
    if not code or fc.ucum(wanted) == code or q.get("unit") == wanted:
        return float(value), wanted
    return None, wanted


def care_team_of(r: dict[str, Any], entries: Entries, patient_keys: set[str]) -> list[CareTeamMember]:
    contained = {f"#{c.get('id')}": c for c in r.get("contained", ())}
    out = []
    for p in r.get("participant", ()):
        member = p.get("member", {})
        ref = member.get("reference", "")
        person = contained.get(ref) or (found.resource if (found := entries.resolve(member)) is not None else None)
        if ref in patient_keys or (person is not None and person.get("resourceType") == "Patient"):
            continue  # the patient, as Synthea lists them on their own team
        name = member.get("display") or (person_name(person) if person else "")
        phones = [
            t["value"] for t in (person or {}).get("telecom", ()) if t.get("system") == "phone" and t.get("value")
        ]
        roles = [text_of(x) for x in p.get("role", ()) if text_of(x)]
        out.append(
            CareTeamMember(
                patient_id=0,
                name=name,
                role=roles[0] if roles else "care team",
                organization=display_of(p.get("onBehalfOf"), entries),
                phone=national(phones[0]) if phones else "",
            )
        )
    return out
