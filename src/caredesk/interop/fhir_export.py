"""FHIR R4 export: the panel (or one patient) as one Bundle of type `collection`.

`export_bundle(ws, mrn=None) -> dict`: the Bundle as JSON-ready dicts, every resource
validated with the `fhir.resources.R4B` models first (R4B is the maintained library's
R4-compatible model set; the resources used here have R4 4.0.1's shape). A resource that
does not validate raises ExportInvalid naming it and the element ("Observation/<id>:
valueQuantity.value: ..."), and nothing is written.
`write_bundle(ws, path, mrn=None) -> ExportResult`: validated, written whole or not at all
(services.files), audited as one `exported` event with counts only.

Per patient, in this order (the modules say how each maps, with their sources):
Patient, Basic (CareDesk details), Coverage (payer), EpisodeOfCare per program
(fhir_patient); Condition, AllergyIntolerance, MedicationStatement, Observation
(fhir_clinical); CareTeam, Encounter (minutes) and Communication (contacts) (fhir_contacts);
QuestionnaireResponse + score Observation per screen, with its safety check (fhir_screens);
an Encounter (class IMP) per hospital stay with its TCM steps (fhir_stays); a Task per
task, open or done (fhir_tasks); an Appointment per appointment arranged (fhir_appointments); a Goal per target band of the
patient's own (fhir_targets); a ServiceRequest per referral to a community resource
(fhir_referrals); a Device + DeviceUseStatement per RPM device with its reading days (fhir_devices); the latest finalized
CarePlan and its Goals (fhir_careplan). Every fullUrl is `urn:uuid:` + a uuid5 of the store's
record ids under the store's own random namespace (services.store_identity, fhir_codes.stable_id),
so exporting twice gives the same ids and two stores never share one; only the Bundle's
timestamp differs. Data is read through services only, every exported patient's at once
(services.panel_export: one query per table per 500 patients, not ~27 per patient).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from caredesk.domain import audit as actions
from caredesk.errors import CareDeskError
from caredesk.interop import fhir_codes as fc
from caredesk.interop import fhir_messages
from caredesk.interop.fhir_appointments import appointment_resource
from caredesk.interop.fhir_careplan import careplan_resources
from caredesk.interop.fhir_clinical import (
    allergy_resource,
    condition_resource,
    medication_resource,
    observation_resources,
)
from caredesk.interop.fhir_contacts import careteam_resource, contact_resources
from caredesk.interop.fhir_devices import device_resources
from caredesk.interop.fhir_patient import coverage_resource, details_resource, episode_resource, patient_resource
from caredesk.interop.fhir_referrals import referral_resource
from caredesk.interop.fhir_screens import screen_resources
from caredesk.interop.fhir_stays import stay_resource
from caredesk.interop.fhir_targets import target_resource
from caredesk.interop.fhir_tasks import task_resource
from caredesk.services import export_audit, panel_export, patients, store_identity
from caredesk.services.files import refusal, write_atomic
from caredesk.services.gc_pause import gc_paused
from caredesk.services.panel_export import PatientRecords
from caredesk.services.workspace import Workspace


class ExportInvalid(CareDeskError):
    """A resource failed FHIR R4 validation: names the resource and element, never its value."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What a written bundle holds: `counts` by resource type, `patients` exported."""

    path: Path
    patients: int
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def patient_resources(records: PatientRecords, today: date, tz: tzinfo) -> list[tuple[str, dict[str, Any]]]:
    """(id, resource) for one patient and everything CareDesk records for them (`records`:
    services.panel_export, read for every exported patient at once)."""
    p = records.patient
    patient_id = p.id
    prid = fc.stable_id("Patient", patient_id)
    out: list[tuple[str, dict[str, Any]]] = [(prid, patient_resource(p, prid))]
    rid = fc.stable_id("Basic", patient_id)
    out.append((rid, details_resource(p, rid, prid)))
    if p.payer:
        rid = fc.stable_id("Coverage", patient_id)
        out.append((rid, coverage_resource(p, rid, prid)))
    for e in records.enrollments:
        rid = fc.stable_id("EpisodeOfCare", e.id)
        out.append((rid, episode_resource(e, rid, prid, today.isoformat())))
    conditions: dict[str, str] = {}
    for c in records.conditions:
        rid = fc.stable_id("Condition", c.id)
        conditions.setdefault(c.icd10, rid)
        out.append((rid, condition_resource(c, rid, prid)))
    for a in records.allergies:
        rid = fc.stable_id("AllergyIntolerance", a.id)
        out.append((rid, allergy_resource(a, rid, prid)))
    for m in records.medications:
        rid = fc.stable_id("MedicationStatement", m.id)
        out.append((rid, medication_resource(m, rid, prid, today)))
    out.extend(observation_resources(records.observations, prid))
    for kind, target in records.targets.items():
        rid = fc.stable_id("Goal", "target", patient_id, kind.value)
        out.append((rid, target_resource(target, rid, prid)))
    if records.care_team:
        rid = fc.stable_id("CareTeam", patient_id)
        out.append((rid, careteam_resource(records.care_team, rid, prid)))
    out.extend(contact_resources(records.history, prid, tz))
    checked = {c.assessment_id: c for c in records.safety_checks}
    for screen in records.screens:
        out.extend(screen_resources(screen, prid, checked.get(screen.id or 0)))
    stay_rids: dict[int | None, str] = {}
    for stay in records.stays:
        rid = stay_rids[stay.id] = fc.stable_id("Encounter", "stay", stay.id)
        out.append((rid, stay_resource(stay, rid, prid)))
    for visit in records.appointments:
        rid = fc.stable_id("Appointment", visit.id)
        out.append((rid, appointment_resource(visit, rid, prid, stay_rids.get(visit.transition_id))))
    for task in records.tasks:
        rid = fc.stable_id("Task", task.id)
        out.append((rid, task_resource(task, rid, prid)))
    for sent in records.referrals:
        r = sent.referral
        rid = fc.stable_id("ServiceRequest", r.id)
        screen_rid = None if r.assessment_id is None else fc.stable_id("QuestionnaireResponse", r.assessment_id)
        out.append((rid, referral_resource(r, sent.resource.name, rid, prid, screen_rid)))
    for device in records.devices:
        rids = fc.stable_id("Device", device.id), fc.stable_id("DeviceUseStatement", device.id)
        out.extend(device_resources(device, *rids, prid))
    if records.versions:
        out.extend(careplan_resources(records.versions[-1], prid, conditions))
    return out


