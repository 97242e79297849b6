"""What an incoming patient adds to the store: the import's merge rules, without the store.

`merge(incoming, on_file, today)` compares one IncomingPatient (domain.incoming) with what
the store holds for the patient with its MRN (`OnFile`, None when nobody has it) and says
what accepting it writes: the patient as it will be stored, the records that are new, and
the changes a preview shows. `services.panel_import` calls it twice: for the preview, and
again inside the accepting transaction to see that the store did not change meanwhile.

The rules (SPEC section 7; issue 13 "a changed row updates the patient, an MRN is never
duplicated, re-importing the same file changes nothing"):
- Demographics: a field the file leaves empty never blanks a stored value. "Empty" is a
  value equal to Patient's default (the domain cannot tell an absent column from one that
  says the default): so a file cannot set a language back to English, a risk tier back to
  medium or a sex back to unknown; the chart can. Status and date of death never change by
  an import (recording a death ends programs: services.patient_records.set_status).
- Phones: the file's numbers (the EHR's current ones) replace the stored numbers of their
  kind (a file's home phone replaces the stored home phone: a number that changed is not kept
  beside the new one); stored numbers of kinds the file does not give stay, after the file's.
  One number is the same digits. A file with no phone leaves the stored ones.
- Nothing is deleted or ended. A record is new unless the patient already has it:
  a program with an enrollment over the same days (a consent date or method, or a billing
  practitioner, the file gives differently replaces the stored one, and an earlier consent
  moves the start back: an UPDATE of that enrollment, shown field by field as "CCM consent
  date: 03/05/2026 -> 04/05/2026", checked as the chart's change of an enrollment is:
  services.panel_records._as_the_file_says); a condition
  with the same ICD-10 code; an allergy to the same substance (case ignored); a current
  medication of the same name (a stopped one: same name and stop date); a care-team member
  with the same name and role; a hospital stay with the same discharge day; a task with
  the same title, due date and creation time; an appointment of the same time and type; a target band for
  the same measure (the stored one stands); an
  observation of the same kind, day and value. Care plan
  versions come in only for a patient with none yet, numbered from 1. The one exception to
  "nothing is deleted" is the app's own rule: a real allergy replaces a stored "No known
  allergies" entry (domain.allergies), and a file's "No known allergies" beside real
  allergies is not added.
- The rules per kind of record are in services.panel_records; contacts, minutes and
  screens (the care manager's history) in services.panel_history: a contact is on file
  when one has its time, channel and outcome, minutes their day, start, length, activity,
  staff type and program, a screen its instrument and day, a screen's safety check when
  that screen has one; checked as calls and assessments check them when logged the normal way.
- Store-dependent checks reuse the forms' rules (patient_records.check_birth_date and
  enrollments.check_enrollment; a condition's onset, a medication's start and an observation's day not
  after today and within the patient's life):
  a refusal is a ValidationError naming the field ("CCM consent date", "E11.9 onset date").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, tzinfo
from typing import Any

from caredesk.domain.appointments import Appointment
from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.contacts import Contact, TimeEntry
from caredesk.domain.coordination import Assessment, Task, Transition
from caredesk.domain.incoming import FieldChange, IncomingPatient, IncomingReferral
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    Enrollment,
    Medication,
    Observation,
    Patient,
    Phone,
)
from caredesk.domain.rpm_devices import RpmDevice
from caredesk.domain.safety import SafetyCheck
from caredesk.domain.text import fold
from caredesk.services import panel_history, panel_records
from caredesk.services.changes import Kind
from caredesk.services.patient_records import check_birth_date

# Demographic fields an import may change, labelled as the patient form shows them
# (ui/chart/record_fields.PatientFields). MRN is the match; status and date of death never.
DEMOGRAPHICS: dict[str, str] = {
    "given_name": "Given name",
    "family_name": "Family name",
    "preferred_name": "Preferred name",
    "birth_date": "Date of birth",
    "sex": "Sex",
    "phones": "Phone",
    "language": "Language",
    "address": "Address",
    "call_window": "Call window",
    "pcp": "PCP",
    "payer": "Payer",
    "risk_tier": "Risk tier",
}
# Record kinds, labelled as the chart's tabs and sections name them.
PROGRAMS, CONDITIONS, ALLERGIES = "Programs", "Conditions", "Allergies"
MEDICATIONS, CARE_TEAM, OBSERVATIONS, CARE_PLAN = "Medications", "Care team", "Vitals & labs", "Care plan"
CONTACTS, MINUTES, SCREENS = "Contacts", "Minutes", "Screenings"
SAFETY_CHECKS = "Safety checks"
STAYS = "Hospital stays"
TASKS = "Tasks"
APPOINTMENTS = "Appointments"
TARGETS = "Targets"
REFERRALS = "Referrals"
DEVICES = "RPM devices"


@dataclass(frozen=True, slots=True)
class OnFile:
    """What the store holds for one patient: the merge's "before"."""

    patient: Patient
    enrollments: tuple[Enrollment, ...] = ()
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    medications: tuple[Medication, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    observations: tuple[Observation, ...] = ()
    care_plan_versions: int = 0
    contacts: tuple[Contact, ...] = ()
    time_entries: tuple[TimeEntry, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    safety_checks: tuple[SafetyCheck, ...] = ()
    transitions: tuple[Transition, ...] = ()
    tasks: tuple[Task, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    observation_targets: tuple[ObservationTarget, ...] = ()
    referrals: tuple[IncomingReferral, ...] = ()  # stored ones, with their resource's name
    rpm_devices: tuple[RpmDevice, ...] = ()


@dataclass(frozen=True, slots=True)
class Merge:
    """What accepting one incoming patient writes. Records carry patient_id=0 (set on writing).

    `patient`: as it will be stored (the stored id for a known MRN); `changed`: the labels of
    the demographic fields that change (the audit's detail); `changes`: every change as a
    preview shows it; `consents`: stored enrollments with the consent or billing practitioner
    filled in; `replaces_none_known`: the id of a stored "No known allergies" entry a real
    allergy replaces. `time_entries` carry the stored contact's id when their contact is on
    file; `entry_contacts` (one per time entry) the index in `contacts` of a new one;
    `safety_checks` the stored screen's id when it is on file, `check_screens` (one per
    check) the index in `assessments` of a new one.
    """

    patient: Patient
    changed: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    enrollments: tuple[Enrollment, ...] = ()
    consents: tuple[Enrollment, ...] = ()
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    medications: tuple[Medication, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    observations: tuple[Observation, ...] = ()
    care_plans: tuple[CarePlanVersion, ...] = ()
    replaces_none_known: int | None = None
    contacts: tuple[Contact, ...] = ()
    time_entries: tuple[TimeEntry, ...] = ()
    entry_contacts: tuple[int | None, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    safety_checks: tuple[SafetyCheck, ...] = ()
    check_screens: tuple[int | None, ...] = ()
    transitions: tuple[Transition, ...] = ()
    tasks: tuple[Task, ...] = ()
    flags: tuple[str, ...] = ()  # what the care manager must check (panel_history.minutes_kept)
    appointments: tuple[Appointment, ...] = ()  # transition_id: a stored stay's id
    appointment_stays: tuple[int | None, ...] = ()  # or its new stay's index in `transitions`
    observation_targets: tuple[ObservationTarget, ...] = ()
    referrals: tuple[IncomingReferral, ...] = ()  # assessment_id: a stored screen's id
    referral_screens: tuple[int | None, ...] = ()  # or its new screen's index in `assessments`
    rpm_devices: tuple[RpmDevice, ...] = ()

    def kinds(self, *, added: bool) -> set[Kind]:
        """What accepting it touches, for the change set (a patient added is Kind.PATIENT)."""
        kinds = {Kind.PATIENT} if added or self.changed else set()
        if self.enrollments or self.consents:
            kinds.add(Kind.ENROLLMENT)
        if self.conditions or self.allergies or self.medications or self.care_team or self.observations:
            kinds.add(Kind.CLINICAL)
        if self.care_plans:
            kinds.add(Kind.CARE_PLAN)
        for records, kind in (
            (self.contacts, Kind.CONTACT),
            (self.time_entries, Kind.TIME),
            (self.assessments, Kind.ASSESSMENT),
            (self.safety_checks, Kind.ASSESSMENT),
            (self.transitions, Kind.TRANSITION),
            (self.tasks, Kind.TASK),
            (self.appointments, Kind.APPOINTMENT),
            (self.observation_targets, Kind.CLINICAL),
            (self.referrals, Kind.REFERRAL),
            (self.rpm_devices, Kind.CLINICAL),
        ):
            if records:
                kinds.add(kind)
        return kinds

    def counts(self) -> str:
        """How many records of each kind it adds: '2 enrollments, 3 conditions' (no content)."""
        parts = [
            f"{len(records)} {one if len(records) == 1 else many}"
            for one, many, records in (
                ("enrollment", "enrollments", self.enrollments),
                ("condition", "conditions", self.conditions),
                ("allergy", "allergies", self.allergies),
                ("medication", "medications", self.medications),
                ("care-team member", "care-team members", self.care_team),
                ("observation", "observations", self.observations),
                ("care plan version", "care plan versions", self.care_plans),
                ("contact", "contacts", self.contacts),
                ("time entry", "time entries", self.time_entries),
                ("screening", "screenings", self.assessments),
                ("safety check", "safety checks", self.safety_checks),
                ("hospital stay", "hospital stays", self.transitions),
                ("task", "tasks", self.tasks),
                ("appointment", "appointments", self.appointments),
                ("target band", "target bands", self.observation_targets),
                ("referral", "referrals", self.referrals),
                ("RPM device", "RPM devices", self.rpm_devices),
            )
            if records
        ]
        return ", ".join(parts)


def merge(incoming: IncomingPatient, on_file: OnFile | None, today: date, tz: tzinfo = UTC) -> Merge:
    """The merge of one incoming patient (see the module's rules). Raises ValidationError
    naming the field when the store's rules refuse it (the whole patient is then refused).
    `tz`: the clinic's zone, whose calendar a contact's time is dated in."""
    p = incoming.patient
    check_birth_date(p.birth_date, today)
    changed: tuple[str, ...] = ()
    changes: list[FieldChange] = []
    if on_file is None:
        patient = replace(p, id=None)
        before_records = OnFile(patient=patient)
    else:
        patient, changed, changes = _demographics(on_file.patient, p)
        before_records = on_file
    r, before = panel_records, before_records
    enrollments, consents = r.new_enrollments(incoming.enrollments, before.enrollments, patient, today)
    conditions = r.new_conditions(incoming.conditions, before.conditions, patient, today)
    allergies, replaces = r.new_allergies(incoming.allergies, before.allergies)
    medications = r.new_medications(incoming.medications, before.medications, patient, today)
    care_team = r.new_records(incoming.care_team, before.care_team, lambda m: (fold(m.name), fold(m.role)))
    observations = r.new_observations(incoming.observations, before.observations, patient, today)
    plans = () if before_records.care_plan_versions else panel_records.numbered_versions(incoming.care_plans)
    h = panel_history
    contacts, matched = h.new_contacts(incoming.contacts, before.contacts, patient, today, tz)
    enrolled = (*before.enrollments, *enrollments)
    entries, links = h.new_time_entries(
        incoming.time_entries, before.time_entries, matched, contacts, enrolled, patient, today
    )
    flags = h.minutes_kept(incoming.time_entries, before.time_entries, matched, tz)
    screens, screens_matched = h.new_assessments(incoming.assessments, before.assessments, patient, today)
    flags += h.screens_kept(incoming.assessments, screens_matched)
    safety, check_screens = h.new_safety_checks(
        incoming.safety_checks, incoming.assessments, screens_matched, before.safety_checks, today, tz
    )
    stays = r.new_transitions(incoming.transitions, before.transitions)
    todo = r.new_tasks(incoming.tasks, before.tasks)
    bands = r.new_targets(incoming.observation_targets, before.observation_targets)
    devices = r.new_devices(incoming.rpm_devices, before.rpm_devices, enrolled)
    sent, sent_screens = h.new_referrals(
        incoming.referrals, incoming.assessments, screens_matched, before.referrals, patient
    )
    visits, visit_stays = r.new_appointments(
        incoming.appointments, before.appointments, incoming.transitions, before.transitions, stays, tz
    )
    if on_file is not None:  # what a preview lists beside the demographics
        changes += _record_changes(enrollments, consents, conditions, allergies, medications, before.enrollments)
        changes += _listed(CARE_TEAM, care_team, lambda m: f"{m.name} ({m.role})")
        changes += _listed(OBSERVATIONS, observations, _observation_text)
        if plans:
            changes.append(FieldChange(CARE_PLAN, "", f"+ {_plural(len(plans), 'finalized version')}"))
        changes += _history_changes(contacts, entries, screens)
        changes += _listed(SAFETY_CHECKS, safety, lambda c: ", ".join(c.action_labels))
        changes += _listed(STAYS, stays, lambda t: f"{t.facility}, discharged {us_date(t.discharged_on)}")
        changes += _listed(TASKS, todo, lambda t: t.title)
        changes += _listed(TARGETS, bands, _target_text)
        changes += _listed(DEVICES, devices, lambda d: d.name)
        changes += _listed(REFERRALS, sent, lambda x: f"{x.referral.need.label} to {x.resource}")
        changes += _listed(APPOINTMENTS, visits, lambda a: f"{a.kind.value} with {a.with_whom} {a.at:%m/%d/%Y}")
    return Merge(
        patient=patient,
        changed=changed,
        changes=tuple(changes),
        enrollments=enrollments,
        consents=consents,
        conditions=conditions,
        allergies=allergies,
        medications=medications,
        care_team=care_team,
        observations=observations,
        care_plans=plans,
        replaces_none_known=replaces,
        contacts=contacts,
        time_entries=entries,
        entry_contacts=links,
        assessments=screens,
        safety_checks=safety,
        check_screens=check_screens,
        transitions=stays,
        tasks=todo,
        flags=flags,
        appointments=visits,
        appointment_stays=visit_stays,
        observation_targets=bands,
        referrals=sent,
        referral_screens=sent_screens,
        rpm_devices=devices,
    )


# -- demographics -------------------------------------------------------------------------
_EMPTY = Patient(mrn="x", given_name="x", family_name="x", birth_date=date(2000, 1, 1))


def _demographics(stored: Patient, incoming: Patient) -> tuple[Patient, tuple[str, ...], list[FieldChange]]:
    values: dict[str, Any] = {}
    for key in DEMOGRAPHICS:
        new = getattr(incoming, key)
        if new == getattr(_EMPTY, key):
            continue  # left empty by the file: the stored value stays
        if key == "phones":
            new = _merged_phones(incoming.phones, stored.phones)
        if new != getattr(stored, key):
            values[key] = new
    after = replace(stored, **values) if values else stored
    changed = tuple(label for key, label in DEMOGRAPHICS.items() if key in values)
    changes = [
        FieldChange(label, _shown(getattr(stored, key)), _shown(getattr(after, key)))
        for key, label in DEMOGRAPHICS.items()
        if key in values
    ]
    return after, changed, changes


def _digits(phone: Phone) -> str:
    return "".join(ch for ch in phone.number if ch.isdigit())


def _merged_phones(incoming: tuple[Phone, ...], stored: tuple[Phone, ...]) -> tuple[Phone, ...]:
    """The file's phones, then the stored ones of the kinds the file does not give (module rules)."""
    given = {phone.kind for phone in incoming}
    seen: set[str] = set()
    out = []
    for phone in (*incoming, *(p for p in stored if p.kind not in given)):
        if _digits(phone) not in seen:
            seen.add(_digits(phone))
            out.append(phone)
    return tuple(out)


def _shown(value: Any) -> str:
    """A value as the form shows it: dates MM/DD/YYYY, phones '(555) 010-0101 (mobile)'."""
    if value is None:
        return ""
    if isinstance(value, date):
        return us_date(value)
    if isinstance(value, tuple):
        return "; ".join(f"{p.number} ({p.kind})" for p in value)
    return str(getattr(value, "value", value))


# -- what a preview lists -----------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(label: str, records: Iterable[Any], text: Callable[[Any], str]) -> list[FieldChange]:
    items = [f"+ {text(r)}" for r in records]
    return [FieldChange(label, "", "; ".join(items))] if items else []


# An enrollment's fields an import may change (panel_records._as_the_file_says), labelled as
# the chart's enrollment form names them (services.enrollments.ENROLLMENT_FIELDS).
_ENROLLMENT_SHOWN = {
    "start_date": "start date",
    "consent_date": "consent date",
    "consent_method": "consent method",
    "billing_practitioner": "billing practitioner",
}


def _enrollment_text(e: Enrollment) -> str:
    consent = f", consent {us_date(e.consent_date)}" if e.consent_date else ""
    method = f" ({e.consent_method.value})" if e.consent_method else ""
    return f"{e.program.value} from {us_date(e.start_date)}{consent}{method}"


def _target_text(t: ObservationTarget) -> str:
    sides = [f"at least {t.low:g}" if t.low is not None else "", f"at most {t.high:g}" if t.high is not None else ""]
    return f"{t.kind.value} {' and '.join(s for s in sides if s)}"


def _observation_text(o: Observation) -> str:
    return f"{o.kind.value} {o.value:g} {o.unit} on {us_date(o.observed_on)}"


def _history_changes(
    contacts: tuple[Contact, ...], entries: tuple[TimeEntry, ...], screens: tuple[Assessment, ...]
) -> list[FieldChange]:
    """Counted rather than listed: a year of calls would make the preview unreadable."""
    out = []
    if contacts:
        out.append(FieldChange(CONTACTS, "", f"+ {_plural(len(contacts), 'contact')}"))
    if entries:
        total = sum(e.minutes for e in entries)
        out.append(
            FieldChange(
                MINUTES, "", f"+ {total} min in {len(entries)} time {'entry' if len(entries) == 1 else 'entries'}"
            )
        )
    out += _listed(SCREENS, screens, lambda a: f"{a.instrument.value} on {us_date(a.taken_on)}")
    return out


def _record_changes(
    enrollments: tuple[Enrollment, ...],
    consents: tuple[Enrollment, ...],
    conditions: tuple[Condition, ...],
    allergies: tuple[Allergy, ...],
    medications: tuple[Medication, ...],
    stored: tuple[Enrollment, ...],
) -> list[FieldChange]:
    out = _listed(PROGRAMS, enrollments, _enrollment_text)
    by_id = {s.id: s for s in stored}
    for e in consents:  # a stored enrollment the file changes: each field, before -> after
        before = by_id[e.id]
        for key, label in _ENROLLMENT_SHOWN.items():
            if getattr(before, key) != getattr(e, key):
                was, now = _shown(getattr(before, key)), _shown(getattr(e, key))
                out.append(FieldChange(f"{e.program.value} {label}", was, now))
    out += _listed(CONDITIONS, conditions, lambda c: f"{c.icd10} {c.display}")
    out += _listed(ALLERGIES, allergies, lambda a: a.substance)
    out += _listed(MEDICATIONS, medications, lambda m: " ".join(x for x in (m.name, m.dose, m.frequency) if x))
    return out
