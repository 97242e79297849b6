"""Patients and what is known about them: enrollments, conditions, medicines, care team."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.names import full_name
from caredesk.errors import ValidationError


class Status(str, Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    DISENROLLED = "disenrolled"
    DECEASED = "deceased"


class RiskTier(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Sex(str, Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Program(str, Enum):
    CCM = "CCM"
    COMPLEX_CCM = "complex CCM"
    PCM = "PCM"
    BHI = "BHI"
    RPM = "RPM"
    TCM = "TCM"
    APCM = "APCM"  # Advanced Primary Care Management, G0556-G0558 (CY2025 PFS final rule)
    # Psychiatric Collaborative Care Model, with its own consent: billed as APCM's behavioral
    # add-ons G0568 (first month) / G0569 (CY2026 PFS final rule); BHI is the general model (G0570).
    COCM = "CoCM"


class ConsentMethod(str, Enum):
    VERBAL = "verbal"
    WRITTEN = "written"


@dataclass(frozen=True, slots=True, kw_only=True)
class Phone:
    number: str
    kind: str = "mobile"  # mobile / home / work / caregiver

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", checks.phone("phone", self.number))
        object.__setattr__(self, "kind", checks.required_text("phone type", self.kind, max_len=20))


# Dashes a word processor or an EHR export puts in place of "-": an MRN pasted with one must
# not become a second patient that reads the same ("mrn–1001" beside "mrn-1001").
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"))


def plain_mrn(text: str) -> str:
    """An MRN as the EHR means it: Unicode compatibility forms folded (full-width 'ＭＲＮ１' ->
    'MRN1', NFKC) and every dash made '-'. Leading zeros and case are kept (lookups ignore case)."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES) if isinstance(text, str) else text


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient:
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex = Sex.UNKNOWN
    preferred_name: str = ""
    language: str = "English"
    phones: tuple[Phone, ...] = ()
    address: str = ""
    call_window: str = ""  # e.g. "weekdays 9-11am"
    pcp: str = ""
    payer: str = ""
    status: Status = Status.ACTIVE
    risk_tier: RiskTier = RiskTier.MEDIUM
    died_on: date | None = None  # the date of death, when status is deceased
    id: int | None = None

    def __post_init__(self) -> None:
        s = object.__setattr__
        # 64, not the 32 a registry's MRN needs: FHIR identifiers arrive as MRNs too, e.g.
        # Synthea's 36-character uuid typed MR (store.models.PatientRow.mrn says how it is stored).
        s(self, "mrn", checks.required_text("MRN", plain_mrn(self.mrn), max_len=64))
        s(self, "given_name", checks.required_text("given name", self.given_name, max_len=80))
        s(self, "family_name", checks.required_text("family name", self.family_name, max_len=80))
        s(self, "preferred_name", checks.optional_text("preferred name", self.preferred_name, max_len=80))
        checks.a_date("date of birth", self.birth_date)
        if self.birth_date.year < 1900:
            raise ValidationError("date of birth", "is before 1900")
        s(self, "sex", checks.one_of("sex", self.sex, Sex))
        s(self, "status", checks.one_of("status", self.status, Status))
        s(self, "risk_tier", checks.one_of("risk tier", self.risk_tier, RiskTier))
        s(self, "language", checks.optional_text("language", self.language, max_len=40))
        s(self, "address", checks.optional_text("address", self.address, max_len=300))
        s(self, "call_window", checks.optional_text("preferred call window", self.call_window, max_len=80))
        s(self, "pcp", checks.optional_text("primary-care provider", self.pcp, max_len=120))
        s(self, "payer", checks.optional_text("payer", self.payer, max_len=120))
        s(self, "phones", tuple(self.phones))
        if self.died_on is not None:
            checks.a_date("date of death", self.died_on)
            if self.status is not Status.DECEASED:
                raise ValidationError("date of death", "is only recorded when the status is deceased")
            checks.order("date of birth", self.birth_date, "date of death", self.died_on)

    @property
    def display_name(self) -> str:
        """'Family, Given' as clinics sort and say it; the preferred name in quotes."""
        pref = f' "{self.preferred_name}"' if self.preferred_name and self.preferred_name != self.given_name else ""
        return f"{self.family_name}, {self.given_name}{pref}"

    @property
    def full_name(self) -> str:
        """The legal name in running text and headers: '王秀英' or 'Margaret O'Brien' (domain.names)."""
        return full_name(self.given_name, self.family_name)


