"""RPM devices and their reading days as FHIR R4 Device + DeviceUseStatement, both ways
(https://hl7.org/fhir/R4/device.html, https://hl7.org/fhir/R4/deviceusestatement.html; the
R4B models, whose DeviceUseStatement has R4's shape).

A device episode is a Device (status active, or inactive once taken back; type the kind in
urn:caredesk:device-kind, domain.rpm_devices.DeviceKind; patient the Patient) and a
DeviceUseStatement (status active or completed; subject the Patient; device the Device;
timingPeriod the set-up day to the end day). The days it transmitted readings (what CPT
99454 / 99445 count) have no element: one urn:caredesk:fhir:reading-days extension on the
statement with a valueDate sub-extension "day" per day, oldest first. Only CareDesk's
statements (their Device typed in urn:caredesk:device-kind) are read; the Device is read
through its statement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caredesk.domain import checks
from caredesk.domain.calendar import us_date
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.domain.rpm_devices import DeviceKind, RpmDevice
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_bundle import Entries
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_patient import ref

KIND_SYSTEM = "urn:caredesk:device-kind"
_DAYS = "DeviceUseStatement.extension (reading days)"


def device_resources(d: RpmDevice, device_rid: str, use_rid: str, patient_rid: str) -> list[tuple[str, dict[str, Any]]]:
    ended = d.ended_on is not None
    device = {
        "resourceType": "Device",
        "id": device_rid,
        "status": "inactive" if ended else "active",
        "type": {"coding": [{"system": KIND_SYSTEM, "code": d.kind.value}], "text": d.kind.value},
        "patient": ref("Patient", patient_rid),
    }
    period = {"start": d.set_up_on.isoformat()}
    if d.ended_on is not None:
        period["end"] = d.ended_on.isoformat()
    use: dict[str, Any] = {
        "resourceType": "DeviceUseStatement",
        "id": use_rid,
        "status": "completed" if ended else "active",
        "subject": ref("Patient", patient_rid),
        "device": ref("Device", device_rid),
        "timingPeriod": period,
    }
    if d.reading_days:
        days = [{"url": "day", "valueDate": day.isoformat()} for day in d.reading_days]
        use["extension"] = [{"url": fc.EXT_READING_DAYS, "extension": days}]
    return [(device_rid, device), (use_rid, use)]


def device_kind(r: dict[str, Any], entries: Entries) -> str | None:
    """The kind CareDesk typed the statement's Device with, or None (not CareDesk's)."""
    device = entries.resolve(r.get("device"))
    if device is None or device.type != "Device":
        return None
    coding = (device.resource.get("type") or {}).get("coding", ())
    return next((str(c.get("code", "")) for c in coding if c.get("system") == KIND_SYSTEM), None)


def device_of(r: dict[str, Any], kind: str, patient: Patient | None, today: date) -> RpmDevice:
    """The device with its reading days, checked as services.rpm_devices checks them entered by
    hand (check_span: dates not after today, the end not before the set-up, every reading day
    in the span; within the patient's life; each day once). The RPM enrollment around the
    days is plan_import's (the patient's enrollments)."""
    period = r.get("timingPeriod") or {}
    set_up = full_date("DeviceUseStatement.timingPeriod.start", period.get("start"))
    if set_up is None:
        raise ValidationError("DeviceUseStatement.timingPeriod.start", "the set-up day is needed")
    ended = full_date("DeviceUseStatement.timingPeriod.end", period.get("end"))
    days: list[date] = []
    for x in r.get("extension", ()):
        if x.get("url") == fc.EXT_READING_DAYS:
            for part in x.get("extension", ()):
                day = full_date(f"{_DAYS} day", part.get("valueDate"))
                if day is not None:
                    days.append(day)
    for field, day in (
        ("DeviceUseStatement.timingPeriod.start", set_up),
        ("DeviceUseStatement.timingPeriod.end", ended),
    ):
        checks.not_after(field, day, today, "today")
        if patient is not None:
            check_within_life(field, day, patient)
    if len(set(days)) != len(days):
        raise ValidationError(f"{_DAYS} day", "a reading day is listed twice")
    for day in days:
        if day < set_up or (ended is not None and day > ended) or day > today:
            raise ValidationError(f"{_DAYS} day", f"{us_date(day)} is outside the device's days or after today")
    try:
        return RpmDevice(
            patient_id=0,
            kind=checks.one_of("device kind", kind, DeviceKind),
            set_up_on=set_up,
            ended_on=ended,
            reading_days=tuple(sorted(days)),
        )
    except ValidationError as exc:
        raise ValidationError(f"DeviceUseStatement ({exc.field})", exc.message) from None
