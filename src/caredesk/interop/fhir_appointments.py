"""Appointments the care manager arranged as FHIR R4 Appointments, both ways
(https://hl7.org/fhir/R4/appointment.html).

status booked (scheduled), fulfilled (kept), noshow (missed), cancelled; serviceType the kind
coded in urn:caredesk:appointment-kind (domain.appointments.AppointmentKind: "PCP visit",
"TCM face-to-face visit", ...); start the time with its offset and end the same instant
(CareDesk records when, not how long; R4's app-2 wants both or neither); participant the
Patient, the one seen (actor.display: a name, not a directory entry) and the place
(actor.display with type Location); comment the note. The stay a TCM visit follows up is
the extension urn:caredesk:fhir:for-stay (valueReference to the stay's Encounter, fhir_stays):
R4's Appointment.reasonReference cannot name an Encounter. Only CareDesk's Appointments
(coded in urn:caredesk:appointment-kind) are read: an EHR's schedule is not the care manager's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from caredesk.domain import checks
from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import ref
from caredesk.services.appointments import LATEST_DAYS_AHEAD

KIND_SYSTEM = "urn:caredesk:appointment-kind"
_STATUS = {
    AppointmentStatus.SCHEDULED: "booked",
    AppointmentStatus.KEPT: "fulfilled",
    AppointmentStatus.MISSED: "noshow",
    AppointmentStatus.CANCELLED: "cancelled",
}
_FROM_STATUS = {v: k for k, v in _STATUS.items()}


def appointment_resource(a: Appointment, rid: str, patient_rid: str, stay_rid: str | None) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [
        {"actor": ref("Patient", patient_rid), "status": "accepted"},
        {"actor": {"display": a.with_whom}, "status": "accepted"},
    ]
    if a.place:
        participants.append({"actor": {"type": "Location", "display": a.place}, "status": "accepted"})
    r: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": rid,
        "status": _STATUS[a.status],
        "serviceType": [{"coding": [{"system": KIND_SYSTEM, "code": a.kind.value}], "text": a.kind.value}],
        "start": a.at.isoformat(),
        "end": a.at.isoformat(),
        "participant": participants,
    }
    if a.note:
        r["comment"] = a.note
    if stay_rid is not None:
        r["extension"] = [{"url": fc.EXT_FOR_STAY, "valueReference": ref("Encounter", stay_rid)}]
    return r


def is_caredesk_appointment(r: dict[str, Any]) -> bool:
    return any(c.get("system") == KIND_SYSTEM for t in r.get("serviceType", ()) for c in t.get("coding", ()))


def stay_reference(r: dict[str, Any]) -> object:
    """The stay's Encounter reference a TCM visit carries (fhir_import resolves it), or None."""
    return next((x.get("valueReference") for x in r.get("extension", ()) if x.get("url") == fc.EXT_FOR_STAY), None)


def appointment_of(r: dict[str, Any], patient: Patient | None, today: date) -> Appointment:
    """The appointment (transition_id None: fhir_import links the stay), checked as
    services.appointments checks one arranged by hand: within the patient's life, at most two
    years ahead. One arranged more than a year ago is kept (the form's "more than a year ago"
    guards a mistyped year; an import brings history). ValidationError names the element."""
    kind = next(
        str(c.get("code", "")) for t in r["serviceType"] for c in t.get("coding", ()) if c.get("system") == KIND_SYSTEM
    )
    status = _FROM_STATUS.get(str(r.get("status", "")))
    if status is None:
        raise ValidationError("Appointment.status", f'"{str(r.get("status"))[:30]}" is not one CareDesk records')
    start = r.get("start")
    if not isinstance(start, str) or "T" not in start:
        raise ValidationError("Appointment.start", "a date and time with its offset is needed")
    try:
        at = checks.aware("Appointment.start", datetime.fromisoformat(start.replace("Z", "+00:00")))
    except ValueError:
        raise ValidationError("Appointment.start", f'"{start[:30]}" is not a date and time') from None
    if at.date() > today + timedelta(days=LATEST_DAYS_AHEAD):
        raise ValidationError("Appointment.start", "is more than two years ahead")
    if patient is not None:
        check_within_life("Appointment.start", at.date(), patient)
    actors = [p.get("actor") or {} for p in r.get("participant", ())]
    named = [a for a in actors if a.get("display") and not a.get("reference")]
    place = next((str(a["display"]) for a in named if a.get("type") == "Location"), "")
    with_whom = next((str(a["display"]) for a in named if a.get("type") != "Location"), "")
    try:
        return Appointment(
            patient_id=0,
            at=at,
            kind=checks.one_of("appointment type", kind, AppointmentKind),
            with_whom=with_whom,
            place=place,
            status=status,
            note=str(r.get("comment") or ""),
        )
    except ValidationError as exc:
        where = {"with whom": "Appointment.participant", "where": "Appointment.participant (Location)"}
        raise ValidationError(f"{where.get(exc.field, 'Appointment')} ({exc.field})", exc.message) from None
