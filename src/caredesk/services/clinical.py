"""The clinical record: conditions, allergies and care team, and the whole record as the tab reads it.

Every write is one unit of work (a refusal stores nothing), is audited by record id (never a
code, drug, substance or name: those are patient content) and returns
`Saved(value, Changes.of([patient_id], Kind.CLINICAL))`. Chronic conditions feed the month's
billing (CCM 99490 needs two or more, CMS MLN909188) and with it the queue's chase for minutes,
so a condition added here re-ranks the queue and recomputes the month's row at once.

Conditions are checked against the ICD-10-CM code set (caredesk.domain.icd10): dotted or
dotless input, the official description filled in, unknown codes refused with the nearest.
Medications are written by caredesk.services.medications.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from caredesk.domain import audit as actions
from caredesk.domain import checks, icd10
from caredesk.domain.allergies import NO_KNOWN_ALLERGIES, is_none_known, same_substance, says_none_known
from caredesk.domain.patients import Allergy, CareTeamMember, Condition, Medication, Patient
from caredesk.domain.phone_entry import entered_or_kept
from caredesk.domain.text import fold
from caredesk.errors import NotFound, ValidationError
from caredesk.services import missing
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.medications import is_current
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


class _Record(Protocol):
    @property
    def id(self) -> int | None: ...

    @property
    def patient_id(self) -> int: ...


R = TypeVar("R", bound=_Record)


@dataclass(frozen=True, slots=True)
class ClinicalRecord:
    """One patient's clinical lists as the Clinical tab and `caredesk ... list` show them.

    `medications`: current ones by name, then stopped ones, most recently stopped first.
    """

    patient_id: int
    as_of: date
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    care_team: tuple[CareTeamMember, ...] = ()
    medications: tuple[Medication, ...] = ()

    @property
    def current_medications(self) -> tuple[Medication, ...]:
        return tuple(m for m in self.medications if is_current(m, self.as_of))

    @property
    def stopped_medications(self) -> tuple[Medication, ...]:
        return tuple(m for m in self.medications if not is_current(m, self.as_of))

    @property
    def no_known_allergies(self) -> bool:
        """The patient said they have none (not the same as an empty list: nobody asked)."""
        return any(is_none_known(a) for a in self.allergies)

    @property
    def chronic_count(self) -> int:
        return sum(c.chronic for c in self.conditions)


def record(ws: Workspace, patient_id: int) -> ClinicalRecord:
    """The patient's conditions (by code), allergies, care team and medications. Raises NotFound."""
    today = ws.today()
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        meds = uow.medications.for_patient(patient_id)
        current = sorted((m for m in meds if is_current(m, today)), key=lambda m: (fold(m.name), m.id))
        stopped = sorted((m for m in meds if not is_current(m, today)), key=lambda m: (m.stop_date, m.id))
        return ClinicalRecord(
            patient_id=patient_id,
            as_of=today,
            conditions=tuple(sorted(uow.conditions.for_patient(patient_id), key=lambda c: c.icd10)),
            allergies=tuple(uow.allergies.for_patient(patient_id)),
            care_team=tuple(uow.care_team.for_patient(patient_id)),
            medications=tuple(current + stopped[::-1]),
        )


# -- conditions ---------------------------------------------------------------------
def add_condition(
    ws: Workspace, patient_id: int, code: str, *, chronic: bool = True, onset: date | None = None
) -> Saved[Condition]:
    """Add a condition by its ICD-10-CM code ('E119' or 'E11.9'); the official description is filled in.

    Refusals (ValidationError): "ICD-10 code" unknown or not billable (with the nearest codes), or
    already on the patient's list; "onset date" after today or before the date of birth.
    """
    found = icd10.lookup(code)
    with ws.uow() as uow:
        patient = missing.patient(uow, patient_id)
        _check_onset(onset, patient, ws.today())
        if any(icd10.normalize(c.icd10) == found.code for c in uow.conditions.for_patient(patient_id)):
            raise ValidationError("ICD-10 code", f"{found.code} is already on this patient's list")
        saved = uow.conditions.add(
            Condition(patient_id=patient_id, icd10=found.code, display=found.description, chronic=chronic, onset=onset)
        )
        uow.audit(actions.RECORD_CREATED, "condition", saved.id)
        uow.commit()
    return Saved(saved, _changes(patient_id))


