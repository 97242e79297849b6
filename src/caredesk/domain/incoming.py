"""What an import brings in, before it is stored: one patient and their records as a file
gave them (a CSV row, or a FHIR Patient and the resources that point at it), the problems
found while reading the file, and what accepting it would change.

Plain values shared by every reader in `caredesk.interop` (CSV, FHIR) and by the one
service that checks them against the store and stores them (`services.panel_import`).
Records carry `patient_id=0` and `id=None`: the store numbers them when they are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from caredesk.domain.appointments import Appointment
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.contacts import Contact, TimeEntry
from caredesk.domain.coordination import Assessment, Task, Transition
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    Enrollment,
    Medication,
    Observation,
    Patient,
)
from caredesk.domain.referrals import Referral
from caredesk.domain.rpm_devices import RpmDevice
from caredesk.domain.safety import SafetyCheck


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why one row or resource cannot come in.

    `where`: "row 12" (the header is row 1) or "Condition/abc"; `field`: the column or
    element ("DOB", "Condition.code"); `value`: what the file held (shortened, never more
    than 80 characters); `why`: a sentence a care manager can act on.
    """

    where: str
    field: str
    value: str
    why: str

    def __str__(self) -> str:
        shown = f' "{self.value}"' if self.value else ""
        return f"{self.where}: {self.field}{shown}: {self.why}"


@dataclass(frozen=True, slots=True)
class IncomingReferral:
    """A referral as a file gives it: `referral` with resource_id 0 and assessment_id an index
    into the patient's `assessments` (the screen that prompted it) or None; `resource` the
    community resource's name. The directory does not travel: the importing store's resource
    of that name is used, else one is added to its directory meeting the referral's need."""

    referral: Referral
    resource: str


@dataclass(frozen=True, slots=True)
class IncomingPatient:
    """One patient as the file brings them, already valid by the domain's own rules.

    `where`: the row or resource it came from (for messages); `flags`: what the care
    manager must still do and the import cannot, e.g. "Condition/c1: needs an ICD-10 code
    (SNOMED CT 44054006 Diabetes mellitus type 2)"; never a refusal.
    """

    where: str
    patient: Patient
    enrollments: tuple[Enrollment, ...] = ()
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    medications: tuple[Medication, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    observations: tuple[Observation, ...] = ()
    care_plans: tuple[CarePlanVersion, ...] = ()
    contacts: tuple[Contact, ...] = ()
    time_entries: tuple[TimeEntry, ...] = ()  # contact_id: an index into `contacts` (see above)
    assessments: tuple[Assessment, ...] = ()
    safety_checks: tuple[SafetyCheck, ...] = ()  # assessment_id: an index into `assessments`
    transitions: tuple[Transition, ...] = ()  # hospital stays with their TCM steps
    tasks: tuple[Task, ...] = ()  # open and done, as the care manager's task list holds them
    appointments: tuple[Appointment, ...] = ()  # transition_id: an index into `transitions`
    observation_targets: tuple[ObservationTarget, ...] = ()  # the patient's own bands, one per measure
    referrals: tuple[IncomingReferral, ...] = ()
    rpm_devices: tuple[RpmDevice, ...] = ()  # with their reading days
    flags: tuple[str, ...] = ()


class Action(str, Enum):
    """What accepting an incoming patient does to the store."""

    ADD = "add"  # no patient has this MRN
    UPDATE = "update"  # the MRN's patient differs: `Diff` lists how
    SAME = "same"  # nothing would change (a file imported twice)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a patient that an import changes: labels and values as shown."""

    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class PlannedPatient:
    """One incoming patient and what accepting it does (`changes` empty unless UPDATE)."""

    incoming: IncomingPatient
    action: Action
    changes: tuple[FieldChange, ...] = ()
    patient_id: int | None = None  # the stored patient an UPDATE or SAME matched by MRN


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The preview: every accepted patient with its action, and every refused row.

    Accepting stores all of `patients` in one transaction or none of them; `problems`
    are never stored. `source` names the file for the audit ("CSV file", "FHIR bundle").
    """

    source: str
    patients: tuple[PlannedPatient, ...]
    problems: tuple[ImportProblem, ...]

    def count(self, action: Action) -> int:
        return sum(1 for p in self.patients if p.action is action)
