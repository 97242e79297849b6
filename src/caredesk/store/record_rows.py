"""A patient's records whose columns match their fields (conditions, medications, tasks, ...),
assessments and safety checks, and many rows in one insert; callers never see rows or SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from caredesk.domain.appointments import Appointment
from caredesk.domain.coordination import (
    Assessment,
    Task,
    Transition,
)
from caredesk.domain.medications import AdherenceCheck
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    Enrollment,
    Medication,
    Observation,
)
from caredesk.domain.safety import SafetyCheck
from caredesk.errors import NotFound
from caredesk.store import mapping as m
from caredesk.store import models as t


class Records:
    """Plain add/list for the patient's records whose columns match their fields."""

    def __init__(self, session: Session, row_cls: Any, domain_cls: Any):
        self.s, self.row_cls, self.domain_cls = session, row_cls, domain_cls

    def add(self, record: Any) -> Any:
        row = self.row_cls(**m.values_of(record))
        self.s.add(row)
        self.s.flush()
        return m.from_row(self.domain_cls, row)

    def for_patient(self, patient_id: int) -> list[Any]:
        rows = self.s.scalars(
            select(self.row_cls).where(self.row_cls.patient_id == patient_id).order_by(self.row_cls.id)
        )
        return [m.from_row(self.domain_cls, r) for r in rows]

    def get(self, record_id: int) -> Any | None:
        row = self.s.get(self.row_cls, record_id)
        return None if row is None else m.from_row(self.domain_cls, row)

    def update(self, record: Any) -> Any:
        row = self.s.get(self.row_cls, record.id)
        if row is None:
            raise NotFound("record")
        for key, value in m.values_of(record).items():
            setattr(row, key, value)
        self.s.flush()
        return m.from_row(self.domain_cls, row)

    def remove(self, record_id: int) -> Any | None:
        """Delete one record; returns it as it was (None when it is not there)."""
        row = self.s.get(self.row_cls, record_id)
        if row is None:
            return None
        gone = m.from_row(self.domain_cls, row)
        self.s.delete(row)
        self.s.flush()
        return gone


def bulk_insert(session: Session, row_cls: Any, values: list[dict[str, Any]]) -> None:
    """Many rows in one executemany; used to load a generated panel into an empty store."""
    if values:
        session.execute(insert(row_cls), values)


REPO_TABLES = {
    "enrollments": (t.EnrollmentRow, Enrollment),
    "conditions": (t.ConditionRow, Condition),
    "allergies": (t.AllergyRow, Allergy),
    "medications": (t.MedicationRow, Medication),
    "care_team": (t.CareTeamRow, CareTeamMember),
    "observations": (t.ObservationRow, Observation),
    "tasks": (t.TaskRow, Task),
    "transitions": (t.TransitionRow, Transition),
    "adherence_checks": (t.AdherenceCheckRow, AdherenceCheck),
    "observation_targets": (t.ObservationTargetRow, ObservationTarget),
    "appointments": (t.AppointmentRow, Appointment),
}


class Assessments(Records):
    def __init__(self, session: Session):
        super().__init__(session, t.AssessmentRow, Assessment)

    def add(self, record: Assessment) -> Assessment:
        row = t.AssessmentRow(**m.assessment_values(record))
        self.s.add(row)
        self.s.flush()
        return m.assessment_from_row(row)

    def for_patient(self, patient_id: int) -> list[Assessment]:
        """Oldest first (two on one day: in the order recorded)."""
        rows = self.s.scalars(
            select(t.AssessmentRow)
            .where(t.AssessmentRow.patient_id == patient_id)
            .order_by(t.AssessmentRow.taken_on, t.AssessmentRow.id)
        )
        return [m.assessment_from_row(r) for r in rows]

    def get(self, record_id: int) -> Assessment | None:
        row = self.s.get(t.AssessmentRow, record_id)
        return None if row is None else m.assessment_from_row(row)


class SafetyChecks:
    def __init__(self, session: Session):
        self.s = session

    def add(self, check: SafetyCheck) -> SafetyCheck:
        row = t.SafetyCheckRow(**m.safety_check_values(check))
        self.s.add(row)
        self.s.flush()
        return m.safety_check_from_row(row)

    def for_patient(self, patient_id: int) -> list[SafetyCheck]:
        """Oldest first."""
        rows = self.s.scalars(
            select(t.SafetyCheckRow)
            .where(t.SafetyCheckRow.patient_id == patient_id)
            .order_by(t.SafetyCheckRow.checked_at, t.SafetyCheckRow.id)
        )
        return [m.safety_check_from_row(r) for r in rows]