def practitioner_key(name: str) -> str:
    """How billing compares billing practitioners' names: case ignored, spaces around and
    between words collapsed ("dr  lee " is "Dr Lee"); "" for a name left blank. SPEC 3:
    exclusions and APCM's add-ons are per practitioner, and the name is typed by hand."""
    return " ".join(name.split()).casefold()


def same_practitioner(a: str, b: str) -> bool:
    """One practitioner: the same name (practitioner_key), or a name left blank on either side
    (a practice with one billing practitioner need not type it)."""
    ka, kb = practitioner_key(a), practitioner_key(b)
    return not ka or not kb or ka == kb


@dataclass(frozen=True, slots=True, kw_only=True)
class Enrollment:
    patient_id: int
    program: Program
    start_date: date
    end_date: date | None = None
    consent_date: date | None = None
    consent_method: ConsentMethod | None = None
    billing_practitioner: str = ""
    # A Qualified Medicare Beneficiary: APCM bills G0558 for them (CY2025 PFS final rule).
    qmb: bool = False
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "program", checks.one_of("program", self.program, Program))
        if self.qmb and self.program is not Program.APCM:
            raise ValidationError("QMB", "is recorded only for an APCM enrollment")
        checks.a_date("start date", self.start_date)
        checks.order("start date", self.start_date, "end date", self.end_date)
        if self.consent_date is not None:
            checks.a_date("consent date", self.consent_date)
            if self.consent_method is None:
                raise ValidationError("consent method", "is required when a consent date is given")
            object.__setattr__(
                self, "consent_method", checks.one_of("consent method", self.consent_method, ConsentMethod)
            )
        object.__setattr__(
            self,
            "billing_practitioner",
            checks.optional_text("billing practitioner", self.billing_practitioner, max_len=120),
        )

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def consented_by(self, day: date) -> bool:
        return self.consent_date is not None and self.consent_date <= day


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    patient_id: int
    icd10: str
    display: str
    chronic: bool = True
    onset: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        code = checks.required_text("ICD-10 code", self.icd10, max_len=8).upper()
        # ICD-10-CM: letter, digit, alphanumeric, optional dot and up to 4 more.
        if not re.fullmatch(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", code):
            raise ValidationError("ICD-10 code", "must look like E11.9 or I10")
        object.__setattr__(self, "icd10", code)
        # 300: the longest official ICD-10-CM description (S06.816D) has 228 characters.
        object.__setattr__(self, "display", checks.required_text("condition", self.display, max_len=300))


@dataclass(frozen=True, slots=True, kw_only=True)
class Allergy:
    patient_id: int
    substance: str
    reaction: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "substance", checks.required_text("allergy substance", self.substance))
        object.__setattr__(self, "reaction", checks.optional_text("reaction", self.reaction, max_len=200))


