"""A FHIR R4 Patient (and its CareDesk details, payer and programs) as CareDesk's values.

The inverse of fhir_patient, and lenient with other systems' Patients:
- MRN: the identifier with CareDesk's system, else the one typed MR (v2-0203, as EHRs and
  Synthea write it), else the only identifier; none -> refused ("Patient.identifier").
- name: the `official` one (else the first not `old`/`nickname`/`usual`); given names joined;
  the preferred name from a `usual` or `nickname` name. A name without family or given is
  refused by the domain's own check.
- telecom phones (national format for US numbers, as CareDesk shows them; kind = use, "home"
  when the use is missing or "temp"; "old" numbers left out); Patient.contact phones as
  caregiver (the export's caregiver line; a relationship naming one of CareDesk's phone types
  is that type). A number that is not whole for the clinic's region (7 digits with no area
  code ...) refuses the patient, as the app and the CLI refuse it (domain.phone_entry).
- address: text, else line, city, state and postal code joined; language: its text, else
  the BCP-47 code's name; PCP: generalPractitioner display or the bundled Practitioner's name.
- status: deceased -> deceased (with the date when given); the CareDesk Basic's status;
  else active=false -> disenrolled; else active.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caredesk.domain.patients import (
    Enrollment,
    Phone,
    Program,
    RiskTier,
    Sex,
    Status,
)
from caredesk.domain.phone_entry import entered_kind, entered_phones
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_bundle import Entries
from caredesk.interop.fhir_patient import national

LANGUAGE_NAMES = {tag: name for name, tag in reversed(list(fc.LANGUAGE_TAGS.items()))}
_MR = "http://terminology.hl7.org/CodeSystem/v2-0203"


def full_date(field: str, value: object) -> date | None:
    """'2026-11-24' or a dateTime's day; None when absent. A partial date ('1950', '1950-03')
    is refused: CareDesk's dates are whole days."""
    if value is None:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else _partial(field, text)
    except ValueError:
        raise ValidationError(field, f'"{text[:30]}" is not a whole date (YYYY-MM-DD)') from None


def _partial(field: str, text: str) -> date:
    raise ValidationError(field, f'"{text}" is not a whole date (YYYY-MM-DD)')


def text_of(concept: object) -> str:
    """A CodeableConcept's words: its text, else the first coding's display, else its code."""
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"]).strip()
    for coding in concept.get("coding", ()):
        if coding.get("display") or coding.get("code"):
            return str(coding.get("display") or coding.get("code")).strip()
    return ""


def mrn_of(p: dict[str, Any]) -> str:
    ids = [i for i in p.get("identifier", ()) if i.get("value")]
    for test in (
        lambda i: i.get("system") == fc.MRN_SYSTEM,
        lambda i: any(c.get("system") == _MR and c.get("code") == "MR" for c in i.get("type", {}).get("coding", ())),
    ):
        found = [i for i in ids if test(i)]
        if found:
            return str(found[0]["value"])
    if len(ids) == 1:
        return str(ids[0]["value"])
    raise ValidationError("Patient.identifier", "has no MRN (an identifier of type MR)")


def _name(p: dict[str, Any]) -> tuple[str, str, str]:
    names = p.get("name", [])
    official = next((n for n in names if n.get("use") == "official"), None) or next(
        (n for n in names if n.get("use") not in ("old", "nickname", "usual", "anonymous", "maiden")), None
    )
    if official is None:
        raise ValidationError("Patient.name", "has no official name")
    preferred = next((n for n in names if n.get("use") in ("usual", "nickname") and n is not official), None)
    given = " ".join(official.get("given", ()))
    pref = " ".join(preferred.get("given", ())) if preferred else ""
    return given, official.get("family", ""), "" if pref == given else pref


def _contact_kind(contact: dict[str, Any]) -> str:
    """A Patient.contact's phone type: its relationship when that is one of CareDesk's types or
    a word for one ("caregiver", "cell" from an export of a type stored before the types were
    checked), else caregiver: the number of someone other than the patient (a daughter, a spouse)."""
    for relationship in contact.get("relationship", ()):
        try:
            return entered_kind("phone type", text_of(relationship))
        except ValidationError:
            continue
    return "caregiver"


def _phones(p: dict[str, Any]) -> tuple[Phone, ...]:
    """The patient's phones, each number checked as a number typed in the app is
    (domain.phone_entry): one that is not a whole number refuses the patient, naming "phone"."""
    out: list[Phone] = []
    for t in p.get("telecom", ()):
        if t.get("system") == "phone" and t.get("value") and t.get("use") != "old":
            kind = t.get("use") if t.get("use") in ("mobile", "home", "work") else "home"
            out.append(Phone(number=national(t["value"]), kind=kind))
    for c in p.get("contact", ()):
        for t in c.get("telecom", ()):
            if t.get("system") == "phone" and t.get("value"):
                out.append(Phone(number=national(t["value"]), kind=_contact_kind(c)))
    return entered_phones(out)


def _address(p: dict[str, Any]) -> str:
    addresses = p.get("address", [])
    a = next((x for x in addresses if x.get("use") == "home"), addresses[0] if addresses else None)
    if a is None:
        return ""
    if a.get("text"):
        return str(a["text"])
    city_line = " ".join(x for x in (a.get("state", ""), a.get("postalCode", "")) if x)
    parts = [*a.get("line", ()), a.get("city", ""), city_line]
    return ", ".join(x for x in parts if x)


