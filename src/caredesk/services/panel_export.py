"""Everything the FHIR export writes of many patients, read in one transaction.

`records_of(ws, patient_ids) -> list[PatientRecords]`, in the order of `patient_ids`: each
patient's chart records, own target bands, contact history, screens and safety checks, stays,
appointments, tasks, referrals, RPM devices and care plan versions, each in the order the
service that reads one patient's gives them (patients.open_chart, contact_history.history,
assessments.history, stays.stays, ...), so an export reads the same records in the same
order. Every table is read once per 500 patients (store.panel_rows) instead of once per
patient: the 170-patient demo panel's export made 4,650 queries in 1,870 transactions, about
two thirds of its time (BENCHMARKS.md, FHIR export). Reads only; nothing is audited (the
export audits itself, with counts). Raises NotFound when a patient or a referral's
community resource is not stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from caredesk.domain.appointments import Appointment
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.coordination import Assessment, Task, Transition
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    Enrollment,
    Medication,
    Observation,
    ObservationKind,
    Patient,
)
from caredesk.domain.rpm_devices import RpmDevice
from caredesk.domain.safety import SafetyCheck
from caredesk.errors import NotFound
from caredesk.services.appointments import earliest_first
from caredesk.services.contact_history import HistoryRow, history_rows
from caredesk.services.referrals import ReferralView
from caredesk.services.stays import newest_first
from caredesk.services.tasks import in_order
from caredesk.services.workspace import Workspace

# Patients.chart's kinds and their orders (ties in the order stored, as SQLite gives them there).
_CHART = {
    "enrollments": ("start_date",),
    "conditions": ("icd10",),
    "allergies": ("substance",),
    "medications": ("name",),
    "care_team": (),  # by id
    "observations": ("-observed_on", "kind"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PatientRecords:
    """One patient's records as the FHIR export writes them (see the module for the orders)."""

    patient: Patient
    enrollments: tuple[Enrollment, ...]
    conditions: tuple[Condition, ...]
    allergies: tuple[Allergy, ...]
    medications: tuple[Medication, ...]
    care_team: tuple[CareTeamMember, ...]
    observations: tuple[Observation, ...]  # newest first, as the chart lists them
    targets: dict[ObservationKind, ObservationTarget]  # the patient's own bands (observations.targets)
    history: list[HistoryRow]  # newest first, voided rows included (contact_history.history)
    screens: list[Assessment]  # oldest first
    safety_checks: list[SafetyCheck]  # oldest first
    stays: list[Transition]  # newest discharge first
    appointments: list[Appointment]  # earliest first
    tasks: list[Task]  # open ones soonest due first, then the closed, latest first
    referrals: list[ReferralView]  # oldest first
    devices: list[RpmDevice]  # newest set-up first
    versions: list[CarePlanVersion]  # finalized, oldest first


def records_of(ws: Workspace, patient_ids: Sequence[int]) -> list[PatientRecords]:
    """The records of these patients, in the order given (see the module). Raises NotFound."""
    with ws.reading() as uow:
        rows = uow.panel
        patients = rows.patients(patient_ids)
        chart = {name: rows.records(name, patient_ids, order=order) for name, order in _CHART.items()}
        targets = rows.records("observation_targets", patient_ids)
        live = rows.history(patient_ids)
        voided = rows.voided(patient_ids)
        screens, checks = rows.screens(patient_ids)
        stays = rows.records("transitions", patient_ids)
        visits = rows.records("appointments", patient_ids)
        tasks = rows.records("tasks", patient_ids)
        referrals = rows.referrals_made(patient_ids)
        resources = {r.id: r for r in uow.resources.all()}
        devices = rows.devices(patient_ids)
        versions = rows.versions(patient_ids)
    out = []
    for pid in patient_ids:
        if pid not in patients:
            raise NotFound("patient")
        views = []
        for r in referrals.get(pid, ()):
            if r.resource_id not in resources:
                raise NotFound("community resource")
            views.append(ReferralView(r, resources[r.resource_id]))
        out.append(
            PatientRecords(
                patient=patients[pid],
                enrollments=tuple(chart["enrollments"].get(pid, ())),
                conditions=tuple(chart["conditions"].get(pid, ())),
                allergies=tuple(chart["allergies"].get(pid, ())),
                medications=tuple(chart["medications"].get(pid, ())),
                care_team=tuple(chart["care_team"].get(pid, ())),
                observations=tuple(chart["observations"].get(pid, ())),
                targets={t.kind: t for t in targets.get(pid, ())},
                history=history_rows(
                    live["contacts"].get(pid, ()),
                    live["time_entries"].get(pid, ()),
                    voided["contacts"].get(pid, ()),
                    voided["time_entries"].get(pid, ()),
                    ws.tz,
                ),
                screens=screens.get(pid, []),
                safety_checks=checks.get(pid, []),
                stays=newest_first(stays.get(pid, ())),
                appointments=earliest_first(visits.get(pid, ())),
                tasks=in_order(tasks.get(pid, ()), include_done=True),
                referrals=views,
                devices=devices.get(pid, []),
                versions=versions.get(pid, []),
            )
        )
    return out