def validate(resource: dict[str, Any]) -> None:
    """Raise ExportInvalid("Observation/<id>: valueQuantity.value: Input should be a valid number")
    when the R4B model refuses the resource. The refused value is not repeated: it is patient data."""
    kind = resource["resourceType"]
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or kind
        raise ExportInvalid(f"{kind}/{resource.get('id', '?')}: {where}: {fhir_messages.plain(first)}") from None


def export_bundle(ws: Workspace, *, mrn: str | None = None) -> dict[str, Any]:
    """The Bundle of every patient (or the one with `mrn`: NotFound when none has it).
    Raises ExportInvalid (see validate) before anything leaves."""
    ids = [patients.by_mrn(ws, mrn).id] if mrn is not None else [s.id for s in patients.patient_list(ws)]
    entries: list[dict[str, Any]] = []
    today = ws.today()
    # The resources are acyclic dicts: the collector's passes over them grew with the bundle
    # (services.gc_pause; 2,000 patients over 3 years: 425k resources).
    with fc.store_ids(store_identity.fhir_namespace(ws)), gc_paused():  # namespace made (audited) on the first export
        for records in panel_export.records_of(ws, [pid for pid in ids if pid is not None]):
            for rid, resource in patient_resources(records, today, ws.tz):
                validate(resource)
                entries.append({"fullUrl": fc.full_url(rid), "resource": resource})
        bundle_id = fc.stable_id("Bundle", mrn or "panel")
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "timestamp": ws.clock.now().astimezone(ws.tz).isoformat(timespec="seconds"),
    }
    validate(bundle)  # the envelope; the entries were each validated above
    bundle["entry"] = entries
    return bundle


def counts(bundle: dict[str, Any]) -> dict[str, int]:
    """Resources by type, most first ({"Observation": 2100, "Patient": 170, ...})."""
    return dict(Counter(e["resource"]["resourceType"] for e in bundle.get("entry", ())).most_common())


def write_bundle(ws: Workspace, path: Path, *, mrn: str | None = None) -> ExportResult:
    """Export, then write `path` atomically (0600) and audit it. Refuses a path that is not
    a regular file before reading anything (CareDeskError naming the path)."""
    reason = refusal(path)
    if reason is not None:
        raise CareDeskError(f"Cannot write {path}: {reason}.")
    bundle = export_bundle(ws, mrn=mrn)
    data = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(path, data)
    by_type = counts(bundle)
    shown = ", ".join(f"{n} {kind}" for kind, n in by_type.items())
    export_audit.record(ws, actions.EXPORTED, "FHIR bundle", "", f"{by_type.get('Patient', 0)} patients; {shown}")
    return ExportResult(path=path, patients=by_type.get("Patient", 0), counts=by_type)
