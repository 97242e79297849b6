"""RPM devices and the days they transmitted readings: enter, correct, end, take back.

What RPM's device codes read (99453 set-up, 99454 / 99445 device supply; SPEC 3, rules in
caredesk.domain.billing_rpm_devices): each device's kind, set-up day and end day, and the
distinct days with readings, which the care manager reads from the vendor's portal. Every
write is checked before anything is stored (a ValidationError names the field), audited by
record id (never the dates or the kind), and returns Kind.CLINICAL for the patient, so the
chart and the month's billing recompute at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Final

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.billing_minutes import consent_date
from caredesk.domain.billing_rpm_devices import SETUP_CODE, assess, within_rpm
from caredesk.domain.calendar import us_date
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient, Program
from caredesk.domain.rpm_devices import (
    DeviceKind,
    RpmDevice,
    check_in_rpm,
    check_not_twice,
    check_reading_days,
    check_span,
)
from caredesk.errors import ValidationError
from caredesk.services import missing
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

ENTITY = "rpm device"  # the audit log's name for the record


class _Keep:
    """The default of change_device's fields: leave this one as it is."""


KEEP: Final = _Keep()


def devices(ws: Workspace, patient_id: int) -> list[RpmDevice]:
    """The patient's devices with their reading days, newest set-up first."""
    with ws.reading() as uow:
        missing.patient(uow, patient_id)
        return uow.rpm_devices.for_patient(patient_id)


def period_bills(ws: Workspace, patient_id: int) -> dict[tuple[int, int], str]:
    """{(device id, period number): what the closed period bills} as the chart shows it beside
    each period ("99453, 99454"; "nothing: 1 of 2 reading days for 99445 ..."), by the same
    rules as the month's billing (domain.billing_rpm_devices, RPM consent first). Open periods
    are left out: they bill when they end."""
    with ws.reading() as uow:
        missing.patient(uow, patient_id)
        found = uow.rpm_devices.for_patient(patient_id)
        enrollments = uow.enrollments.for_patient(patient_id)
    today = ws.today()
    consent = consent_date(enrollments, Program.RPM, today, date.min)
    out: dict[tuple[int, int], str] = {}
    within, _outside = within_rpm(found, enrollments)  # days outside RPM do not count (as the month's billing)
    for b in assess(within, today, consent):
        assert b.period.device.id is not None
        codes = ([SETUP_CODE] if b.setup else []) + ([b.code] if b.code else [])
        if consent is None:
            text = "nothing: no RPM consent on file"
        elif codes:
            text = ", ".join(codes) + (f" ({b.why})" if b.why else "")
        else:
            text = f"nothing: {b.why}"
        out[(b.period.device.id, b.period.number)] = text
    return out


def add_device(
    ws: Workspace, patient_id: int, *, kind: DeviceKind | str, set_up_on: date, ended_on: date | None = None
) -> Saved[RpmDevice]:
    """Record a device supplied and set up with the patient on `set_up_on` (ended on
    `ended_on` when already taken back). Dates not after today, within the patient's life,
    the end not before the set-up. Raises ValidationError naming "device kind", "set-up date"
    or "end date", NotFound("patient"); nothing is stored then."""
    device = RpmDevice(patient_id=patient_id, kind=kind, set_up_on=set_up_on, ended_on=ended_on)  # type: ignore[arg-type]
    check_span(device, ws.today())
    with ws.uow() as uow:
        _check_life(missing.patient(uow, patient_id), device)
        _check_record(uow, device)
        saved = uow.rpm_devices.add(device)
        assert saved.id is not None
        uow.audit(actions.RECORD_CREATED, ENTITY, saved.id)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.CLINICAL))


