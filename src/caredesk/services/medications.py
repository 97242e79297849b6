"""Medications and their adherence checks: add, change dose, stop, ask how they are taken.

Every write is one unit of work (a refusal stores nothing), audited by record id (never a drug
name: that is patient content), and returns `Saved(value, Changes.of([patient_id],
Kind.CLINICAL))`. A medication keeps its history: a dose change stops the old record on that day
("dose changed") and starts a new one, so the list shows what the patient took when, and the
adherence history follows the medication through its doses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.calendar import us_date
from caredesk.domain.medications import AdherenceAnswer, AdherenceCheck
from caredesk.domain.patients import Medication
from caredesk.domain.text import fold
from caredesk.errors import NotFound, ValidationError
from caredesk.services import missing
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

DOSE_CHANGED = "dose changed"  # the stop reason of a record replaced by a new dose


def is_current(m: Medication, day: date) -> bool:
    """Not stopped by `day` (stop dates are never in the future; one entered elsewhere still counts as current)."""
    return m.stop_date is None or m.stop_date > day


def add_medication(
    ws: Workspace,
    patient_id: int,
    *,
    name: str,
    dose: str = "",
    frequency: str = "",
    prescriber: str = "",
    start_date: date | None = None,
) -> Saved[Medication]:
    """Add a current medication (`start_date` None: not known).

    Refusals: "medication" empty or already current (change its dose instead); "dose",
    "frequency", "prescriber" too long; "start date" after today or before the date of birth.
    """
    today = ws.today()
    with ws.uow() as uow:
        patient = missing.patient(uow, patient_id)
        med = Medication(
            patient_id=patient_id,
            name=name,
            dose=dose,
            frequency=frequency,
            prescriber=prescriber,
            start_date=start_date,
        )
        if start_date is not None:
            checks.not_after("start date", start_date, today, "today")
            if start_date < patient.birth_date:
                raise ValidationError("start date", "cannot be before the date of birth")
        if any(fold(m.name) == fold(med.name) for m in uow.medications.for_patient(patient_id) if is_current(m, today)):
            raise ValidationError("medication", "is already on the current list; change its dose instead")
        saved = uow.medications.add(med)
        uow.audit(actions.RECORD_CREATED, "medication", saved.id)
        uow.commit()
    return Saved(saved, _changes(patient_id))


def change_dose(
    ws: Workspace, medication_id: int, *, dose: str, frequency: str | None = None, on: date | None = None
) -> Saved[Medication]:
    """A new dose (and/or frequency; None keeps it) from `on` (default today): the current record is
    stopped that day with the reason "dose changed" and a new one starts, with the same name,
    prescriber and adherence summary. `value` is the new record.

    Refusals: "dose" the same as now (with the same frequency); "medication" already stopped;
    "date of change" after today or before the medication started.
    """
    today = ws.today()
    day = on or today
    with ws.uow() as uow:
        old: Medication = missing.record(uow.medications, medication_id, "medication")
        _still_current(old, today)
        checks.a_date("date of change", day)
        checks.not_after("date of change", day, today, "today")
        if old.start_date is not None and day < old.start_date:
            raise ValidationError(
                "date of change", f"cannot be before the medication started ({us_date(old.start_date)})"
            )
        new = Medication(
            patient_id=old.patient_id,
            name=old.name,
            dose=dose,
            frequency=old.frequency if frequency is None else frequency,
            prescriber=old.prescriber,
            start_date=day,
            adherence=old.adherence,
        )
        if (new.dose, new.frequency) == (old.dose, old.frequency):
            raise ValidationError("dose", "is the same as now; nothing to change")
        uow.medications.update(replace(old, stop_date=day, stop_reason=DOSE_CHANGED))
        uow.audit(actions.RECORD_CHANGED, "medication", old.id, f"stop date; stop reason ({DOSE_CHANGED})")
        saved = uow.medications.add(new)
        uow.audit(actions.RECORD_CREATED, "medication", saved.id, f"dose change of medication {old.id}")
        uow.commit()
    return Saved(saved, _changes(old.patient_id))


def stop_medication(ws: Workspace, medication_id: int, *, reason: str, on: date | None = None) -> Saved[Medication]:
    """Stop a current medication on `on` (default today) for `reason` (required).

    Refusals: "stop reason" empty or too long; "medication" already stopped; "stop date" after
    today or before the medication started.
    """
    today = ws.today()
    day = on or today
    with ws.uow() as uow:
        old: Medication = missing.record(uow.medications, medication_id, "medication")
        _still_current(old, today)
        why = checks.required_text("stop reason", reason, max_len=200)
        checks.a_date("stop date", day)
        checks.not_after("stop date", day, today, "today")
        if old.start_date is not None and day < old.start_date:
            raise ValidationError("stop date", f"cannot be before the medication started ({us_date(old.start_date)})")
        saved = uow.medications.update(replace(old, stop_date=day, stop_reason=why))
        uow.audit(actions.RECORD_CHANGED, "medication", old.id, "stop date; stop reason")
        uow.commit()
    return Saved(saved, _changes(old.patient_id))


def check_adherence(
    ws: Workspace, medication_id: int, *, answer: AdherenceAnswer | str, on: date | None = None, note: str = ""
) -> Saved[AdherenceCheck]:
    """Record what the patient said about a current medication on `on` (default today).

    The medication's summary adherence follows the newest check of its history (a back-dated
    check older than the newest leaves the summary alone). Refusals: "adherence answer" not one
    of the four; "note" too long; "medication" stopped; "date checked" after today or before
    the medication started.
    """
    today = ws.today()
    day = on or today
    with ws.uow() as uow:
        med: Medication = missing.record(uow.medications, medication_id, "medication")
        _still_current(med, today)
        assert med.id is not None
        said = checks.one_of("adherence answer", answer, AdherenceAnswer)
        check = AdherenceCheck(patient_id=med.patient_id, medication_id=med.id, checked_on=day, answer=said, note=note)
        checks.not_after("date checked", day, today, "today")
        if med.start_date is not None and day < med.start_date:
            raise ValidationError(
                "date checked", f"cannot be before the medication started ({us_date(med.start_date)})"
            )
        saved = uow.adherence_checks.add(check)
        uow.audit(actions.RECORD_CREATED, "adherence check", saved.id, f"medication {med.id}")
        newest = _history(uow, med)[0]
        if newest.answer.adherence is not med.adherence:
            uow.medications.update(replace(med, adherence=newest.answer.adherence))
            uow.audit(actions.RECORD_CHANGED, "medication", med.id, "adherence")
        uow.commit()
    return Saved(saved, _changes(med.patient_id))


def adherence_history(ws: Workspace, medication_id: int) -> list[AdherenceCheck]:
    """Every adherence check of this medication, newest first, through its earlier doses
    (the records it replaced by a dose change). Raises NotFound."""
    with ws.uow() as uow:
        med: Medication = missing.record(uow.medications, medication_id, "medication")
        return _history(uow, med)


def find_medication(ws: Workspace, patient_id: int, name: str) -> Medication:
    """The patient's current medication with this name (case and accents ignored). Raises NotFound."""
    today = ws.today()
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        meds: list[Medication] = uow.medications.for_patient(patient_id)
    found = [m for m in meds if is_current(m, today) and fold(m.name) == fold(name.strip())]
    if not found:
        raise NotFound("medication", "That patient has no current medication by this name.")
    return found[0]


def _still_current(med: Medication, today: date) -> None:
    if not is_current(med, today):
        assert med.stop_date is not None
        raise ValidationError("medication", f"was stopped on {us_date(med.stop_date)}")


def _history(uow: UnitOfWork, med: Medication) -> list[AdherenceCheck]:
    """Checks of `med` and of the records it replaced by dose changes, newest first."""
    meds = uow.medications.for_patient(med.patient_id)
    chain = {med.id}
    current = med
    while True:
        before = [
            m
            for m in meds
            if m.id not in chain
            and m.stop_reason == DOSE_CHANGED
            and m.stop_date is not None
            and m.stop_date == current.start_date
            and fold(m.name) == fold(current.name)
        ]
        if not before:
            break
        current = max(before, key=lambda m: m.id)
        chain.add(current.id)
    found = [c for c in uow.adherence_checks.for_patient(med.patient_id) if c.medication_id in chain]
    return sorted(found, key=lambda c: (c.checked_on, c.id), reverse=True)


def _changes(patient_id: int) -> Changes:
    return Changes.of([patient_id], Kind.CLINICAL)
