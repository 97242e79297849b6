"""A patient as FHIR R4 resources: Patient, its CareDesk details (Basic), payer (Coverage)
and programs (EpisodeOfCare). Plain dicts in, plain dicts out (JSON shapes of R4 4.0.1).

- Patient carries only standard elements (no extension): MRN identifier (type MR, system
  `urn:caredesk:mrn`), official name and the preferred name as a `usual` name, gender,
  birthDate, deceased, telecom (E.164 where the number parses, as typed otherwise), address
  text, communication language (BCP-47 code and the language as typed), generalPractitioner
  display (the PCP). A phone kind FHIR's ContactPoint.use has no value for ("caregiver") is a
  Patient.contact with that relationship text.
- What FHIR has no element for (status paused/active/disenrolled, risk tier, preferred call
  window) goes in one `Basic` resource (https://hl7.org/fhir/R4/basic.html: "for resources
  not yet defined in FHIR") with CareDesk's extension, so the Patient stays plain for any EHR.
- Payer: a Coverage (https://hl7.org/fhir/R4/coverage.html) whose payor is the payer's name.
- Programs and consent: one EpisodeOfCare per enrollment (https://hl7.org/fhir/R4/episodeofcare.html:
  "an association ... during which time encounters may occur ... a care program"): type is
  the program, period the enrollment, careManager the billing practitioner; the consent date
  and method and APCM's QMB flag are CareDesk extensions (R4's Consent resource models a
  privacy directive with scope/policy, not "the patient agreed to CCM", and would need
  an invented policy).
"""

from __future__ import annotations

from typing import Any

import phonenumbers

from caredesk.domain.patients import Enrollment, Patient, Phone, Status
from caredesk.domain.phones import REGION
from caredesk.interop import fhir_codes as fc

_PHONE_USES = {"mobile": "mobile", "home": "home", "work": "work"}


def e164(number: str) -> str:
    """'(555) 010-1234' -> '+15550101234' (read for the clinic's region, US: domain.phones.REGION);
    as typed when it does not parse.
    A number with an extension keeps it: '(555) 555-0155 x123' -> '+1 555-555-0155 ext. 123'
    (E.164 has no extension; this is libphonenumber's international format, the ITU-T E.123
    notation, which FHIR's ContactPoint.value takes as "meaningful to the communication system"
    and any EHR reads back; national() returns CareDesk's 'x123').

    is_possible_number, not is_valid_number: the 555-01xx range is fiction by design
    and is never "valid", yet it is what tests and the demo use."""
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    if parsed.extension:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(number: str) -> str:
    """'+15550101234' -> '(555) 010-1234' as CareDesk shows US numbers; other countries in
    international format; as given when it does not parse. An extension ('ext. 123', ';ext=123')
    as CareDesk stores one, ' x123' (domain.checks.phone takes no letters but x)."""
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    extension = parsed.extension
    parsed.extension = None
    shown = phonenumbers.format_number(parsed, fmt)
    return f"{shown} x{extension}" if extension else shown


def ref(resource_type: str, rid: str) -> dict[str, str]:
    return {"reference": fc.full_url(rid), "type": resource_type}


def patient_resource(p: Patient, rid: str) -> dict[str, Any]:
    names: list[dict[str, Any]] = [{"use": "official", "family": p.family_name, "given": [p.given_name]}]
    if p.preferred_name:
        names.append({"use": "usual", "family": p.family_name, "given": [p.preferred_name]})
    res: dict[str, Any] = {
        "resourceType": "Patient",
        "id": rid,
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                "system": fc.MRN_SYSTEM,
                "value": p.mrn,
            }
        ],
        "active": p.status is not Status.DISENROLLED,
        "name": names,
        "gender": p.sex.value,
        "birthDate": p.birth_date.isoformat(),
    }
    telecom = [_contact_point(ph) for ph in p.phones if ph.kind in _PHONE_USES]
    if telecom:
        res["telecom"] = telecom
    if p.status is Status.DECEASED:
        if p.died_on is not None:
            res["deceasedDateTime"] = p.died_on.isoformat()
        else:
            res["deceasedBoolean"] = True
    if p.address:
        res["address"] = [{"text": p.address}]
    others = [ph for ph in p.phones if ph.kind not in _PHONE_USES]
    if others:
        res["contact"] = [{"relationship": [{"text": ph.kind}], "telecom": [_contact_point(ph)]} for ph in others]
    if p.language:
        language: dict[str, Any] = {"text": p.language}
        tag = fc.LANGUAGE_TAGS.get(p.language)
        if tag:
            language["coding"] = [{"system": fc.BCP47, "code": tag}]
        res["communication"] = [{"language": language, "preferred": True}]
    if p.pcp:
        res["generalPractitioner"] = [{"display": p.pcp}]
    return res


def _contact_point(ph: Phone) -> dict[str, Any]:
    point: dict[str, Any] = {"system": "phone", "value": e164(ph.number)}
    if ph.kind in _PHONE_USES:
        point["use"] = _PHONE_USES[ph.kind]
    return point


def details_resource(p: Patient, rid: str, patient_rid: str) -> dict[str, Any]:
    """Basic: status, risk tier and call window (sub-extensions of EXT_PATIENT)."""
    parts: list[dict[str, Any]] = [
        {"url": "status", "valueCode": p.status.value},
        {"url": "risk-tier", "valueCode": p.risk_tier.value},
    ]
    if p.call_window:
        parts.append({"url": "call-window", "valueString": p.call_window})
    return {
        "resourceType": "Basic",
        "id": rid,
        "code": {
            "coding": [{"system": fc.EXT.rstrip(":"), "code": fc.BASIC_PATIENT_CODE}],
            "text": "CareDesk patient details",
        },
        "subject": ref("Patient", patient_rid),
        "extension": [{"url": fc.EXT_PATIENT, "extension": parts}],
    }


def coverage_resource(p: Patient, rid: str, patient_rid: str) -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "id": rid,
        "status": "active",
        "beneficiary": ref("Patient", patient_rid),
        "payor": [{"display": p.payer}],
    }


def episode_resource(e: Enrollment, rid: str, patient_rid: str, today_iso: str) -> dict[str, Any]:
    period: dict[str, str] = {"start": e.start_date.isoformat()}
    if e.end_date is not None:
        period["end"] = e.end_date.isoformat()
    ended = e.end_date is not None and e.end_date.isoformat() < today_iso
    res: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": rid,
        "status": "finished" if ended else ("planned" if period["start"] > today_iso else "active"),
        "type": [{"coding": [{"system": fc.PROGRAM_SYSTEM, "code": e.program.value}], "text": e.program.value}],
        "patient": ref("Patient", patient_rid),
        "period": period,
    }
    if e.billing_practitioner:
        res["careManager"] = {"display": e.billing_practitioner}
    ext: list[dict[str, Any]] = []
    if e.consent_date is not None and e.consent_method is not None:
        ext.append(
            {
                "url": fc.EXT_CONSENT,
                "extension": [
                    {"url": "date", "valueDate": e.consent_date.isoformat()},
                    {"url": "method", "valueCode": e.consent_method.value},
                ],
            }
        )
    if e.qmb:
        ext.append({"url": fc.EXT_QMB, "valueBoolean": True})
    if ext:
        res["extension"] = ext
    return res