class Adherence(str, Enum):
    GOOD = "good"
    PARTIAL = "partial"
    POOR = "poor"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Medication:
    patient_id: int
    name: str
    dose: str = ""
    frequency: str = ""
    prescriber: str = ""
    start_date: date | None = None
    stop_date: date | None = None
    adherence: Adherence = Adherence.UNKNOWN
    stop_reason: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", checks.required_text("medication", self.name))
        object.__setattr__(self, "dose", checks.optional_text("dose", self.dose, max_len=80))
        object.__setattr__(self, "frequency", checks.optional_text("frequency", self.frequency, max_len=80))
        object.__setattr__(self, "prescriber", checks.optional_text("prescriber", self.prescriber, max_len=120))
        object.__setattr__(self, "adherence", checks.one_of("adherence", self.adherence, Adherence))
        object.__setattr__(self, "stop_reason", checks.optional_text("stop reason", self.stop_reason, max_len=200))
        checks.order("start date", self.start_date, "stop date", self.stop_date)

    def active_on(self, day: date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.stop_date is None or day < self.stop_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class CareTeamMember:
    patient_id: int
    name: str
    role: str  # PCP, cardiologist, pharmacist, caregiver ...
    organization: str = ""
    phone: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", checks.required_text("care-team name", self.name, max_len=120))
        object.__setattr__(self, "role", checks.required_text("care-team role", self.role, max_len=80))
        object.__setattr__(self, "organization", checks.optional_text("organization", self.organization, max_len=120))
        if self.phone:
            object.__setattr__(self, "phone", checks.phone("care-team phone", self.phone))


class ObservationKind(str, Enum):
    SYSTOLIC_BP = "systolic BP"
    DIASTOLIC_BP = "diastolic BP"
    A1C = "A1c"
    WEIGHT = "weight"
    GLUCOSE = "glucose"
    HEART_RATE = "heart rate"
    SPO2 = "SpO2"
    EGFR = "eGFR"
    LDL = "LDL"
    HDL = "HDL"
    TEMPERATURE = "temperature"
    RESPIRATORY_RATE = "respiratory rate"


# Plausible ranges catch typing slips (a weight of 1800) without judging the clinic.
OBSERVATION_RANGES: dict[ObservationKind, tuple[float, float, str]] = {
    ObservationKind.SYSTOLIC_BP: (50, 300, "mmHg"),
    ObservationKind.DIASTOLIC_BP: (20, 200, "mmHg"),
    ObservationKind.A1C: (3, 20, "%"),
    ObservationKind.WEIGHT: (20, 700, "lb"),
    ObservationKind.GLUCOSE: (20, 1000, "mg/dL"),
    ObservationKind.HEART_RATE: (20, 250, "bpm"),
    ObservationKind.SPO2: (50, 100, "%"),
    ObservationKind.EGFR: (1, 200, "mL/min/1.73m2"),
    ObservationKind.LDL: (10, 500, "mg/dL"),
    ObservationKind.HDL: (5, 200, "mg/dL"),
    ObservationKind.TEMPERATURE: (85, 110, "°F"),
    ObservationKind.RESPIRATORY_RATE: (4, 60, "breaths/min"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    patient_id: int
    kind: ObservationKind
    value: float
    observed_on: date
    unit: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        kind = checks.one_of("observation", self.kind, ObservationKind)
        object.__setattr__(self, "kind", kind)
        low, high, unit = OBSERVATION_RANGES[kind]
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise ValidationError(kind.value, "must be a number")
        if not low <= self.value <= high:
            raise ValidationError(kind.value, f"must be between {low:g} and {high:g} {unit}")
        object.__setattr__(self, "unit", self.unit or unit)
        checks.a_date("observation date", self.observed_on)


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One row of the patient list: light, computed by the store in one query."""

    id: int
    mrn: str
    given_name: str
    family_name: str
    preferred_name: str
    birth_date: date
    phones: tuple[str, ...]
    status: Status
    risk_tier: RiskTier
    programs: tuple[Program, ...]
    last_reached: date | None  # the last contact that reached the patient
    minutes_this_month: int
    call_window: str = ""
    last_attempt: date | None = None  # the last contact of any outcome (voicemail, no answer ...)
    died_on: date | None = None  # the date of death of a deceased patient

    @property
    def display_name(self) -> str:
        pref = f' "{self.preferred_name}"' if self.preferred_name and self.preferred_name != self.given_name else ""
        return f"{self.family_name}, {self.given_name}{pref}"


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the chart header and summary tab show for one patient."""

    patient: Patient
    enrollments: tuple[Enrollment, ...] = ()
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    medications: tuple[Medication, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    observations: tuple[Observation, ...] = field(default=())
    minutes_this_month: int = 0

    def active_enrollments(self, day: date) -> tuple[Enrollment, ...]:
        return tuple(e for e in self.enrollments if e.active_on(day))

    def not_enrolled_text(self, day: date) -> str:
        """What the chart and the call panel say for a patient in no program on `day`: "Not
        enrolled yet: CCM from 12/25/2026" when a program starts later, "Not enrolled: CCM ended
        10/31/2026" when every one ended (as the queue says it), else "Not enrolled
        in a program" (someone to enroll, which is not a consent missing: consent is per program)."""
        later = sorted((e.start_date, e.program.value) for e in self.enrollments if e.start_date > day)
        ended = programs_ended(self.enrollments)
        if not later and ended:
            return "Not enrolled: " + ", ".join(f"{', '.join(names)} ended {end:%m/%d/%Y}" for end, names in ended)
        if not later:
            return "Not enrolled in a program"
        start, program = later[0]
        return f"Not enrolled yet: {program} from {start:%m/%d/%Y}"


def programs_ended(enrollments: Iterable[Enrollment]) -> list[tuple[date, list[str]]]:
    """Each ended program's last end date, latest first, programs ending the same day together:
    [(10/31/2026, ["CCM", "BHI"]), (08/15/2026, ["PCM"])]. The end date is the last day the
    program covered (minutes on it count: billing_minutes.after_end), so it is written "CCM
    ended 12/01/2026": a tester read "Not enrolled since 12/01" as minutes on 12/01 not counting."""
    last: dict[str, date] = {}
    for e in enrollments:
        if e.end_date is not None and e.end_date > last.get(e.program.value, date.min):
            last[e.program.value] = e.end_date
    by_day: dict[date, list[str]] = {}
    for program, end in sorted(last.items(), key=lambda pe: pe[1], reverse=True):
        by_day.setdefault(end, []).append(program)
    return list(by_day.items())
