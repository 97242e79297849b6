"""Care plans: each patient's draft and numbered versions, the copy given, the versions due
a copy; callers never see rows or SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caredesk.domain.careplan import CarePlanDraft, CarePlanVersion
from caredesk.domain.patients import Status
from caredesk.store import mapping as m
from caredesk.store import models as t


class CarePlans:
    def __init__(self, session: Session):
        self.s = session

    def draft(self, patient_id: int) -> CarePlanDraft | None:
        row = self.s.get(t.CarePlanDraftRow, patient_id)
        return None if row is None else m.draft_from_row(row)

    def save_draft(self, draft: CarePlanDraft) -> None:
        self.s.merge(t.CarePlanDraftRow(**m.draft_values(draft)))
        self.s.flush()

    def versions(self, patient_id: int) -> list[CarePlanVersion]:
        rows = self.s.scalars(
            select(t.CarePlanVersionRow)
            .where(t.CarePlanVersionRow.patient_id == patient_id)
            .order_by(t.CarePlanVersionRow.number)
        )
        return [m.version_from_row(r) for r in rows]

    def add_version(self, version: CarePlanVersion) -> CarePlanVersion:
        row = t.CarePlanVersionRow(**m.version_values(version))
        self.s.add(row)
        self.s.flush()
        return m.version_from_row(row)

    # Versions are immutable: besides add_version, the only write is the copy-given record.
    def version(self, patient_id: int, number: int) -> CarePlanVersion | None:
        row = self.s.scalar(
            select(t.CarePlanVersionRow).where(
                t.CarePlanVersionRow.patient_id == patient_id, t.CarePlanVersionRow.number == number
            )
        )
        return None if row is None else m.version_from_row(row)

    def latest(self, patient_id: int) -> CarePlanVersion | None:
        row = self.s.scalar(
            select(t.CarePlanVersionRow)
            .where(t.CarePlanVersionRow.patient_id == patient_id)
            .order_by(t.CarePlanVersionRow.number.desc())
            .limit(1)
        )
        return None if row is None else m.version_from_row(row)

    def set_copy_given(self, version_id: int, on: date, method: str) -> CarePlanVersion | None:
        """Record the copy given, once: None when the version is missing or already has one."""
        row = self.s.get(t.CarePlanVersionRow, version_id)
        if row is None or row.given_on is not None:
            return None
        row.given_on, row.given_method = on, method
        self.s.flush()
        return m.version_from_row(row)

    def due(self) -> list[CarePlanVersion]:
        """Each active or paused patient's latest version whose copy is not yet given, by name."""
        latest = (
            select(t.CarePlanVersionRow.patient_id, func.max(t.CarePlanVersionRow.number).label("n"))
            .group_by(t.CarePlanVersionRow.patient_id)
            .subquery()
        )
        rows = self.s.scalars(
            select(t.CarePlanVersionRow)
            .join(
                latest,
                (t.CarePlanVersionRow.patient_id == latest.c.patient_id) & (t.CarePlanVersionRow.number == latest.c.n),
            )
            .join(t.PatientRow, t.PatientRow.id == t.CarePlanVersionRow.patient_id)
            .where(
                t.CarePlanVersionRow.given_on.is_(None),
                t.PatientRow.status.in_((Status.ACTIVE.value, Status.PAUSED.value)),
            )
            .order_by(t.PatientRow.family_name, t.PatientRow.given_name, t.PatientRow.id)
        )
        return [m.version_from_row(r) for r in rows]
