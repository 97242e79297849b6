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
- Phones are merged, never dropped: the file's numbers first (the EHR's current ones),
  then stored numbers the file lacks; one number is the same digits.
- Nothing is deleted or ended. A record is new unless the patient already has it:
  a program with an enrollment over the same days (its missing consent date and billing
  practitioner are filled in from the file: an UPDATE of that enrollment); a condition
  with the same ICD-10 code; an allergy to the same substance (case ignored); a current
  medication of the same name (a stopped one: same name and stop date); a care-team member
  with the same name and role; an observation of the same kind, day and value. Care plan
  versions come in only for a patient with none yet, numbered from 1. The one exception to
  "nothing is deleted" is the app's own rule: a real allergy replaces a stored "No known
  allergies" entry (domain.allergies), and a file's "No known allergies" beside real
  allergies is not added.
- Store-dependent checks reuse the forms' rules (patient_records.check_birth_date and
  check_enrollment; a condition's onset not after today nor before the date of birth):
  a refusal is a ValidationError naming the field ("CCM consent date", "E11.9 onset date").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from caredesk.domain import checks, icd10
from caredesk.domain.allergies import is_none_known, same_substance
from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.incoming import FieldChange, IncomingPatient
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
from caredesk.domain.text import fold
from caredesk.errors import ValidationError
from caredesk.services.changes import Kind
from caredesk.services.patient_records import check_birth_date, check_enrollment

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