def change_condition(ws: Workspace, condition_id: int, *, chronic: bool, onset: date | None) -> Saved[Condition]:
    """Correct whether a condition is chronic and when it began. Nothing changed: nothing saved (empty changes)."""
    with ws.uow() as uow:
        old: Condition = missing.record(uow.conditions, condition_id, "condition")
        _check_onset(onset, missing.patient(uow, old.patient_id), ws.today())
        new = replace(old, chronic=chronic, onset=onset)
        return _update(uow, "condition", old, new, ("chronic", "onset"))


def remove_condition(ws: Workspace, condition_id: int) -> Saved[Condition]:
    """Remove a condition entered by mistake (audited as record.removed); `value` is the removed record."""
    return _remove(ws, "condition", condition_id)


def find_condition(ws: Workspace, patient_id: int, code: str) -> Condition:
    """The patient's condition with this code (dotted or not). Raises NotFound."""
    wanted = icd10.normalize(code)
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        found: list[Condition] = [
            c for c in uow.conditions.for_patient(patient_id) if icd10.normalize(c.icd10) == wanted
        ]
    if not found:
        raise NotFound("condition", "That patient has no condition with this code.")
    return found[0]


def _check_onset(onset: date | None, patient: Patient, today: date) -> None:
    if onset is None:
        return
    checks.a_date("onset date", onset)
    checks.not_after("onset date", onset, today, "today")
    if onset < patient.birth_date:
        raise ValidationError("onset date", "cannot be before the date of birth")


# -- allergies ----------------------------------------------------------------------
def add_allergy(ws: Workspace, patient_id: int, *, substance: str, reaction: str = "") -> Saved[Allergy]:
    """Add an allergy; a "No known allergies" entry on file is replaced by it (in the same transaction).

    Typing "No known allergies" or "NKA" records that fact (see record_no_known_allergies).
    Refusals: "allergy substance" empty, too long, 'NKDA'/'none', or already listed; "reaction" too long.
    """
    if says_none_known(substance):
        if reaction.strip():
            raise ValidationError("reaction", f'is not recorded with "{NO_KNOWN_ALLERGIES}"')
        return record_no_known_allergies(ws, patient_id)
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        allergy = Allergy(patient_id=patient_id, substance=substance, reaction=reaction)
        existing = uow.allergies.for_patient(patient_id)
        if any(same_substance(a.substance, allergy.substance) for a in existing):
            raise ValidationError("allergy substance", "is already on this patient's list")
        for none_known in (a for a in existing if is_none_known(a)):
            uow.allergies.remove(none_known.id)
            uow.audit(actions.RECORD_REMOVED, "allergy", none_known.id, "no known allergies, replaced by an allergy")
        saved = uow.allergies.add(allergy)
        uow.audit(actions.RECORD_CREATED, "allergy", saved.id)
        uow.commit()
    return Saved(saved, _changes(patient_id))


def record_no_known_allergies(ws: Workspace, patient_id: int) -> Saved[Allergy]:
    """Record that the patient has no known allergies (asked, and none), distinct from an empty list.

    Refused ("allergies") while allergies are listed: remove them first. Already recorded: the
    existing entry, nothing saved.
    """
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        existing = uow.allergies.for_patient(patient_id)
        if any(not is_none_known(a) for a in existing):
            raise ValidationError("allergies", "are listed for this patient; remove them before recording none known")
        if existing:
            return Saved(existing[0], Changes())
        saved = uow.allergies.add(Allergy(patient_id=patient_id, substance=NO_KNOWN_ALLERGIES))
        uow.audit(actions.RECORD_CREATED, "allergy", saved.id, "no known allergies")
        uow.commit()
    return Saved(saved, _changes(patient_id))


def change_allergy(ws: Workspace, allergy_id: int, *, substance: str, reaction: str) -> Saved[Allergy]:
    """Correct an allergy's substance or reaction (the "No known allergies" entry is removed, not edited)."""
    with ws.uow() as uow:
        old: Allergy = missing.record(uow.allergies, allergy_id, "allergy")
        if is_none_known(old):
            raise ValidationError("allergy substance", f'"{NO_KNOWN_ALLERGIES}" is removed, not edited')
        if says_none_known(substance):
            raise ValidationError("allergy substance", f'remove this allergy to record "{NO_KNOWN_ALLERGIES}"')
        new = replace(old, substance=substance, reaction=reaction)
        others = [a for a in uow.allergies.for_patient(old.patient_id) if a.id != old.id]
        if any(same_substance(a.substance, new.substance) for a in others):
            raise ValidationError("allergy substance", "is already on this patient's list")
        return _update(uow, "allergy", old, new, ("substance", "reaction"))


