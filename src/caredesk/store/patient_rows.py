"""Patients: add, update and find them (by MRN, by birth date), the list's summaries and the
chart; callers never see rows or SQL."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import case, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Chart,
    Condition,
    Enrollment,
    Medication,
    Observation,
    Patient,
    PatientSummary,
    Program,
    RiskTier,
    Status,
)
from caredesk.errors import NotFound, ValidationError
from caredesk.store import mapping as m
from caredesk.store import models as t

# Contacts that count as "reached the patient" for the last-contact column.
_REACHED = (Outcome.REACHED.value,)


class Patients:
    def __init__(self, session: Session):
        self.s = session

    def mrn_taken(self, mrn: str, *, other_than: int | None = None) -> bool:
        """True when another patient has this MRN, compared without case and surrounding
        spaces ("ab12" and " AB12" are one MRN: a clinic never means two patients by them)."""
        query = select(t.PatientRow.id).where(func.lower(func.trim(t.PatientRow.mrn)) == mrn.strip().lower())
        if other_than is not None:
            query = query.where(t.PatientRow.id != other_than)
        return self.s.scalar(query.limit(1)) is not None

    def add(self, patient: Patient) -> Patient:
        if self.mrn_taken(patient.mrn):
            raise ValidationError("MRN", "is already used by another patient")
        row = t.PatientRow(**m.patient_values(patient))
        self.s.add(row)
        self.s.flush()
        return m.patient_from_row(row)

    def update(self, patient: Patient) -> Patient:
        row = self.s.get(t.PatientRow, patient.id)
        if row is None:
            raise NotFound("patient")
        if self.mrn_taken(patient.mrn, other_than=patient.id):
            raise ValidationError("MRN", "is already used by another patient")
        for key, value in m.patient_values(patient).items():
            setattr(row, key, value)
        try:
            self.s.flush()
        except IntegrityError:
            raise ValidationError("MRN", "is already used by another patient") from None
        return m.patient_from_row(row)

    def get(self, patient_id: int) -> Patient | None:
        row = self.s.get(t.PatientRow, patient_id)
        return None if row is None else m.patient_from_row(row)

    def by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN as stored; else the one whose MRN differs only by case."""
        row = self.s.scalar(select(t.PatientRow).where(t.PatientRow.mrn == mrn.strip()))
        if row is None:
            folded = select(t.PatientRow).where(func.lower(func.trim(t.PatientRow.mrn)) == mrn.strip().lower())
            rows = list(self.s.scalars(folded.limit(2)))
            row = rows[0] if len(rows) == 1 else None  # two old rows differing by case: ask for the exact one
        return None if row is None else m.patient_from_row(row)

    def born_on(self, day: date) -> list[Patient]:
        """Every patient with this date of birth, by id (the same-person check: domain.same_person)."""
        rows = self.s.scalars(select(t.PatientRow).where(t.PatientRow.birth_date == day).order_by(t.PatientRow.id))
        return [m.patient_from_row(row) for row in rows]

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(t.PatientRow)) or 0

    def ids(self) -> frozenset[int]:
        """Every patient's id (one index scan)."""
        return frozenset(self.s.scalars(select(t.PatientRow.id)))

    def summaries(self, today: date, ids: list[int] | None = None) -> list[PatientSummary]:
        """Every patient (or only `ids`) with the list's computed columns, in four narrow queries."""
        month = Month.of(today)

        def scoped(col: Any) -> Any:
            return col.in_(ids) if ids is not None else true()

        # The last attempt of any outcome and the last time the patient was reached, in one pass.
        reached_on = case((t.ContactRow.outcome.in_(_REACHED), t.ContactRow.on))
        last = {
            pid: (reached, attempt)
            for pid, reached, attempt in self.s.execute(
                select(t.ContactRow.patient_id, func.max(reached_on), func.max(t.ContactRow.on))
                .where(scoped(t.ContactRow.patient_id))
                .group_by(t.ContactRow.patient_id)
            )
        }
        minutes = dict(
            self.s.execute(
                select(t.TimeEntryRow.patient_id, func.sum(t.TimeEntryRow.minutes))
                .where(t.TimeEntryRow.on.between(month.first_day, month.last_day), scoped(t.TimeEntryRow.patient_id))
                .group_by(t.TimeEntryRow.patient_id)
            ).all()
        )
        programs: dict[int, list[Program]] = defaultdict(list)
        program_of, status_of, tier_of = m.members(Program), m.members(Status), m.members(RiskTier)
        for pid, program in self.s.execute(
            select(t.EnrollmentRow.patient_id, t.EnrollmentRow.program)
            .where(t.EnrollmentRow.start_date <= today, scoped(t.EnrollmentRow.patient_id))
            .where((t.EnrollmentRow.end_date.is_(None)) | (t.EnrollmentRow.end_date >= today))
            .order_by(t.EnrollmentRow.patient_id, t.EnrollmentRow.id)
        ):
            programs[pid].append(program_of[program])
        rows = self.s.execute(
            select(
                t.PatientRow.id,
                t.PatientRow.mrn,
                t.PatientRow.given_name,
                t.PatientRow.family_name,
                t.PatientRow.preferred_name,
                t.PatientRow.birth_date,
                t.PatientRow.phones_json,
                t.PatientRow.status,
                t.PatientRow.risk_tier,
                t.PatientRow.call_window,
                t.PatientRow.died_on,
            )
            .where(scoped(t.PatientRow.id))
            .order_by(t.PatientRow.family_name, t.PatientRow.given_name, t.PatientRow.id)
        )
        out = []
        for r in rows:
            out.append(
                PatientSummary(
                    id=r.id,
                    mrn=r.mrn,
                    given_name=r.given_name,
                    family_name=r.family_name,
                    preferred_name=r.preferred_name,
                    birth_date=r.birth_date,
                    phones=tuple(ph["number"] for ph in json.loads(r.phones_json or "[]")),
                    status=status_of[r.status],
                    risk_tier=tier_of[r.risk_tier],
                    programs=tuple(programs.get(r.id, ())),
                    last_reached=last.get(r.id, (None, None))[0],
                    minutes_this_month=int(minutes.get(r.id) or 0),
                    call_window=r.call_window,
                    last_attempt=last.get(r.id, (None, None))[1],
                    died_on=r.died_on,
                )
            )
        return out

    def chart(self, patient_id: int, today: date) -> Chart | None:
        patient = self.get(patient_id)
        if patient is None:
            return None
        month = Month.of(today)

        def rows(cls: Any, order: Any) -> list[Any]:
            return list(self.s.scalars(select(cls).where(cls.patient_id == patient_id).order_by(*order)))

        minutes = self.s.scalar(
            select(func.coalesce(func.sum(t.TimeEntryRow.minutes), 0))
            .where(t.TimeEntryRow.patient_id == patient_id)
            .where(t.TimeEntryRow.on.between(month.first_day, month.last_day))
        )
        return Chart(
            patient=patient,
            enrollments=tuple(m.from_row(Enrollment, r) for r in rows(t.EnrollmentRow, (t.EnrollmentRow.start_date,))),
            conditions=tuple(m.from_row(Condition, r) for r in rows(t.ConditionRow, (t.ConditionRow.icd10,))),
            allergies=tuple(m.from_row(Allergy, r) for r in rows(t.AllergyRow, (t.AllergyRow.substance,))),
            medications=tuple(m.from_row(Medication, r) for r in rows(t.MedicationRow, (t.MedicationRow.name,))),
            care_team=tuple(m.from_row(CareTeamMember, r) for r in rows(t.CareTeamRow, (t.CareTeamRow.id,))),
            observations=tuple(
                m.from_row(Observation, r)
                for r in rows(t.ObservationRow, (t.ObservationRow.observed_on.desc(), t.ObservationRow.kind))
            ),
            minutes_this_month=int(minutes or 0),
        )