def _language(p: dict[str, Any]) -> str:
    comms = p.get("communication", [])
    chosen = next((c for c in comms if c.get("preferred")), comms[0] if comms else None)
    if chosen is None:
        return "English"  # the domain's default: the file says nothing
    concept = chosen.get("language", {})
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding", ()):
        tag = str(coding.get("code", ""))
        name = LANGUAGE_NAMES.get(tag) or LANGUAGE_NAMES.get(tag.split("-")[0])
        if name:
            return name
    return text_of(concept) or "English"


def person_name(resource: dict[str, Any]) -> str:
    """A Practitioner's / RelatedPerson's / Organization's name as one line."""
    if resource.get("resourceType") == "Organization":
        return str(resource.get("name", ""))
    for n in resource.get("name", ()):
        if n.get("text"):
            return str(n["text"])
        words = [*n.get("prefix", ()), *n.get("given", ()), n.get("family", ""), *n.get("suffix", ())]
        joined = " ".join(w for w in words if w)
        if joined:
            return joined
    return ""


def display_of(reference: object, entries: Entries) -> str:
    """A Reference's display, else the name of the resource it points at."""
    if not isinstance(reference, dict):
        return ""
    if reference.get("display"):
        return str(reference["display"])
    found = entries.resolve(reference)
    return person_name(found.resource) if found is not None else ""


def patient_fields(p: dict[str, Any], details: dict[str, Any] | None, payer: str, entries: Entries) -> dict[str, Any]:
    """The keyword arguments of domain Patient (without id); ValidationError names the element."""
    given, family, preferred = _name(p)
    birth = full_date("Patient.birthDate", p.get("birthDate"))
    if birth is None:
        raise ValidationError("Patient.birthDate", "is missing")
    died = full_date("Patient.deceasedDateTime", p.get("deceasedDateTime"))
    status: Status | str = Status.ACTIVE if p.get("active", True) else Status.DISENROLLED
    block: dict[str, Any] = next(
        (x for x in (details or {}).get("extension", ()) if x.get("url") == fc.EXT_PATIENT), {}
    )
    extra = {x["url"]: x for x in block.get("extension", ()) if "url" in x}
    if "status" in extra:  # the domain checks the value (checks.one_of names the field)
        status = str(extra["status"].get("valueCode", ""))
    if died is not None or p.get("deceasedBoolean"):
        status = Status.DECEASED
    deceased = status in (Status.DECEASED, Status.DECEASED.value)
    gp = p.get("generalPractitioner", [])
    return {
        "mrn": mrn_of(p),
        "given_name": given,
        "family_name": family,
        "preferred_name": preferred,
        "birth_date": birth,
        "sex": _sex(p.get("gender")),
        "language": _language(p),
        "phones": _phones(p),
        "address": _address(p),
        "call_window": extra.get("call-window", {}).get("valueString", ""),
        "pcp": display_of(gp[0], entries) if gp else "",
        "payer": payer,
        "status": status,
        "risk_tier": str(extra["risk-tier"].get("valueCode", "")) if "risk-tier" in extra else RiskTier.MEDIUM,
        "died_on": died if deceased else None,
    }


def _sex(gender: object) -> Sex:
    """Patient.gender: absent is unknown; a value outside R4's AdministrativeGender codes
    ("F", "M") is refused rather than stored as unknown (https://hl7.org/fhir/R4/valueset-administrative-gender.html)."""
    if gender is None:
        return Sex.UNKNOWN
    if gender not in {s.value for s in Sex}:
        allowed = " | ".join(s.value for s in (Sex.MALE, Sex.FEMALE, Sex.OTHER, Sex.UNKNOWN))
        raise ValidationError("Patient.gender", f'"{str(gender)[:20]}" is not a FHIR gender code ({allowed})')
    return Sex(gender)


def payer_of(coverage: dict[str, Any], entries: Entries) -> str:
    payors = coverage.get("payor", [])
    return display_of(payors[0], entries) if payors else text_of(coverage.get("type"))


def enrollment_of(e: dict[str, Any]) -> Enrollment | str:
    """An EpisodeOfCare as an Enrollment, or why it is not one (a flag's text)."""
    name = next(
        (c.get("code") for t in e.get("type", ()) for c in t.get("coding", ()) if c.get("system") == fc.PROGRAM_SYSTEM),
        None,
    ) or next((text_of(t) for t in e.get("type", ())), "")
    program = next((p for p in Program if p.value.casefold() == str(name).casefold()), None)
    if program is None:
        return f'program "{name or "(none)"}" is not one CareDesk manages; not imported'
    period = e.get("period", {})
    start = full_date("EpisodeOfCare.period.start", period.get("start"))
    if start is None:
        return "has no start date; not imported"
    ext = {x["url"]: x for x in e.get("extension", ())}
    consent = {x["url"]: x for x in ext.get(fc.EXT_CONSENT, {}).get("extension", ())}
    return Enrollment(
        patient_id=0,
        program=program,
        start_date=start,
        end_date=full_date("EpisodeOfCare.period.end", period.get("end")),
        consent_date=full_date("consent date", consent.get("date", {}).get("valueDate")),
        consent_method=consent["method"].get("valueCode") if "method" in consent else None,
        billing_practitioner=str(e.get("careManager", {}).get("display", "")),
        qmb=bool(ext.get(fc.EXT_QMB, {}).get("valueBoolean", False)),
    )
