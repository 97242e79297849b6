"""What the month's billing needs per enrolled patient, read in four narrow queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program, Status
from caredesk.store import mapping as m
from caredesk.store import models as t


@dataclass(frozen=True, slots=True)
class BillingFacts:
    patient_id: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: object
    status: Status
    enrollments: tuple[Enrollment, ...]
    chronic_conditions: int
    minutes: dict[tuple[Program, StaffType], int] = field(default_factory=dict)


def load(session: Session, month: Month, patient_ids: Collection[int] | None = None) -> list[BillingFacts]:
    """Every patient with an enrollment active on some day of the month, by family name
    (only those of `patient_ids` when given: the rows to recompute after a change)."""
    overlapping = (t.EnrollmentRow.start_date <= month.last_day) & or_(
        t.EnrollmentRow.end_date.is_(None), t.EnrollmentRow.end_date >= month.first_day
    )
    if patient_ids is not None:
        overlapping = overlapping & t.EnrollmentRow.patient_id.in_(list(patient_ids))
    enrollments: dict[int, list[Enrollment]] = defaultdict(list)
    for row in session.scalars(select(t.EnrollmentRow).where(overlapping).order_by(t.EnrollmentRow.id)):
        enrollments[row.patient_id].append(m.from_row(Enrollment, row))
    if not enrollments:
        return []
    ids = list(enrollments)
    chronic = dict(
        session.execute(
            select(t.ConditionRow.patient_id, func.count())
            .where(t.ConditionRow.chronic.is_(True), t.ConditionRow.patient_id.in_(ids))
            .group_by(t.ConditionRow.patient_id)
        ).all()
    )
    minutes: dict[int, dict[tuple[Program, StaffType], int]] = defaultdict(dict)
    for pid, program, staff, total in session.execute(
        select(
            t.TimeEntryRow.patient_id,
            t.TimeEntryRow.program,
            t.TimeEntryRow.staff_type,
            func.sum(t.TimeEntryRow.minutes),
        )
        .where(t.TimeEntryRow.on.between(month.first_day, month.last_day))
        .group_by(t.TimeEntryRow.patient_id, t.TimeEntryRow.program, t.TimeEntryRow.staff_type)
    ):
        minutes[pid][(Program(program), StaffType(staff))] = int(total)
    patients = session.execute(
        select(
            t.PatientRow.id,
            t.PatientRow.mrn,
            t.PatientRow.given_name,
            t.PatientRow.family_name,
            t.PatientRow.birth_date,
            t.PatientRow.status,
        )
        .where(t.PatientRow.id.in_(ids))
        .order_by(t.PatientRow.family_name, t.PatientRow.given_name, t.PatientRow.id)
    )
    return [
        BillingFacts(
            patient_id=p.id,
            mrn=p.mrn,
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            status=Status(p.status),
            enrollments=tuple(enrollments[p.id]),
            chronic_conditions=int(chronic.get(p.id, 0)),
            minutes=minutes.get(p.id, {}),
        )
        for p in patients
    ]