@dataclass(frozen=True, slots=True)
class Merge:
    """What accepting one incoming patient writes. Records carry patient_id=0 (set on writing).

    `patient`: as it will be stored (the stored id for a known MRN); `changed`: the labels of
    the demographic fields that change (the audit's detail); `changes`: every change as a
    preview shows it; `consents`: stored enrollments with the consent or billing practitioner
    filled in; `replaces_none_known`: the id of a stored "No known allergies" entry a real
    allergy replaces.
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

    def kinds(self, *, added: bool) -> set[Kind]:
        """What accepting it touches, for the change set (a patient added is Kind.PATIENT)."""
        kinds = {Kind.PATIENT} if added or self.changed else set()
        if self.enrollments or self.consents:
            kinds.add(Kind.ENROLLMENT)
        if self.conditions or self.allergies or self.medications or self.care_team or self.observations:
            kinds.add(Kind.CLINICAL)
        if self.care_plans:
            kinds.add(Kind.CARE_PLAN)
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
            )
            if records
        ]
        return ", ".join(parts)


def merge(incoming: IncomingPatient, on_file: OnFile | None, today: date) -> Merge:
    """The merge of one incoming patient (see the module's rules). Raises ValidationError
    naming the field when the store's rules refuse it (the whole patient is then refused)."""
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
    enrollments, consents = _enrollments(incoming.enrollments, before_records.enrollments, patient, today)
    conditions = _conditions(incoming.conditions, before_records.conditions, patient, today)
    allergies, replaces = _allergies(incoming.allergies, before_records.allergies)
    medications = _new(incoming.medications, before_records.medications, _medication_key(today))
    care_team = _new(incoming.care_team, before_records.care_team, lambda m: (fold(m.name), fold(m.role)))
    observations = _new(incoming.observations, before_records.observations, lambda o: (o.kind, o.observed_on, o.value))
    plans = () if before_records.care_plan_versions else _numbered(incoming.care_plans)
    if on_file is not None:  # what a preview lists beside the demographics
        changes += _record_changes(enrollments, consents, conditions, allergies, medications)
        changes += _listed(CARE_TEAM, care_team, lambda m: f"{m.name} ({m.role})")
        changes += _listed(OBSERVATIONS, observations, _observation_text)
        if plans:
            changes.append(FieldChange(CARE_PLAN, "", f"+ {_plural(len(plans), 'finalized version')}"))
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
    seen: set[str] = set()
    out = []
    for phone in (*incoming, *stored):
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


# -- records ------------------------------------------------------------------------------
def _new(incoming: Iterable[Any], stored: Iterable[Any], key: Callable[[Any], object]) -> tuple[Any, ...]:
    """The incoming records whose key no stored record (nor an earlier incoming one) has."""
    seen = {key(r) for r in stored}
    out = []
    for record in incoming:
        k = key(record)
        if k not in seen:
            seen.add(k)
            out.append(record)
    return tuple(out)


def _overlaps(a: Enrollment, b: Enrollment) -> bool:
    return (
        a.program is b.program and a.start_date <= (b.end_date or date.max) and b.start_date <= (a.end_date or date.max)
    )


def _enrollments(
    incoming: Iterable[Enrollment], stored: tuple[Enrollment, ...], patient: Patient, today: date
) -> tuple[tuple[Enrollment, ...], tuple[Enrollment, ...]]:
    """New enrollments, and stored ones whose consent or billing practitioner the file fills in."""
    new: list[Enrollment] = []
    filled: dict[int, Enrollment] = {}
    for e in incoming:
        on_file = next((s for s in stored if _overlaps(s, e)), None)
        if on_file is not None:
            before = filled.get(on_file.id or 0, on_file)
            after = before
            if before.consent_date is None and e.consent_date is not None:
                after = replace(after, consent_date=e.consent_date, consent_method=e.consent_method)
            if not before.billing_practitioner and e.billing_practitioner:
                after = replace(after, billing_practitioner=e.billing_practitioner)
            if after != before:
                _checked(after, patient, today)
                filled[on_file.id or 0] = after
            continue
        if any(_overlaps(n, e) for n in new):
            if e in new:
                continue  # the same enrollment twice in one file
            raise ValidationError(
                f"{e.program.value} start date", f"overlaps the file's other {e.program.value} enrollment"
            )
        _checked(e, patient, today)
        new.append(e)
    return tuple(new), tuple(filled.values())


def _checked(e: Enrollment, patient: Patient, today: date) -> None:
    try:
        check_enrollment(e, patient.birth_date, today, patient.died_on)
    except ValidationError as exc:
        raise ValidationError(f"{e.program.value} {exc.field}", exc.message) from None


def _conditions(
    incoming: Iterable[Condition], stored: Iterable[Condition], patient: Patient, today: date
) -> tuple[Condition, ...]:
    new = _new(incoming, stored, lambda c: icd10.normalize(c.icd10))
    for c in new:
        field = f"{c.icd10} onset date"
        if c.onset is not None:
            checks.not_after(field, c.onset, today, "today")
            if c.onset < patient.birth_date:
                raise ValidationError(field, "cannot be before the date of birth")
    return new


def _allergies(incoming: Iterable[Allergy], stored: tuple[Allergy, ...]) -> tuple[tuple[Allergy, ...], int | None]:
    """New allergies, and the id of the stored "No known allergies" entry they replace."""
    given = tuple(incoming)
    new: list[Allergy] = []
    for a in given:
        if not is_none_known(a) and not any(same_substance(a.substance, s.substance) for s in (*stored, *new)):
            new.append(a)
    if given and not stored and all(is_none_known(a) for a in given):
        new.append(given[0])  # "No known allergies", asked and recorded by the EHR
    none_known = next((s for s in stored if is_none_known(s)), None)
    replaces = none_known.id if none_known is not None and any(not is_none_known(a) for a in new) else None
    return tuple(new), replaces


def _medication_key(today: date) -> Callable[[Medication], object]:
    """A current medication is the same as a current one of that name; a stopped one is the
    same as one of that name stopped the same day."""

    def key(m: Medication) -> object:
        return (fold(m.name.strip()), None if m.active_on(today) else m.stop_date)

    return key


def _numbered(versions: Iterable[CarePlanVersion]) -> tuple[CarePlanVersion, ...]:
    ordered = sorted(versions, key=lambda v: (v.number, v.finalized_at))
    return tuple(replace(v, number=n, id=None) for n, v in enumerate(ordered, start=1))


# -- what a preview lists -----------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(label: str, records: Iterable[Any], text: Callable[[Any], str]) -> list[FieldChange]:
    items = [f"+ {text(r)}" for r in records]
    return [FieldChange(label, "", "; ".join(items))] if items else []


def _enrollment_text(e: Enrollment) -> str:
    consent = f", consent {us_date(e.consent_date)}" if e.consent_date else ""
    method = f" ({e.consent_method.value})" if e.consent_method else ""
    return f"{e.program.value} from {us_date(e.start_date)}{consent}{method}"


def _observation_text(o: Observation) -> str:
    return f"{o.kind.value} {o.value:g} {o.unit} on {us_date(o.observed_on)}"


def _record_changes(
    enrollments: tuple[Enrollment, ...],
    consents: tuple[Enrollment, ...],
    conditions: tuple[Condition, ...],
    allergies: tuple[Allergy, ...],
    medications: tuple[Medication, ...],
) -> list[FieldChange]:
    out = _listed(PROGRAMS, enrollments, _enrollment_text)
    for e in consents:
        out.append(FieldChange(f"{e.program.value} enrollment", "", f"filled in: {_enrollment_text(e)}"))
    out += _listed(CONDITIONS, conditions, lambda c: f"{c.icd10} {c.display}")
    out += _listed(ALLERGIES, allergies, lambda a: a.substance)
    out += _listed(MEDICATIONS, medications, lambda m: " ".join(x for x in (m.name, m.dose, m.frequency) if x))
    return out
