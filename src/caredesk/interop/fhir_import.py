"""FHIR R4 import: a Bundle's patients as IncomingPatient values for services.panel_import.

    patients, problems = read_bundle(data, today=ws.today())
    plan = panel_import.plan_import(ws, patients, problems, source="FHIR bundle")

`read_bundle(data, *, today)` reads a Bundle of type transaction, collection or searchset
(fhir_bundle: 50 MB limit, JSON errors with line and column, every resource validated with
the `fhir.resources.R4B` models). Each Patient gathers the resources that point at it
(subject / patient / beneficiary, by fullUrl "urn:uuid:..." or "Patient/id"):
Basic (CareDesk's details), Coverage, EpisodeOfCare, Condition, AllergyIntolerance,
MedicationStatement / MedicationRequest, Observation, CareTeam, CarePlan (+ its Goals), and
CareDesk's own history: Communication (contacts), Encounter (minutes, linked to their contact)
CareDesk's hospital stays (Encounter with the TCM extension, fhir_stays), tasks (Task, fhir_tasks),
appointments (Appointment, its patient among its participants; fhir_appointments),
the patient's own target bands (Goal in urn:caredesk:goal-category target-band, fhir_targets),
referrals to community resources (ServiceRequest in urn:caredesk:need, fhir_referrals),
RPM devices (DeviceUseStatement + its Device, fhir_devices)
and QuestionnaireResponse (screens; another system's PHQ-9 / GAD-7 when fully answered;
a screen's safety check from its extension), read by fhir_import_history.

What comes back:
- an ImportProblem (where "Observation/abc" or "entry 12", the element, the value, why) for
  a resource that is not valid FHIR R4 or that the domain's rules refuse; the patient it
  belongs to is refused too (one more problem on the Patient saying why), so nothing of a
  patient comes in partly;
- IncomingPatient.flags for what the import cannot do and the care manager must (a condition
  without an ICD-10-CM code: "Condition/c1: needs an ICD-10 code (SNOMED CT 44054006
  Diabetes mellitus type 2)"; an EHR's own care plan; a unit CareDesk does not record);
- `read_bundle_report` also counts what was left out on purpose (`skipped`: resource types
  CareDesk does not import, such as Encounter, Claim or Immunization, resolved conditions,
  measures CareDesk does not track, another system's Encounters and Communications): listed,
  never errors.
`today` is the clinic's date: a contact, minutes or screen dated after it (or outside the
file's patient's life) refuses the patient naming the resource; the other store-dependent
checks (birth date not in the future, enrollment and onset dates) are plan_import's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from caredesk.domain.coordination import Transition
from caredesk.domain.incoming import ImportProblem, IncomingPatient, IncomingReferral
from caredesk.domain.patients import Patient, Status
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_appointments import appointment_of, is_caredesk_appointment, stay_reference
from caredesk.interop.fhir_bundle import SOURCE, Entries, Entry, open_bundle, shortened
from caredesk.interop.fhir_contacts import OUTCOME_SYSTEM
from caredesk.interop.fhir_devices import device_kind, device_of
from caredesk.interop.fhir_import_careplan import careplan_of
from caredesk.interop.fhir_import_history import (
    assessment_of,
    contact_of,
    is_caredesk_encounter,
    safety_check_of,
    time_entry_of,
)
from caredesk.interop.fhir_import_patient import enrollment_of, patient_fields, payer_of
from caredesk.interop.fhir_import_records import (
    NEEDS_CODE,
    Skip,
    allergy_of,
    care_team_of,
    condition_of,
    icd10_task,
    medication_of,
    observations_of,
)
from caredesk.interop.fhir_referrals import is_caredesk_referral, referral_of
from caredesk.interop.fhir_stays import is_caredesk_stay, stay_of
from caredesk.interop.fhir_targets import is_target_band, target_of
from caredesk.interop.fhir_tasks import is_caredesk_task, task_of

__all__ = ["SOURCE", "BundleRead", "read_bundle", "read_bundle_report"]

_OWNED = {
    "Basic": "subject",
    "Coverage": "beneficiary",
    "EpisodeOfCare": "patient",
    "Condition": "subject",
    "AllergyIntolerance": "patient",
    "MedicationStatement": "subject",
    "MedicationRequest": "subject",
    "Observation": "subject",
    "CareTeam": "subject",
    "CarePlan": "subject",
    "Encounter": "subject",
    "Communication": "subject",
    "QuestionnaireResponse": "subject",
    "Task": "for",
    "Appointment": "participant",
    "ServiceRequest": "subject",
    "DeviceUseStatement": "subject",
    "Goal": "subject",  # only CareDesk's target bands (fhir_targets): a care plan's come with it
}
# Another system's visits and messages are not CareDesk's contacts or minutes: skipped as
# before, whatever they point at (fhir_import_history says why).
_NOT_OURS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Encounter": lambda r: not is_caredesk_encounter(r) and not is_caredesk_stay(r),
    "Task": lambda r: not is_caredesk_task(r),
    "Appointment": lambda r: not is_caredesk_appointment(r),
    "ServiceRequest": lambda r: not is_caredesk_referral(r),
    "Communication": lambda r: (
        not any(c.get("system") == OUTCOME_SYSTEM for cat in r.get("category", ()) for c in cat.get("coding", ()))
    ),
}
# Read through another resource (a CarePlan's Goals, a MedicationRequest's Medication, a
# team member or a PCP): not counted as skipped.
_REFERENCED = {
    "Device",
    "Goal",
    "Medication",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "RelatedPerson",
    "Location",
}


@dataclass
class BundleRead:
    patients: list[IncomingPatient] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class _Gathered:
    patient: Entry
    owned: list[Entry] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # where: their resources not valid FHIR R4
    keys: set[str] = field(default_factory=set)  # the references naming the patient (Entries.by_ref's keys)


def read_bundle(data: bytes, *, today: date) -> tuple[list[IncomingPatient], list[ImportProblem]]:
    """The patients the bundle brings and the problems found (see the module's docstring).
    Raises ValidationError("FHIR bundle", ...) when the file as a whole cannot be read."""
    report = read_bundle_report(data, today=today)
    return report.patients, report.problems


def read_bundle_report(data: bytes, *, today: date) -> BundleRead:
    entries = open_bundle(data)
    out = BundleRead(problems=list(entries.problems))
    gathered: dict[int, _Gathered] = {}
    for e in entries.entries:
        if e.type == "Patient":
            gathered[id(e)] = _Gathered(e)
    for key, e in entries.by_ref.items():  # once here, not the whole index again per patient
        if id(e) in gathered:
            gathered[id(e)].keys.add(key)
    for e in entries.entries:
        if e.type == "Patient" or (e.type in _REFERENCED and not (e.type == "Goal" and is_target_band(e.resource))):
            continue
        element = _OWNED.get(e.type)
        if element is None or (e.type in _NOT_OURS and _NOT_OURS[e.type](e.resource)):
            out.skipped[e.type] += 1
            continue
        given = e.owners.get(element)
        if isinstance(given, list):  # an Appointment's participants: the one that is a Patient
            given = next((g for g in given if (o := entries.resolve(g)) is not None and o.type == "Patient"), None)
        owner = entries.resolve(given)
        if owner is None or owner.type != "Patient":
            given = e.owners.get(element)
            ref = given.get("reference", "") if isinstance(given, dict) else ""
            if not any(ref == key for key, _where in entries.invalid_owners):  # its patient is refused already
                out.problems.append(
                    ImportProblem(e.where, f"{e.type}.{element}", shortened(ref), "names no Patient in this bundle")
                )
            continue
        gathered[id(owner)].owned.append(e)
    for key, where in entries.invalid_owners:
        owner = entries.resolve(key)
        if owner is not None and owner.type == "Patient" and where != owner.where:
            gathered[id(owner)].invalid.append(where)
    for g in gathered.values():
        _read_patient(g, entries, out, today)
    return out


def _refusal(where: str, exc: ValidationError) -> ImportProblem:
    return ImportProblem(where, exc.field, "", exc.message)


def _read_patient(g: _Gathered, entries: Entries, out: BundleRead, today: date) -> None:
    by_type: dict[str, list[Entry]] = defaultdict(list)
    for e in g.owned:
        by_type[e.type].append(e)
    problems: list[ImportProblem] = []
    flags: list[str] = []
    records: dict[str, list[Any]] = defaultdict(list)
    details = next((e.resource for e in by_type["Basic"] if _is_details(e.resource)), None)
    out.skipped.update("Basic" for e in by_type["Basic"] if not _is_details(e.resource))
    payer = next((p for p in (payer_of(e.resource, entries) for e in by_type["Coverage"]) if p), "")
    patient: Patient | None = None
    try:
        patient = Patient(**patient_fields(g.patient.resource, details, payer, entries))
    except ValidationError as exc:
        problems.insert(0, _refusal(g.patient.where, exc))
    readers: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
        "EpisodeOfCare": ("enrollments", enrollment_of),
        "Condition": ("conditions", condition_of),
        "AllergyIntolerance": ("allergies", allergy_of),
        "MedicationStatement": ("medications", lambda r: medication_of(r, entries)),
        "MedicationRequest": ("medications", lambda r: medication_of(r, entries)),
        "Observation": ("observations", observations_of),
        "CareTeam": ("care_team", lambda r: care_team_of(r, entries, g.keys)),
        "CarePlan": ("care_plans", lambda r: careplan_of(r, entries)),
        "Encounter": (
            "time_entries",
            lambda r: stay_of(r, patient, today) if is_caredesk_stay(r) else time_entry_of(r, patient, today),
        ),
        "Communication": ("contacts", lambda r: contact_of(r, patient, today)),
        "QuestionnaireResponse": ("assessments", lambda r: assessment_of(r, patient, today)),
        "Task": ("tasks", lambda r: task_of(r, patient, today)),
        "Appointment": ("appointments", lambda r: appointment_of(r, patient, today)),
        "Goal": ("observation_targets", target_of),
        "DeviceUseStatement": (
            "rpm_devices",
            lambda r: (
                Skip("DeviceUseStatement")
                if (k := device_kind(r, entries)) is None
                else device_of(r, k, patient, today)
            ),
        ),
        "ServiceRequest": ("referrals", lambda r: IncomingReferral(*referral_of(r, patient, today))),
    }
    read_from: dict[int, Entry] = {}  # id(record) -> its entry: to link minutes to contacts
    for kind, (name, reader) in readers.items():
        for e in by_type[kind]:
            try:
                got = reader(e.resource)
            except ValidationError as exc:
                problems.append(_refusal(e.where, exc))
                continue
            if isinstance(got, Skip):
                out.skipped[got.what] += 1
            elif isinstance(got, str):
                flags.append(f"{e.where}: {got}")
                if (
                    kind == "Condition"
                    and got.startswith(NEEDS_CODE)
                    and patient is not None
                    and patient.status is not Status.DECEASED
                ):
                    records["tasks"].append(icd10_task(e.resource, today))  # kept past the preview
            elif isinstance(got, list):
                records[name].extend(got)
            else:
                records["transitions" if isinstance(got, Transition) else name].append(got)
                read_from[id(got)] = e
    for n, screen in enumerate(records["assessments"]):
        e = read_from[id(screen)]
        try:
            check = safety_check_of(e.resource, screen)
        except ValidationError as exc:
            problems.append(_refusal(e.where, exc))
            continue
        if check is not None:
            records["safety_checks"].append(replace(check, assessment_id=n))
    if problems or g.invalid or patient is None:
        refused = [*g.invalid, *(p.where for p in problems if p.where != g.patient.where)]
        if refused:
            because = ", ".join(dict.fromkeys(refused))
            problems.append(
                ImportProblem(g.patient.where, "", "", f"the patient is not imported: {because} refused (above)")
            )
        out.problems.extend(problems)
        return
    out.patients.append(
        IncomingPatient(
            where=g.patient.where,
            patient=patient,
            enrollments=tuple(records["enrollments"]),
            conditions=tuple(records["conditions"]),
            allergies=tuple(records["allergies"]),
            medications=tuple(records["medications"]),
            care_team=tuple(records["care_team"]),
            observations=tuple(records["observations"]),
            care_plans=tuple(records["care_plans"]),
            contacts=tuple(records["contacts"]),
            time_entries=_linked(records["time_entries"], records["contacts"], read_from, entries),
            assessments=tuple(records["assessments"]),
            safety_checks=tuple(records["safety_checks"]),
            transitions=tuple(records["transitions"]),
            tasks=tuple(records["tasks"]),
            observation_targets=tuple(records["observation_targets"]),
            rpm_devices=tuple(records["rpm_devices"]),
            referrals=_screen_linked(records["referrals"], records["assessments"], read_from, entries),
            appointments=_stay_linked(records["appointments"], records["transitions"], read_from, entries),
            flags=tuple(flags),
        )
    )


def _linked(
    time_entries: list[Any], contacts: list[Any], read_from: dict[int, Entry], entries: Entries
) -> tuple[Any, ...]:
    """The minutes with `contact_id` the index of their contact in `contacts` (domain.incoming):
    the Encounter a contact's Communication names, and the Encounters `partOf` that one."""
    contact_at: dict[int, int] = {}  # id(Encounter entry) -> contact index
    for n, contact in enumerate(contacts):
        first = entries.resolve(read_from[id(contact)].resource.get("encounter"))
        if first is not None:
            contact_at[id(first)] = n
    out = []
    for entry in time_entries:
        e = read_from[id(entry)]
        index: int | None = contact_at.get(id(e))
        if index is None:
            parent = entries.resolve(e.resource.get("partOf"))
            index = contact_at.get(id(parent)) if parent is not None else None
        out.append(replace(entry, contact_id=index))
    return tuple(out)


def _stay_linked(
    appointments: list[Any], transitions: list[Any], read_from: dict[int, Entry], entries: Entries
) -> tuple[Any, ...]:
    """The appointments with `transition_id` the index of their stay in `transitions`
    (domain.incoming), by the stay's Encounter their for-stay extension names."""
    index = {id(read_from[id(t)]): n for n, t in enumerate(transitions)}
    out = []
    for a in appointments:
        stay = entries.resolve(stay_reference(read_from[id(a)].resource))
        out.append(replace(a, transition_id=None if stay is None else index.get(id(stay))))
    return tuple(out)


def _screen_linked(
    referrals: list[Any], screens: list[Any], read_from: dict[int, Entry], entries: Entries
) -> tuple[Any, ...]:
    """The referrals with assessment_id the index in `screens` of the screen that prompted
    them (their supportingInfo's QuestionnaireResponse), else None."""
    index = {id(read_from[id(s)]): n for n, s in enumerate(screens)}
    out = []
    for one in referrals:
        found = (entries.resolve(x) for x in read_from[id(one)].resource.get("supportingInfo", ()))
        n = next((index[id(e)] for e in found if e is not None and id(e) in index), None)
        out.append(replace(one, referral=replace(one.referral, assessment_id=n)))
    return tuple(out)


def _is_details(resource: dict[str, Any]) -> bool:
    return any(c.get("code") == fc.BASIC_PATIENT_CODE for c in resource.get("code", {}).get("coding", ()))
