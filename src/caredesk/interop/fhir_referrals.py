"""Referrals to community resources as FHIR R4 ServiceRequests, both ways
(https://hl7.org/fhir/R4/servicerequest.html).

status active (proposed, sent, accepted), completed, or revoked (declined, closed); intent
order; category the need in urn:caredesk:need (domain.community.Need); subject the Patient;
authoredOn the day it was proposed; performer the community resource by name only
(Reference.display: the practice's directory does not travel); supportingInfo the
QuestionnaireResponse of the screen that prompted it (R4 allows any resource there). Every
step (proposed, sent, accepted, news, completed, declined, closed), with its day and note, is
one urn:caredesk:fhir:referral-step extension (sub-extensions status valueCode, on valueDate,
note valueString), oldest first: R4 has no element for a referral's history. Only CareDesk's
ServiceRequests (category in urn:caredesk:need) are read: an EHR's orders are not referrals
to community resources.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caredesk.domain import checks
from caredesk.domain.community import need_of
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.domain.referrals import OPEN, Referral, ReferralStatus, ReferralStep
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_patient import ref

NEED_SYSTEM = "urn:caredesk:need"
_STEP = "ServiceRequest.extension (referral step)"


def referral_resource(
    r: Referral, resource_name: str, rid: str, patient_rid: str, screen_rid: str | None
) -> dict[str, Any]:
    if r.status in OPEN:
        status = "active"
    else:
        status = "completed" if r.status is ReferralStatus.COMPLETED else "revoked"
    steps = []
    for s in r.steps:
        parts: list[dict[str, Any]] = [
            {"url": "status", "valueCode": s.status.value},
            {"url": "on", "valueDate": s.on.isoformat()},
        ]
        if s.note:
            parts.append({"url": "note", "valueString": s.note})
        steps.append({"url": fc.EXT_REFERRAL_STEP, "extension": parts})
    out: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": rid,
        "extension": steps,
        "status": status,
        "intent": "order",
        "category": [{"coding": [{"system": NEED_SYSTEM, "code": r.need.value, "display": r.need.label}]}],
        "subject": ref("Patient", patient_rid),
        "authoredOn": r.opened_on.isoformat(),
        "performer": [{"display": resource_name}],
    }
    if screen_rid is not None:
        out["supportingInfo"] = [ref("QuestionnaireResponse", screen_rid)]
    return out


def is_caredesk_referral(r: dict[str, Any]) -> bool:
    return any(c.get("system") == NEED_SYSTEM for cat in r.get("category", ()) for c in cat.get("coding", ()))


def referral_of(r: dict[str, Any], patient: Patient | None, today: date) -> tuple[Referral, str]:
    """The referral (resource_id 0, assessment_id None: fhir_import links the screen) and the
    resource's name. Its steps are checked as domain.referrals.Referral checks a stored one
    (the first proposed, dates never going back, nothing after a closing step; the finer order
    of NEXT is not replayed: referrals kept from before schema 0004 carry only their opening
    and last step), each not after today and within the patient's life (a closing step after
    a death is ordinary: only not before birth). ValidationError names the element."""
    need = next(c.get("code") for cat in r["category"] for c in cat.get("coding", ()) if c.get("system") == NEED_SYSTEM)
    name = next((str(p.get("display") or "") for p in r.get("performer", ()) if p.get("display")), "")
    if not name.strip():
        raise ValidationError("ServiceRequest.performer.display", "the community resource's name is needed")
    steps: list[ReferralStep] = []
    for x in r.get("extension", ()):
        if x.get("url") != fc.EXT_REFERRAL_STEP:
            continue
        parts = {p.get("url"): p for p in x.get("extension", ())}
        on = full_date(f"{_STEP} on", parts.get("on", {}).get("valueDate"))
        if on is None:
            raise ValidationError(f"{_STEP} on", "the step's day is needed")
        checks.not_after(f"{_STEP} on", on, today, "today")
        try:
            step = ReferralStep(
                status=parts.get("status", {}).get("valueCode", ""),
                on=on,
                note=str(parts.get("note", {}).get("valueString") or ""),
            )
        except ValidationError as exc:
            raise ValidationError(f"{_STEP} {exc.field}", exc.message) from None
        if patient is not None:
            if step.status is ReferralStatus.CLOSED:
                if on < patient.birth_date:
                    raise ValidationError(f"{_STEP} on", "cannot be before the date of birth")
            else:
                check_within_life(f"{_STEP} on", on, patient)
        steps.append(step)
    if not steps:
        raise ValidationError(_STEP, "a referral's steps are needed, the first proposed")
    try:
        return Referral(patient_id=0, resource_id=0, need=need_of("need", need), steps=tuple(steps)), name
    except ValidationError as exc:
        where = "ServiceRequest.category" if exc.field == "need" else f"{_STEP} {exc.field}"
        raise ValidationError(where, exc.message) from None
