"""The patient's own target bands (services.observations.set_targets: "A1c below 7.0") as
FHIR R4 Goals, both ways (https://hl7.org/fhir/R4/goal.html).

One Goal per measure with a band of its own (measures on the clinic default travel as
nothing: the importing store has its own defaults): lifecycleStatus active, category
urn:caredesk:goal-category "target-band" (CareDesk's target band for a measure, so neither
CareDesk nor another system takes it for a care-plan goal, which a CarePlan names),
description.text the band in words, subject the Patient, target.measure the measure's LOINC
code (fhir_codes.MEASURES), target.detailRange low and/or high in the measure's unit.
A care plan's Goals are read through their CarePlan (fhir_import_careplan), never here.
"""

from __future__ import annotations

from typing import Any

from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import OBSERVATION_RANGES, ObservationKind
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import ref

CATEGORY_SYSTEM = "urn:caredesk:goal-category"
TARGET_BAND = "target-band"


def target_resource(t: ObservationTarget, rid: str, patient_rid: str) -> dict[str, Any]:
    unit = OBSERVATION_RANGES[t.kind][2]
    measure = fc.MEASURES[t.kind]
    band: dict[str, Any] = {}
    said = []
    if t.low is not None:
        band["low"] = {"value": t.low, "unit": unit}
        said.append(f"at least {t.low:g}")
    if t.high is not None:
        band["high"] = {"value": t.high, "unit": unit}
        said.append(f"at most {t.high:g}")
    return {
        "resourceType": "Goal",
        "id": rid,
        "lifecycleStatus": "active",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": TARGET_BAND, "display": "target band"}]}],
        "description": {"text": f"{t.kind.value} target: {' and '.join(said)} {unit}"},
        "subject": ref("Patient", patient_rid),
        "target": [
            {
                "measure": {"coding": [{"system": fc.LOINC, "code": measure.loinc, "display": measure.display}]},
                "detailRange": band,
            }
        ],
    }


def is_target_band(r: dict[str, Any]) -> bool:
    return any(
        c.get("system") == CATEGORY_SYSTEM and c.get("code") == TARGET_BAND
        for cat in r.get("category", ())
        for c in cat.get("coding", ())
    )


def _value(field: str, quantity: object, unit: str) -> float | None:
    if not isinstance(quantity, dict):
        return None
    if quantity.get("unit", unit) != unit:
        raise ValidationError(field, f"must be in {unit}")
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, "a number is needed")
    return float(value)


def target_of(r: dict[str, Any]) -> ObservationTarget:
    """The band, checked as set_targets checks one typed in the chart (ObservationTarget: the
    measure's range, low below high, at least one side). ValidationError names the element."""
    target: dict[str, Any] = next(iter(r.get("target", ())), {})
    codes = {c.get("code") for c in (target.get("measure") or {}).get("coding", ()) if c.get("system") == fc.LOINC}
    kind = next((k for k, m in fc.MEASURES.items() if m.loinc in codes), None)
    if kind is None:
        raise ValidationError("Goal.target.measure", "is not a measure CareDesk records (a LOINC code of one)")
    unit = OBSERVATION_RANGES[ObservationKind(kind)][2]
    band = target.get("detailRange") or {}
    low = _value("Goal.target.detailRange.low", band.get("low"), unit)
    high = _value("Goal.target.detailRange.high", band.get("high"), unit)
    try:
        return ObservationTarget(patient_id=0, kind=kind, low=low, high=high)
    except ValidationError as exc:
        raise ValidationError(f"Goal.target.detailRange ({exc.field})", exc.message) from None