def remove_allergy(ws: Workspace, allergy_id: int) -> Saved[Allergy]:
    """Remove an allergy (or the "No known allergies" entry); audited as record.removed."""
    return _remove(ws, "allergy", allergy_id)


def find_allergy(ws: Workspace, patient_id: int, substance: str) -> Allergy:
    """The patient's allergy to this substance (case and accents ignored). Raises NotFound."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        allergies: list[Allergy] = uow.allergies.for_patient(patient_id)
    none_known = says_none_known(substance)
    for a in allergies:
        if (none_known and is_none_known(a)) or same_substance(a.substance, substance):
            return a
    raise NotFound("allergy", "That patient has no allergy to this substance on file.")


# -- care team ----------------------------------------------------------------------
def add_member(
    ws: Workspace, patient_id: int, *, role: str, name: str, phone: str = "", organization: str = ""
) -> Saved[CareTeamMember]:
    """Add a care-team member. Refusals name "care-team role", "care-team name", "care-team phone"
    (a whole number, as a patient's: domain.phone_entry), "organization"; the same person in the
    same role twice."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        member = CareTeamMember(patient_id=patient_id, name=name, role=role, phone=phone, organization=organization)
        entered_or_kept("care-team phone", member.phone)  # after the member's own checks, in the form's order
        _no_duplicate_member(uow.care_team.for_patient(patient_id), member)
        saved = uow.care_team.add(member)
        uow.audit(actions.RECORD_CREATED, "care-team member", saved.id)
        uow.commit()
    return Saved(saved, _changes(patient_id))


def change_member(
    ws: Workspace, member_id: int, *, role: str, name: str, phone: str, organization: str
) -> Saved[CareTeamMember]:
    """Correct a care-team member's role, name, phone or organization (same refusals as add_member)."""
    with ws.uow() as uow:
        old: CareTeamMember = missing.record(uow.care_team, member_id, "care-team member")
        new = replace(old, role=role, name=name, phone=phone, organization=organization)
        entered_or_kept("care-team phone", new.phone, old.phone)  # a number on file is kept as it is
        _no_duplicate_member([m for m in uow.care_team.for_patient(old.patient_id) if m.id != old.id], new)
        return _update(uow, "care-team member", old, new, ("role", "name", "phone", "organization"))


def remove_member(ws: Workspace, member_id: int) -> Saved[CareTeamMember]:
    """Take a member off the care team; audited as record.removed."""
    return _remove(ws, "care-team member", member_id)


def find_member(ws: Workspace, patient_id: int, name: str) -> CareTeamMember:
    """The care-team member with this name (case and accents ignored). Raises NotFound."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        team: list[CareTeamMember] = uow.care_team.for_patient(patient_id)
    found = [m for m in team if fold(m.name) == fold(name.strip())]
    if not found:
        raise NotFound("care-team member", "That patient has nobody by this name on the care team.")
    return found[0]


def _no_duplicate_member(team: Iterable[CareTeamMember], member: CareTeamMember) -> None:
    if any(fold(m.name) == fold(member.name) and fold(m.role) == fold(member.role) for m in team):
        raise ValidationError("care-team name", "is already on the care team in that role")


# -- shared -------------------------------------------------------------------------
def _changes(patient_id: int) -> Changes:
    return Changes.of([patient_id], Kind.CLINICAL)


def _update(uow: UnitOfWork, what: str, old: R, new: R, fields: tuple[str, ...]) -> Saved[R]:
    """Save `new` over `old` and audit the names of the fields that changed; nothing changed: nothing saved."""
    changed = [f for f in fields if getattr(old, f) != getattr(new, f)]
    if not changed:
        return Saved(old, Changes())
    saved = _repo(uow, what).update(new)
    uow.audit(actions.RECORD_CHANGED, what, old.id, "; ".join(changed))
    uow.commit()
    return Saved(saved, _changes(old.patient_id))


_REPOS = {"condition": "conditions", "allergy": "allergies", "care-team member": "care_team"}


def _repo(uow: UnitOfWork, what: str) -> Any:
    return getattr(uow, _REPOS[what])


def _remove(ws: Workspace, what: str, record_id: int) -> Saved[Any]:
    with ws.uow() as uow:
        gone = _repo(uow, what).remove(record_id)
        if gone is None:
            raise NotFound(what)
        uow.audit(actions.RECORD_REMOVED, what, record_id)
        uow.commit()
    return Saved(gone, _changes(gone.patient_id))
