"""Repositories of the community-resource directory and the referrals with their steps."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caredesk.domain.community import CommunityResource, Need
from caredesk.domain.referrals import Referral, ReferralStatus, ReferralStep
from caredesk.errors import NotFound
from caredesk.store import models as t


def resource_values(r: CommunityResource) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": r.name,
        "needs_json": json.dumps([n.value for n in r.needs]),
        "phone": r.phone,
        "address": r.address,
        "hours": r.hours,
        "eligibility": r.eligibility,
        "notes": r.notes,
        "active": r.active,
    }
    if r.id is not None:
        out["id"] = r.id
    return out


def resource_from_row(row: Any) -> CommunityResource:
    return CommunityResource(
        id=row.id,
        name=row.name,
        needs=tuple(Need(v) for v in json.loads(row.needs_json)),
        phone=row.phone,
        address=row.address,
        hours=row.hours,
        eligibility=row.eligibility,
        notes=row.notes,
        active=bool(row.active),
    )


def referral_values(r: Referral) -> dict[str, Any]:
    """The referral row: the steps' summary (status, opened and closed dates) with its links."""
    out: dict[str, Any] = {
        "patient_id": r.patient_id,
        "resource_id": r.resource_id,
        "need": r.need.value,
        "assessment_id": r.assessment_id,
        "status": r.status.value,
        "opened_on": r.opened_on,
        "closed_on": r.closed_on,
    }
    if r.id is not None:
        out["id"] = r.id
    return out


def step_values(referral_id: int, step: ReferralStep) -> dict[str, Any]:
    return {"referral_id": referral_id, "status": step.status.value, "on": step.on, "note": step.note}


class Resources:
    def __init__(self, session: Session):
        self.s = session

    def add(self, resource: CommunityResource) -> CommunityResource:
        row = t.CommunityResourceRow(**resource_values(resource))
        self.s.add(row)
        self.s.flush()
        return resource_from_row(row)

    def add_many(self, resources: Iterable[CommunityResource]) -> list[CommunityResource]:
        rows = [t.CommunityResourceRow(**resource_values(r)) for r in resources]
        self.s.add_all(rows)
        self.s.flush()
        return [resource_from_row(row) for row in rows]

    def update(self, resource: CommunityResource) -> CommunityResource:
        row = self.s.get(t.CommunityResourceRow, resource.id)
        if row is None:
            raise NotFound("community resource")
        for key, value in resource_values(resource).items():
            setattr(row, key, value)
        self.s.flush()
        return resource_from_row(row)

    def get(self, resource_id: int) -> CommunityResource | None:
        row = self.s.get(t.CommunityResourceRow, resource_id)
        return None if row is None else resource_from_row(row)

    def all(self) -> list[CommunityResource]:
        """Every resource, active or not, in the order entered."""
        rows = self.s.scalars(select(t.CommunityResourceRow).order_by(t.CommunityResourceRow.id))
        return [resource_from_row(r) for r in rows]

    def referred_patients(self, resource_id: int) -> frozenset[int]:
        """Patients with a referral to this resource (the queue names the resource)."""
        return frozenset(
            self.s.scalars(select(t.ReferralRow.patient_id).where(t.ReferralRow.resource_id == resource_id))
        )


class Referrals:
    def __init__(self, session: Session):
        self.s = session

    def add(self, referral: Referral) -> Referral:
        row = t.ReferralRow(**referral_values(referral))
        self.s.add(row)
        self.s.flush()
        self.s.add_all(t.ReferralStepRow(**step_values(row.id, step)) for step in referral.steps)
        self.s.flush()
        return self._read(row)

    def update(self, referral: Referral) -> Referral:
        """Store the referral's new steps (those without an id) and its summary; steps already
        stored are never changed."""
        row = self.s.get(t.ReferralRow, referral.id)
        if row is None:
            raise NotFound("referral")
        for key, value in referral_values(referral).items():
            setattr(row, key, value)
        self.s.add_all(t.ReferralStepRow(**step_values(row.id, s)) for s in referral.steps if s.id is None)
        self.s.flush()
        return self._read(row)

    def get(self, referral_id: int) -> Referral | None:
        row = self.s.get(t.ReferralRow, referral_id)
        return None if row is None else self._read(row)

    def for_patient(self, patient_id: int) -> list[Referral]:
        """Oldest first."""
        rows = list(
            self.s.scalars(
                select(t.ReferralRow)
                .where(t.ReferralRow.patient_id == patient_id)
                .order_by(t.ReferralRow.opened_on, t.ReferralRow.id)
            )
        )
        steps = self._steps([r.id for r in rows])
        return [_referral(r, steps[r.id]) for r in rows]

    def for_patients(self, patient_ids: Collection[int]) -> dict[int, list[Referral]]:
        """{patient: [referral]} with their steps, each patient's as for_patient gives them
        (oldest first), in two queries however many patients (the caller keeps `patient_ids`
        to a few hundred: SQLite's limit on bound parameters)."""
        rows = list(
            self.s.scalars(
                select(t.ReferralRow)
                .where(t.ReferralRow.patient_id.in_(list(patient_ids)))
                .order_by(t.ReferralRow.opened_on, t.ReferralRow.id)
            )
        )
        steps: dict[int, list[ReferralStep]] = defaultdict(list)
        ids = [r.id for r in rows]
        for at in range(0, len(ids), 500):
            steps.update(self._steps(ids[at : at + 500]))
        out: dict[int, list[Referral]] = defaultdict(list)
        for r in rows:
            out[r.patient_id].append(_referral(r, steps[r.id]))
        return out

    def _read(self, row: t.ReferralRow) -> Referral:
        return _referral(row, self._steps([row.id])[row.id])

    def _steps(self, ids: list[int]) -> dict[int, list[ReferralStep]]:
        out: dict[int, list[ReferralStep]] = defaultdict(list)
        rows = self.s.scalars(
            select(t.ReferralStepRow)
            .where(t.ReferralStepRow.referral_id.in_(ids))
            .order_by(t.ReferralStepRow.on, t.ReferralStepRow.id)
        )
        for r in rows:
            out[r.referral_id].append(ReferralStep(id=r.id, status=ReferralStatus(r.status), on=r.on, note=r.note))
        return out


def _referral(row: Any, steps: list[ReferralStep]) -> Referral:
    return Referral(
        id=row.id,
        patient_id=row.patient_id,
        resource_id=row.resource_id,
        need=Need(row.need),
        assessment_id=row.assessment_id,
        steps=tuple(steps),
    )
