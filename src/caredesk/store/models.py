"""ORM tables. Rows never leave store/: repositories turn them into domain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC ISO text; naive values are refused."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: times are stored aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _patient_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class StoreMeta(Base):
    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PatientRow(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Declared 32 as migration 0001 made it; domain.patients allows 64 (FHIR identifiers such
    # as a 36-character uuid typed MR). SQLite does not enforce a VARCHAR length, so longer
    # MRNs are stored whole; changing the declaration would need a rebuild of the table every
    # other one references (tests/store/test_migrations compares the two) for no change.
    mrn: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(80))
    family_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(40), default="")
    phones_json: Mapped[str] = mapped_column(Text, default="[]")
    address: Mapped[str] = mapped_column(Text, default="")
    call_window: Mapped[str] = mapped_column(String(80), default="")
    pcp: Mapped[str] = mapped_column(String(120), default="")
    payer: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    risk_tier: Mapped[str] = mapped_column(String(8))
    died_on: Mapped[date | None] = mapped_column(Date)


class EnrollmentRow(Base):
    __tablename__ = "enrollments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    program: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_method: Mapped[str | None] = mapped_column(String(16))
    billing_practitioner: Mapped[str] = mapped_column(String(120), default="")
    qmb: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class ConditionRow(Base):
    __tablename__ = "conditions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    icd10: Mapped[str] = mapped_column(String(8))
    display: Mapped[str] = mapped_column(String(200))
    chronic: Mapped[bool] = mapped_column(Boolean, default=True)
    onset: Mapped[date | None] = mapped_column(Date)


class AllergyRow(Base):
    __tablename__ = "allergies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    substance: Mapped[str] = mapped_column(String(200))
    reaction: Mapped[str] = mapped_column(String(200), default="")


class MedicationRow(Base):
    __tablename__ = "medications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    name: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str] = mapped_column(String(80), default="")
    frequency: Mapped[str] = mapped_column(String(80), default="")
    prescriber: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    stop_date: Mapped[date | None] = mapped_column(Date)
    adherence: Mapped[str] = mapped_column(String(16))
    stop_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class CareTeamRow(Base):
    __tablename__ = "care_team_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(80))
    organization: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class ObservationRow(Base):
    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_patient_kind_on", "patient_id", "kind", "observed_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    observed_on: Mapped[date] = mapped_column(Date)


class ContactRow(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_patient_at", "patient_id", "at"),
        # Covers "last reached contact per patient" for the patient list and the queue.
        Index("ix_contacts_patient_outcome_on", "patient_id", "outcome", "on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    on: Mapped[date] = mapped_column(Date)  # the clinic's local date of `at`
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[date | None] = mapped_column(Date)


class TimeEntryRow(Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        Index("ix_time_entries_patient_on", "patient_id", "on"),
        # Covers "minutes per patient this month".
        Index("ix_time_entries_on_patient_minutes", "on", "patient_id", "minutes"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    staff_type: Mapped[str] = mapped_column(String(16))
    program: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_patient_status_due", "patient_id", "status", "due"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TransitionRow(Base):
    __tablename__ = "transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    facility: Mapped[str] = mapped_column(String(200))
    admitted_on: Mapped[date | None] = mapped_column(Date)
    discharged_on: Mapped[date] = mapped_column(Date, index=True)
    complexity: Mapped[str] = mapped_column(String(16))
    contacted_on: Mapped[date | None] = mapped_column(Date)
    seen_on: Mapped[date | None] = mapped_column(Date)
    meds_reconciled_on: Mapped[date | None] = mapped_column(Date)
    contact_channel: Mapped[str | None] = mapped_column(String(16))


class AdherenceCheckRow(Base):
    __tablename__ = "adherence_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    medication_id: Mapped[int] = mapped_column(ForeignKey("medications.id", ondelete="CASCADE"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")


class ObservationTargetRow(Base):
    __tablename__ = "observation_targets"
    __table_args__ = (UniqueConstraint("patient_id", "kind", name="patient_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)


class AppointmentRow(Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_status_at", "status", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    with_whom: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("transitions.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class VoidedContactRow(Base):
    """A voided contact as it was (same id), with who voided it, when and why."""

    __tablename__ = "voided_contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[date | None] = mapped_column(Date)
    voided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    voided_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)


class VoidedTimeEntryRow(Base):
    """A voided time entry as it was (same id): it no longer counts toward any month."""

    __tablename__ = "voided_time_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    staff_type: Mapped[str] = mapped_column(String(16))
    program: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    voided_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)


class CallDraftRow(Base):
    __tablename__ = "call_drafts"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    content_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ContactFormDraftRow(Base):
    """A chart contact form kept when it had to close (domain.contact_form_draft; schema 0006)."""

    __tablename__ = "contact_form_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(16))
    record: Mapped[str | None] = mapped_column(String(32))
    fields_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NewPatientDraftRow(Base):
    """An Add patient form kept when it had to close (domain.new_patient_draft; schema 0007)."""

    __tablename__ = "new_patient_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fields_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    instrument: Mapped[str] = mapped_column(String(16))
    taken_on: Mapped[date] = mapped_column(Date)
    answers_json: Mapped[str] = mapped_column(Text)  # a JSON list; null for an item not answered
    # Both computed from the answers when written (never typed): the queue filters on them in SQL.
    complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    safety: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class SafetyCheckRow(Base):
    __tablename__ = "safety_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(120))
    actions_json: Mapped[str] = mapped_column(Text)  # a JSON list of SafetyAction values
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class CommunityResourceRow(Base):
    __tablename__ = "community_resources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    needs_json: Mapped[str] = mapped_column(Text, server_default="[]")  # a JSON list of Need values
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(Text, default="", server_default="")
    eligibility: Mapped[str] = mapped_column(Text, default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class ReferralRow(Base):
    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    resource_id: Mapped[int] = mapped_column(ForeignKey("community_resources.id", ondelete="RESTRICT"))
    need: Mapped[str] = mapped_column(String(20), server_default="other")
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    # The last step's status and the first and closing steps' dates, written with the steps:
    # the queue filters on them in SQL.
    status: Mapped[str] = mapped_column(String(16))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class ReferralStepRow(Base):
    __tablename__ = "referral_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class RpmDeviceRow(Base):
    """An RPM device episode (caredesk.domain.rpm_devices): set up on `set_up_on`, taken back on `ended_on`."""

    __tablename__ = "rpm_devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(30))
    set_up_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class RpmReadingDayRow(Base):
    """A day on which the device transmitted readings; a day counts once (CPT 99454/99445)."""

    __tablename__ = "rpm_reading_days"
    __table_args__ = (UniqueConstraint("device_id", "on", name="device_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("rpm_devices.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)


class CarePlanDraftRow(Base):
    __tablename__ = "care_plan_drafts"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    content_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CarePlanVersionRow(Base):
    __tablename__ = "care_plan_versions"
    __table_args__ = (UniqueConstraint("patient_id", "number", name="patient_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content_json: Mapped[str] = mapped_column(Text)
    finalized_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finalized_by: Mapped[str] = mapped_column(String(120))
    given_on: Mapped[date | None] = mapped_column(Date)
    given_method: Mapped[str | None] = mapped_column(String(16))


class AuditRow(Base):
    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
