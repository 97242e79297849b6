"""Hospital stays (transitions of care) and their TCM steps as FHIR R4 Encounters, both ways.

A stay is an Encounter (https://hl7.org/fhir/R4/encounter.html): status finished, class IMP
(v3 ActCode "inpatient encounter": CareDesk records a hospital or facility stay, not whether
it was an emergency visit, so it never claims EMER), period.start the admission day (absent
when unknown), period.end the discharge day, location.display the facility (by name: the
practice's directory of facilities does not travel). The TCM steps have no FHIR element, so
they are one complex extension, urn:caredesk:fhir:tcm (fhir_codes.EXT_TCM), with
sub-extensions complexity (valueCode moderate/high: the face-to-face deadline, 7 or 14 days),
contacted-on (valueDate) with contact-channel (valueCode, domain.contacts.Channel), seen-on
(valueDate, the face-to-face visit) and meds-reconciled-on (valueDate) when they were made
(CMS MLN908628, TCM services; SPEC section 3).

The extension marks the Encounter as CareDesk's stay: another system's inpatient Encounters
(without it) are skipped as before, since a stay entered by import starts TCM deadlines in the
queue and CareDesk cannot tell an EHR's stay was a discharge to the community.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caredesk.domain import checks
from caredesk.domain.contacts import Channel
from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_patient import ref

_STEPS = (("contacted-on", "contacted_on"), ("seen-on", "seen_on"), ("meds-reconciled-on", "meds_reconciled_on"))
_TCM = "Encounter.extension (TCM)"


def stay_resource(t: Transition, rid: str, patient_rid: str) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"url": "complexity", "valueCode": t.complexity.value}]
    for url, name in _STEPS:
        day = getattr(t, name)
        if day is not None:
            parts.append({"url": url, "valueDate": day.isoformat()})
    if t.contact_channel is not None:
        parts.append({"url": "contact-channel", "valueCode": t.contact_channel.value})
    period = {"end": t.discharged_on.isoformat()}
    if t.admitted_on is not None:
        period["start"] = t.admitted_on.isoformat()
    return {
        "resourceType": "Encounter",
        "id": rid,
        "extension": [{"url": fc.EXT_TCM, "extension": parts}],
        "status": "finished",
        "class": {"system": fc.ENCOUNTER_CLASS, "code": "IMP", "display": "inpatient encounter"},
        "subject": ref("Patient", patient_rid),
        "period": period,
        "location": [{"location": {"display": t.facility}}],
    }


def is_caredesk_stay(r: dict[str, Any]) -> bool:
    return any(x.get("url") == fc.EXT_TCM for x in r.get("extension", ()))


def stay_of(r: dict[str, Any], patient: Patient | None, today: date) -> Transition:
    """The stay, its dates checked as services.stays checks them when entered by hand (not in
    the future, within the patient's life, steps not before the discharge); overlaps with the
    patient's other stays are services.panel_records'. ValidationError names the element."""
    parts = next(x.get("extension", ()) for x in r.get("extension", ()) if x.get("url") == fc.EXT_TCM)
    values = {x.get("url"): x for x in parts}
    period = r.get("period") or {}
    discharged = full_date("Encounter.period.end", period.get("end"))
    if discharged is None:
        raise ValidationError("Encounter.period.end", "the discharge day is needed")
    admitted = full_date("Encounter.period.start", period.get("start"))
    steps = {name: full_date(f"{_TCM} {url}", values.get(url, {}).get("valueDate")) for url, name in _STEPS}
    for field, day in (
        ("Encounter.period.end", discharged),
        ("Encounter.period.start", admitted),
        *((f"{_TCM} {url}", steps[name]) for url, name in _STEPS),
    ):
        checks.not_after(field, day, today, "today")
        if patient is not None:
            check_within_life(field, day, patient)
    for url, name in _STEPS:
        day = steps[name]
        if day is not None and day < discharged:
            raise ValidationError(f"{_TCM} {url}", "cannot be before the discharge (Encounter.period.end)")
    facility = next((str(x["location"].get("display", "")) for x in r.get("location", ()) if x.get("location")), "")
    channel = values.get("contact-channel", {}).get("valueCode")
    try:
        return Transition(
            patient_id=0,
            facility=facility,
            admitted_on=admitted,
            discharged_on=discharged,
            complexity=checks.one_of("complexity", values.get("complexity", {}).get("valueCode", ""), Complexity),
            contact_channel=None if channel is None else checks.one_of("contact channel", channel, Channel),
            contacted_on=steps["contacted_on"],
            seen_on=steps["seen_on"],
            meds_reconciled_on=steps["meds_reconciled_on"],
        )
    except ValidationError as exc:
        where = "Encounter.location" if exc.field == "facility" else _TCM
        raise ValidationError(f"{where} ({exc.field})", exc.message) from None
