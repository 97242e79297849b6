"""Repositories: read and write domain objects; callers never see rows or SQL."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import case, func, insert, select, text, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caredesk.domain import audit as audit_rules
from caredesk.domain.appointments import Appointment
from caredesk.domain.audit import AuditEvent
from caredesk.domain.calendar import Month, local_date
from caredesk.domain.call_draft import CallDraft
from caredesk.domain.careplan import CarePlanDraft, CarePlanVersion
from caredesk.domain.contacts import Contact, Outcome, TimeEntry, Voided
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
from caredesk.domain.safety import SafetyCheck
from caredesk.errors import NotFound, ValidationError
from caredesk.store import anchor
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


class Contacts(Records):
    def __init__(self, session: Session, tz: tzinfo):
        super().__init__(session, t.ContactRow, Contact)
        self.tz = tz

    def add(self, record: Contact) -> Contact:
        row = t.ContactRow(**m.values_of(record), on=local_date(record.at, self.tz))
        self.s.add(row)
        self.s.flush()
        return m.from_row(Contact, row)

    def update(self, record: Contact) -> Contact:
        row = self.s.get(t.ContactRow, record.id)
        if row is None:
            raise NotFound("contact")
        for key, value in m.values_of(record).items():
            setattr(row, key, value)
        row.on = local_date(record.at, self.tz)
        self.s.flush()
        return m.from_row(Contact, row)

    def void(self, contact_id: int, *, at: datetime, by: str, reason: str) -> Voided | None:
        """Move a contact to voided_contacts (same id), as it was; None when it is not there."""
        return _void(self.s, t.ContactRow, t.VoidedContactRow, Contact, contact_id, at=at, by=by, reason=reason)

    def voided_for_patient(self, patient_id: int) -> list[Voided]:
        return _voided(self.s, t.VoidedContactRow, Contact, patient_id)


class TimeEntries(Records):
    def __init__(self, session: Session):
        super().__init__(session, t.TimeEntryRow, TimeEntry)

    def for_contact(self, contact_id: int) -> list[TimeEntry]:
        rows = self.s.scalars(select(t.TimeEntryRow).where(t.TimeEntryRow.contact_id == contact_id))
        return [m.from_row(TimeEntry, r) for r in rows]

    def void(self, entry_id: int, *, at: datetime, by: str, reason: str) -> Voided | None:
        """Move a time entry to voided_time_entries (same id): it counts in no month any more."""
        return _void(self.s, t.TimeEntryRow, t.VoidedTimeEntryRow, TimeEntry, entry_id, at=at, by=by, reason=reason)

    def voided_for_patient(self, patient_id: int) -> list[Voided]:
        return _voided(self.s, t.VoidedTimeEntryRow, TimeEntry, patient_id)


def _void(
    s: Session, live: Any, dead: Any, cls: Any, record_id: int, *, at: datetime, by: str, reason: str
) -> Voided | None:
    row = s.get(live, record_id)
    if row is None:
        return None
    voided = Voided(record=m.from_row(cls, row), voided_at=at, voided_by=by, reason=reason)
    columns = {c.key: getattr(row, c.key) for c in live.__table__.columns}
    s.add(dead(**columns, voided_at=at, voided_by=by, reason=voided.reason))
    s.delete(row)
    s.flush()
    return voided


def _voided(s: Session, dead: Any, cls: Any, patient_id: int) -> list[Voided]:
    rows = s.scalars(select(dead).where(dead.patient_id == patient_id).order_by(dead.id))
    return [
        Voided(record=m.from_row(cls, r), voided_at=r.voided_at, voided_by=r.voided_by, reason=r.reason) for r in rows
    ]


class CallDrafts:
    def __init__(self, session: Session):
        self.s = session

    def get(self, patient_id: int) -> CallDraft | None:
        row = self.s.get(t.CallDraftRow, patient_id)
        return None if row is None else m.call_draft_from_row(row)

    def put(self, draft: CallDraft) -> None:
        self.s.merge(t.CallDraftRow(**m.call_draft_values(draft)))
        self.s.flush()

    def drop(self, patient_id: int) -> bool:
        row = self.s.get(t.CallDraftRow, patient_id)
        if row is None:
            return False
        self.s.delete(row)
        self.s.flush()
        return True

    def patient_ids(self) -> frozenset[int]:
        return frozenset(self.s.scalars(select(t.CallDraftRow.patient_id)))


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


# The triggers that make the database refuse edits and deletions of audit events.
APPEND_ONLY_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete")


def _sealed(seq: int, prev: str, at: datetime, actor: str, fields: tuple[str, str, str, str]) -> AuditEvent:
    """Event `seq` (action, entity, entity_id, detail), chained to `prev` and sealed."""
    action, entity, entity_id, detail = fields
    return audit_rules.seal(
        AuditEvent(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            prev_hash=prev,
        )
    )


class AuditLog:
    def __init__(self, session: Session):
        self.s = session

    def append(
        self, *, at: datetime, actor: str, action: str, entity: str = "", entity_id: str = "", detail: str = ""
    ) -> AuditEvent:
        seq, prev = self.head()
        event = _sealed(seq + 1, prev, at, actor, (action, entity, entity_id, detail))
        self.s.add(t.AuditRow(**m.values_of(event)))
        self.s.flush()
        self.s.info[anchor.HEAD_INFO] = (event.seq, event.hash)  # anchored once committed
        return event

    def append_many(self, *, at: datetime, actor: str, events: Sequence[tuple[str, str, str, str]]) -> None:
        """Events (action, entity, entity_id, detail) in one insert, chained one after the other
        exactly as `append` chains them (an import audits every patient it stores)."""
        seq, prev = self.head()
        rows = []
        for fields in events:
            seq += 1
            event = _sealed(seq, prev, at, actor, fields)
            prev = event.hash
            rows.append(m.values_of(event))
        if rows:
            bulk_insert(self.s, t.AuditRow, rows)
            self.s.info[anchor.HEAD_INFO] = (seq, prev)  # anchored once committed

    def head(self) -> tuple[int, str]:
        """(number, hash) of the newest event; (0, GENESIS) for an empty log."""
        last = self.s.execute(select(t.AuditRow.seq, t.AuditRow.hash).order_by(t.AuditRow.seq.desc()).limit(1)).first()
        return (last.seq, last.hash) if last else (0, audit_rules.GENESIS)

    def actions_after(self, seq: int) -> list[tuple[int, str]]:
        """(number, action) of every event after event `seq`, oldest first."""
        query = select(t.AuditRow.seq, t.AuditRow.action).where(t.AuditRow.seq > seq).order_by(t.AuditRow.seq)
        return [(row.seq, row.action) for row in self.s.execute(query)]

    def hash_of(self, seq: int) -> str | None:
        """The hash of event `seq` (GENESIS for 0), None when there is no such event."""
        if seq == 0:
            return audit_rules.GENESIS
        return self.s.scalar(select(t.AuditRow.hash).where(t.AuditRow.seq == seq))

    def missing_guards(self) -> list[str]:
        """The append-only triggers (migration 0001) that are no longer in the database."""
        present = set(self.s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        return [name for name in APPEND_ONLY_TRIGGERS if name not in present]

    def all(self) -> list[AuditEvent]:
        return [m.from_row(AuditEvent, r) for r in self.s.scalars(select(t.AuditRow).order_by(t.AuditRow.seq))]

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(t.AuditRow)) or 0


class Meta:
    def __init__(self, session: Session):
        self.s = session

    def get(self, key: str) -> str | None:
        row = self.s.get(t.StoreMeta, key)
        return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        self.s.merge(t.StoreMeta(key=key, value=value))
        self.s.flush()


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