def change_device(
    ws: Workspace,
    device_id: int,
    *,
    kind: DeviceKind | str | _Keep = KEEP,
    set_up_on: date | _Keep = KEEP,
    ended_on: date | _Keep | None = KEEP,
) -> Saved[RpmDevice]:
    """Correct a device's kind or dates, or end it (`ended_on`; None takes an end back).
    Only the fields given change. Every reading day recorded must stay within the set-up and
    end days (ValidationError naming the date and how many days are outside)."""
    with ws.uow() as uow:
        device = _get(uow, device_id)
        changes: dict[str, object] = {}
        if not isinstance(kind, _Keep):
            changes["kind"] = checks.one_of("device kind", kind, DeviceKind)
        if not isinstance(set_up_on, _Keep):
            changes["set_up_on"] = checks.a_date("set-up date", set_up_on)
        if not isinstance(ended_on, _Keep):
            changes["ended_on"] = ended_on
        changed = replace(device, **changes)  # type: ignore[arg-type]
        check_span(changed, ws.today())
        labels = {"kind": "device kind", "set_up_on": "set-up date", "ended_on": "end date"}
        fields = [label for key, label in labels.items() if getattr(changed, key) != getattr(device, key)]
        if not fields:
            return Saved(device, Changes())
        _check_life(missing.patient(uow, device.patient_id), changed)
        # Only what changed is checked: a device recorded before these rules can still be ended.
        if changed.set_up_on != device.set_up_on:
            check_in_rpm(changed, uow.enrollments.for_patient(device.patient_id))
        if changed.set_up_on != device.set_up_on or changed.kind is not device.kind:
            check_not_twice(changed, uow.rpm_devices.for_patient(device.patient_id))
        saved = uow.rpm_devices.update(changed)
        uow.audit(actions.RECORD_CHANGED, ENTITY, device_id, "; ".join(fields))
        uow.commit()
    return Saved(saved, Changes.of([device.patient_id], Kind.CLINICAL))


def remove_device(ws: Workspace, device_id: int) -> Saved[RpmDevice]:
    """Take back a device entered by mistake (for the wrong patient, or twice), with its
    reading days. A device that was used and returned is ended instead (change_device)."""
    with ws.uow() as uow:
        device = _get(uow, device_id)
        uow.rpm_devices.remove(device_id)
        uow.audit(actions.RECORD_REMOVED, ENTITY, device_id, f"with {len(device.reading_days)} reading days")
        uow.commit()
    return Saved(device, Changes.of([device.patient_id], Kind.CLINICAL))


def add_reading_days(ws: Workspace, device_id: int, days: Iterable[date]) -> Saved[RpmDevice]:
    """Record days on which the device transmitted readings. Every date is checked first
    (domain.rpm_devices.check_reading_days: not before the set-up, after the end or today,
    nor recorded already); one bad date stores none of them."""
    with ws.uow() as uow:
        device = _get(uow, device_id)
        new = check_reading_days(device, list(days), ws.today(), uow.enrollments.for_patient(device.patient_id))
        uow.rpm_devices.add_days(device_id, new)
        uow.audit(actions.RECORD_CHANGED, ENTITY, device_id, f"{_count(len(new))} added")
        saved = _get(uow, device_id)
        uow.commit()
    return Saved(saved, Changes.of([device.patient_id], Kind.CLINICAL))


def remove_reading_days(ws: Workspace, device_id: int, days: Iterable[date]) -> Saved[RpmDevice]:
    """Take back reading days entered by mistake; a date not recorded is refused by name
    (ValidationError "reading date") and none is removed then."""
    wanted = sorted(set(days))
    if not wanted:
        raise ValidationError("reading date", "give at least one date")
    with ws.uow() as uow:
        device = _get(uow, device_id)
        absent = [d for d in wanted if d not in device.reading_days]
        if absent:
            raise ValidationError("reading date", f"{us_date(absent[0])} is not recorded for this device")
        uow.rpm_devices.remove_days(device_id, wanted)
        uow.audit(actions.RECORD_CHANGED, ENTITY, device_id, f"{_count(len(wanted))} removed")
        saved = _get(uow, device_id)
        uow.commit()
    return Saved(saved, Changes.of([device.patient_id], Kind.CLINICAL))


def _count(n: int) -> str:
    return f"{n} reading day{'s' if n != 1 else ''}"


def _check_life(patient: Patient, device: RpmDevice) -> None:
    """Set-up and end within the patient's life (not before birth, not after death)."""
    check_within_life("set-up date", device.set_up_on, patient)
    check_within_life("end date", device.ended_on, patient)


def _check_record(uow: UnitOfWork, device: RpmDevice) -> None:
    """Set up while the patient is in RPM (a device outside it never bills), and not a second
    record of one already recorded (ValidationError "set-up date" / "device")."""
    check_in_rpm(device, uow.enrollments.for_patient(device.patient_id))
    check_not_twice(device, uow.rpm_devices.for_patient(device.patient_id))


def _get(uow: UnitOfWork, device_id: int) -> RpmDevice:
    device = uow.rpm_devices.get(device_id)
    if device is None:
        raise missing.not_found(uow, "RPM device", ENTITY, device_id)
    return device
