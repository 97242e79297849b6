"""The care team and the contact history as FHIR R4 resources.

- CareTeam (https://hl7.org/fhir/R4/careteam.html): one per patient, a participant per
  member: role.text the role as typed, member a contained Practitioner (a caregiver or
  family member: a RelatedPerson) holding the name and phone, onBehalfOf display the
  organization. CareTeam.participant has no telecom of its own, hence the contained resource.
- Contacts (services.contact_history rows; voided rows are left out: they count nowhere):
  a contact is a Communication (https://hl7.org/fhir/R4/communication.html): sent the
  contact's time, medium the channel (v3 ParticipationMode PHONE, VIDEOCONF, FACE,
  ONLINEWRIT, MAILWRIT), status completed when the patient was reached, declined or a letter
  was sent, not-done otherwise (statusReason the outcome), category the outcome
  (urn:caredesk:contact-outcome), payload the note, the follow-up date an extension
  (fhir_codes.EXT_FOLLOW_UP, valueDate: R4 has no element for it). Minutes are an Encounter each
  (https://hl7.org/fhir/R4/encounter.html): class VR (virtual) or HH (home visit), type the
  activity, serviceType the program, participant type the staff type, period the day,
  length the minutes in UCUM `min` (the day they count on an extension, fhir_codes.EXT_MINUTES_DAY,
  when it is not the start time's day); the contact's Communication points at its first Encounter,
  and a contact's later Encounters are `partOf` that first one, so an import can tell which
  contact every minute belongs to (interop.fhir_import_history reads them back).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from caredesk.domain.contacts import Channel, Contact, Outcome, TimeEntry
from caredesk.domain.patients import CareTeamMember
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import e164, ref
from caredesk.services.contact_history import HistoryRow

_MEDIUM = {
    Channel.PHONE: ("PHONE", "telephone"),
    Channel.VIDEO: ("VIDEOCONF", "videoconferencing"),
    Channel.HOME_VISIT: ("FACE", "face-to-face"),
    Channel.PORTAL: ("ONLINEWRIT", "online written"),
    Channel.LETTER: ("MAILWRIT", "mail"),
}
OUTCOME_SYSTEM = "urn:caredesk:contact-outcome"
STAFF_SYSTEM = "urn:caredesk:staff-type"
_FAMILY_WORDS = frozenset(
    [
        "caregiver",
        "spouse",
        "wife",
        "husband",
        "partner",
        "daughter",
        "son",
        "mother",
        "father",
        "sister",
        "brother",
        "family",
        "friend",
        "neighbor",
        "neighbour",
        "niece",
        "nephew",
        "grandson",
        "granddaughter",
        "guardian",
    ]
)


def is_related_person(role: str) -> bool:
    """A caregiver or relative rather than a practitioner (by the role's words)."""
    return any(w in _FAMILY_WORDS for w in role.casefold().replace("-", " ").split())


def careteam_resource(team: tuple[CareTeamMember, ...], rid: str, patient_rid: str) -> dict[str, Any]:
    contained: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []
    for i, m in enumerate(team, start=1):
        local = f"m{i}"
        person: dict[str, Any] = {"id": local, "name": [{"text": m.name}]}
        related = is_related_person(m.role)
        if m.phone:  # a practitioner's number is their work line; a relative's, their own
            person["telecom"] = [{"system": "phone", "value": e164(m.phone), **({} if related else {"use": "work"})}]
        if related:
            person = {"resourceType": "RelatedPerson", **person, "patient": ref("Patient", patient_rid)}
            person["relationship"] = [{"text": m.role}]
        else:
            person = {"resourceType": "Practitioner", **person}
        contained.append(person)
        participant: dict[str, Any] = {
            "role": [{"text": m.role}],
            "member": {"reference": f"#{local}", "display": m.name},
        }
        if m.organization:
            participant["onBehalfOf"] = {"display": m.organization}
        participants.append(participant)
    return {
        "resourceType": "CareTeam",
        "id": rid,
        "contained": contained,
        "status": "active",
        "name": "Care team",
        "subject": ref("Patient", patient_rid),
        "participant": participants,
    }


def contact_resources(rows: list[HistoryRow], patient_rid: str, tz: tzinfo) -> list[tuple[str, dict[str, Any]]]:
    """Times in the clinic's zone (`tz`), with their offset, as the EHR's staff read them."""
    out: list[tuple[str, dict[str, Any]]] = []
    for row in reversed(rows):  # oldest first
        if row.voided is not None:
            continue
        contact = row.contact
        encounters = [(fc.stable_id("Encounter", e.id), e) for e in row.entries]
        for n, (enc_rid, entry) in enumerate(encounters):
            encounter = _encounter(entry, enc_rid, patient_rid, contact, tz)
            if n and contact is not None:
                encounter["partOf"] = ref("Encounter", encounters[0][0])
            out.append((enc_rid, encounter))
        if contact is not None:
            rid = fc.stable_id("Communication", contact.id)
            out.append((rid, _communication(contact, rid, patient_rid, encounters[0][0] if encounters else None, tz)))
    return out


def _communication(c: Contact, rid: str, patient_rid: str, encounter_rid: str | None, tz: tzinfo) -> dict[str, Any]:
    done = c.outcome.answered or c.outcome is Outcome.SENT
    code, label = _MEDIUM[c.channel]
    res: dict[str, Any] = {
        "resourceType": "Communication",
        "id": rid,
        "status": "completed" if done else "not-done",
        "category": [{"coding": [{"system": OUTCOME_SYSTEM, "code": c.outcome.value}], "text": c.outcome.value}],
        "medium": [
            {"coding": [{"system": fc.PARTICIPATION_MODE, "code": code, "display": label}], "text": c.channel.value}
        ],
        "subject": ref("Patient", patient_rid),
        "recipient": [ref("Patient", patient_rid)],
        "sent": c.at.astimezone(tz).isoformat(),
    }
    if not done:
        res["statusReason"] = {"text": c.outcome.value}
    if encounter_rid is not None:
        res["encounter"] = ref("Encounter", encounter_rid)
    if c.note:
        res["payload"] = [{"contentString": c.note}]
    if c.follow_up is not None:
        res["extension"] = [{"url": fc.EXT_FOLLOW_UP, "valueDate": c.follow_up.isoformat()}]
    return res


def _encounter(e: TimeEntry, rid: str, patient_rid: str, contact: Contact | None, tz: tzinfo) -> dict[str, Any]:
    home = contact is not None and contact.channel is Channel.HOME_VISIT
    start = e.started_at.astimezone(tz).isoformat() if e.started_at is not None else e.on.isoformat()
    res: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": rid,
        "status": "finished",
        "class": {
            "system": fc.ENCOUNTER_CLASS,
            "code": "HH" if home else "VR",
            "display": "home health" if home else "virtual",
        },
        "type": [{"coding": [{"system": fc.ACTIVITY_SYSTEM, "code": e.activity.value}], "text": e.activity.value}],
        "serviceType": {"coding": [{"system": fc.PROGRAM_SYSTEM, "code": e.program.value}], "text": e.program.value},
        "subject": ref("Patient", patient_rid),
        "participant": [
            {"type": [{"coding": [{"system": STAFF_SYSTEM, "code": e.staff_type.value}], "text": e.staff_type.value}]}
        ],
        "period": {"start": start},
        "length": {"value": e.minutes, "unit": "min", "system": fc.UCUM, "code": "min"},
    }
    if e.note:
        res["reasonCode"] = [{"text": e.note}]
    if e.started_at is not None and e.started_at.astimezone(tz).date() != e.on:
        # A call begun before midnight and logged after it counts on the day it was logged:
        # period.start alone would give the import the other day (and maybe month).
        res["extension"] = [{"url": fc.EXT_MINUTES_DAY, "valueDate": e.on.isoformat()}]
    return res
