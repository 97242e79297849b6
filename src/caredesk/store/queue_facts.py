"""The facts the call queue ranks, for every active patient, in a few narrow queries.

Ranking happens in caredesk.domain.queue; this module only reads (Anki's queue builder:
stream light rows, decide in code).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from caredesk.domain import checks, screen_followups
from caredesk.domain.appointments import Appointment, AppointmentStatus
from caredesk.domain.assessments import SAFETY_DOMAIN, Instrument
from caredesk.domain.calendar import Month
from caredesk.domain.community import Need
from caredesk.domain.contacts import Contact, Outcome, StaffType
from caredesk.domain.coordination import (
    Assessment,
    Task,
    TaskKind,
    TaskStatus,
    Transition,
)
from caredesk.domain.patients import Enrollment, ObservationKind, Program, RiskTier, Status
from caredesk.domain.queue import PatientFacts, Reading
from caredesk.domain.referrals import ReferralNews, ReferralStatus, unreferred
from caredesk.domain.safety import SafetyFlag
from caredesk.store import mapping as m
from caredesk.store import minute_days
from caredesk.store import models as t

CONTACT_DAYS = 75  # enough for this month, last month and a follow-up set before that
TRANSITION_DAYS = 45
# A reminder comes the working day before: at most 4 days ahead (Tuesday after a Monday holiday).
APPOINTMENT_DAYS_AHEAD = 8
T = TypeVar("T")
# Narrows a query to the patients asked for: `scoped(Row.patient_id)`.
Scope = Callable[[InstrumentedAttribute[int]], ColumnElement[bool]]


def load(
    session: Session, as_of: date, patient_ids: list[int] | None = None, *, tz: tzinfo = UTC
) -> list[PatientFacts]:
    """Facts for active patients (or only `patient_ids`, to refresh a few after a change); `tz`
    is the clinic's, whose calendar days the minutes belong to."""
    # Stored rows are rebuilt as stored (mapping._stored), set once here rather than per row.
    token = checks.READING_STORED.set(True)
    try:
        return _load(session, as_of, patient_ids, tz)
    finally:
        checks.READING_STORED.reset(token)


def _load(session: Session, as_of: date, patient_ids: list[int] | None, tz: tzinfo) -> list[PatientFacts]:
    month = Month.of(as_of)
    p, c, k = t.PatientRow, t.ContactRow, t.TaskRow
    active = select(p.id).where(p.status == Status.ACTIVE.value)
    # Per patient through the (patient_id, outcome, on) and (patient_id, status, due) indexes:
    # a GROUP BY over the whole table read every contact of three years.
    reached = (
        select(func.max(c.on))
        .where(c.patient_id == p.id, c.outcome == Outcome.REACHED.value, c.on <= as_of)
        .scalar_subquery()
    )
    letter_closed = (
        select(func.max(k.done_at))
        .where(k.patient_id == p.id, k.status != TaskStatus.OPEN.value, k.kind == TaskKind.LETTER.value)
        .scalar_subquery()
    )
    patients = session.execute(
        select(p.id, p.risk_tier, p.call_window, reached, letter_closed)
        .where(p.status == Status.ACTIVE.value, *([p.id.in_(patient_ids)] if patient_ids is not None else []))
        .order_by(p.id)
    ).all()
    ids = [row[0] for row in patients]
    if not ids:
        return []
    asked = ids if patient_ids is not None else None  # None: every active patient, unscoped

    # A patient's rows are found through the patient_id indexes (active ones only): most of
    # the store is inactive patients' and older rows the queue never ranks.
    def scoped(col: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return col.in_(ids) if patient_ids is not None else col.in_(active)

    enrollments = _by_patient(
        session,
        select(*_columns(t.EnrollmentRow, Enrollment))
        .where(scoped(t.EnrollmentRow.patient_id))
        .order_by(t.EnrollmentRow.id),
        Enrollment,
    )
    chronic = dict(
        session.execute(
            select(t.ConditionRow.patient_id, func.count())
            .where(t.ConditionRow.chronic.is_(True), scoped(t.ConditionRow.patient_id))
            .group_by(t.ConditionRow.patient_id)
        ).all()
    )
    # By clinic-local day, split at midnight and only up to `as_of`, as billing counts them, so
    # the domain can leave out the minutes before a program's consent.
    minutes: dict[int, dict[tuple[Program, StaffType], int]] = defaultdict(dict)
    by_day: dict[int, list[tuple[date, Program, StaffType, int]]] = defaultdict(list)
    for pid, per_day in minute_days.by_day(session, month, asked, tz, through=as_of).items():
        for (day, program, staff), spent in per_day.items():
            minutes[pid][(program, staff)] = minutes[pid].get((program, staff), 0) + spent
            by_day[pid].append((day, program, staff, spent))
    since = as_of - timedelta(days=CONTACT_DAYS)
    # `at` (UTC) bounds the range on the (patient_id, at) index; a clinic day starts at most
    # a day either side of its UTC date. The note is not read: nothing in the queue shows it.
    contacts = _by_patient(
        session,
        select(*_columns(c, Contact, skip=("note",)))
        .where(scoped(c.patient_id), c.at >= datetime.combine(since - timedelta(days=1), time(), tzinfo=UTC))
        .where(c.on >= since, c.on <= as_of),
        Contact,
    )
    tasks = _by_patient(
        session,
        select(*_columns(k, Task)).where(scoped(k.patient_id), k.status == TaskStatus.OPEN.value),
        Task,
    )
    horizon = datetime.combine(as_of + timedelta(days=APPOINTMENT_DAYS_AHEAD), time(), tzinfo=UTC)
    appointments = _by_patient(
        session,
        select(*_columns(t.AppointmentRow, Appointment))
        .where(t.AppointmentRow.status == AppointmentStatus.SCHEDULED.value, t.AppointmentRow.at < horizon)
        .where(scoped(t.AppointmentRow.patient_id))
        .order_by(t.AppointmentRow.at, t.AppointmentRow.id),
        Appointment,
    )
    transitions = _by_patient(
        session,
        select(*_columns(t.TransitionRow, Transition))
        .where(t.TransitionRow.discharged_on >= as_of - timedelta(days=TRANSITION_DAYS))
        .where(t.TransitionRow.discharged_on <= as_of, scoped(t.TransitionRow.patient_id)),
        Transition,
    )
    phq9 = _latest_assessments(session, (Instrument.PHQ9,), as_of, scoped)
    screens = _recent_screens(session, as_of, scoped)
    for pid, gad7 in _latest_assessments(session, (Instrument.GAD7,), as_of, scoped).items():
        if gad7.taken_on < screen_followups.recent_since(as_of):
            screens[pid].append(gad7)
    social = _latest_assessments(session, (Instrument.SOCIAL_NEEDS, Instrument.SOCIAL_NEEDS_YES_NO), as_of, scoped)
    flags = _open_safety_flags(session, as_of, scoped)
    referrals = _referrals(session, scoped)
    bp = _latest_bp(session, as_of, scoped)
    a1c = _latest_reading(session, ObservationKind.A1C, as_of, scoped)
    plans = _care_plans(session, scoped)
    drafts = dict(
        session.execute(
            select(t.CallDraftRow.patient_id, t.CallDraftRow.updated_at).where(scoped(t.CallDraftRow.patient_id))
        ).all()
    )

    tiers = m.members(RiskTier)
    return [
        PatientFacts(
            patient_id=pid,
            status=Status.ACTIVE,
            risk_tier=tiers[tier],
            enrollments=tuple(enrollments.get(pid, ())),
            chronic_conditions=int(chronic.get(pid, 0)),
            minutes=minutes.get(pid, {}),
            minutes_by_day=tuple(by_day.get(pid, ())),
            contacts=tuple(contacts.get(pid, ())),
            last_reached=last_reached,
            open_tasks=tuple(tasks.get(pid, ())),
            letter_closed_at=_utc(letter_at),
            appointments=tuple(appointments.get(pid, ())),
            transitions=tuple(transitions.get(pid, ())),
            phq9=phq9.get(pid),
            screens=tuple(screens.get(pid, ())),
            safety_flags=tuple(flags.get(pid, ())),
            unreferred_needs=_unreferred(social.get(pid), referrals.get(pid, [])),
            open_referrals=tuple(r for r in referrals.get(pid, ()) if r.is_open),
            last_bp=bp.get(pid),
            last_a1c=a1c.get(pid),
            has_care_plan=pid in plans,
            care_plan_review=plans.get(pid),
            call_window=call_window,
            call_draft_at=drafts.get(pid),
        )
        for pid, tier, call_window, last_reached, letter_at in patients
    ]


def _utc(stored: Any) -> datetime | None:
    """A scalar subquery's UtcDateTime comes back as its stored text."""
    if stored is None or isinstance(stored, datetime):
        return stored
    return datetime.fromisoformat(stored)


_NAMES: dict[tuple[type, type, tuple[str, ...]], tuple[str, ...]] = {}


def _columns(table: Any, cls: type, skip: tuple[str, ...] = ()) -> list[Any]:
    """The table's columns named like `cls`'s fields (those left out take their defaults)."""
    key = (table, cls, skip)
    names = _NAMES.get(key)
    if names is None:
        names = _NAMES[key] = tuple(n for n in m.field_names(cls) if n not in skip and n in table.__table__.c)
    return [table.__table__.c[n] for n in names]


def _by_patient(session: Session, stmt: Select[Any], cls: type[T]) -> dict[int, list[T]]:
    """{patient id: [record]} from plain rows whose columns are named like `cls`'s fields
    (plain tuples, not ORM instances: a third of the time for thousands of contacts)."""
    result = session.execute(stmt)
    names = tuple(result.keys())
    at = names.index("patient_id")
    out: dict[int, list[T]] = defaultdict(list)
    for row in result:
        out[row[at]].append(cls(**dict(zip(names, row, strict=True))))
    return out


def _latest_assessments(
    session: Session, instruments: tuple[Instrument, ...], as_of: date, scoped: Scope
) -> dict[int, Assessment]:
    """Each patient's latest complete screen of these instruments (an incomplete one makes no reason)."""
    names = [i.value for i in instruments]
    latest = (
        select(t.AssessmentRow.patient_id, func.max(t.AssessmentRow.taken_on).label("on"))
        .where(t.AssessmentRow.instrument.in_(names), t.AssessmentRow.taken_on <= as_of)
        .where(t.AssessmentRow.complete.is_(True), scoped(t.AssessmentRow.patient_id))
        .group_by(t.AssessmentRow.patient_id)
        .subquery()
    )
    stmt = (
        select(*_SCREEN)
        .join(latest, and_(t.AssessmentRow.patient_id == latest.c.patient_id, t.AssessmentRow.taken_on == latest.c.on))
        .where(t.AssessmentRow.instrument.in_(names), t.AssessmentRow.complete.is_(True))
    )
    # Two screens on one day: the later row wins.
    return {r.patient_id: m.assessment_from_row(r) for r in session.execute(stmt.order_by(t.AssessmentRow.id))}


# What a screen is rebuilt from (mapping.assessment_from_row): its answers, not the stored flags.
_SCREEN = (
    t.AssessmentRow.id,
    t.AssessmentRow.patient_id,
    t.AssessmentRow.instrument,
    t.AssessmentRow.taken_on,
    t.AssessmentRow.answers_json,
)


def _recent_screens(session: Session, as_of: date, scoped: Scope) -> dict[int, list[Assessment]]:
    """PHQ-2, PHQ-9 and GAD-7 screens, complete or not, of the days whose follow-ups are still
    open (domain.screen_followups.FOLLOW_UP_DAYS up to `as_of`)."""
    names = [i.value for i in (Instrument.PHQ2, Instrument.PHQ9, Instrument.GAD7)]
    rows = session.execute(
        select(*_SCREEN)
        .where(t.AssessmentRow.instrument.in_(names))
        .where(t.AssessmentRow.taken_on >= screen_followups.recent_since(as_of), t.AssessmentRow.taken_on <= as_of)
        .where(scoped(t.AssessmentRow.patient_id))
        .order_by(t.AssessmentRow.taken_on, t.AssessmentRow.id)
    )
    out: dict[int, list[Assessment]] = defaultdict(list)
    for r in rows:
        out[r.patient_id].append(m.assessment_from_row(r))
    return out


def _open_safety_flags(session: Session, as_of: date, scoped: Scope) -> dict[int, list[SafetyFlag]]:
    """Screens whose answers raised the safety flag (the `safety` column, computed when the
    screen was written) with no safety check naming them, oldest first."""
    checked = select(t.SafetyCheckRow.id).where(t.SafetyCheckRow.assessment_id == t.AssessmentRow.id).exists()
    rows = session.execute(
        select(t.AssessmentRow.id, t.AssessmentRow.patient_id, t.AssessmentRow.instrument, t.AssessmentRow.taken_on)
        .where(t.AssessmentRow.safety.is_(True), t.AssessmentRow.taken_on <= as_of, ~checked)
        .where(scoped(t.AssessmentRow.patient_id))
        .order_by(t.AssessmentRow.taken_on, t.AssessmentRow.id)
    )
    out: dict[int, list[SafetyFlag]] = defaultdict(list)
    instruments = m.members(Instrument)
    for aid, pid, instrument, on in rows:
        out[pid].append(SafetyFlag(aid, pid, instruments[instrument], on))
    return out


# The aliases _latest_reading's statements name, made once: a new alias's attributes are made
# on first use, ~0.75 ms of each statement's 0.85 ms build (three statements a queue build).
_PATIENT = aliased(t.PatientRow)
_EACH_READING = aliased(t.ObservationRow)


def _latest_reading(session: Session, kind: ObservationKind, as_of: date, scoped: Scope) -> dict[int, Reading]:
    """Each patient's latest reading of `kind` by `as_of` (two on one day: the later row), found
    per patient on the (patient_id, kind, observed_on) index, not by grouping every reading."""
    o, p, each = t.ObservationRow, _PATIENT, _EACH_READING
    latest = (
        select(each.id)
        .where(each.patient_id == p.id, each.kind == kind.value, each.observed_on <= as_of)
        .order_by(each.observed_on.desc(), each.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(o.patient_id, o.value, o.observed_on).select_from(p).join(o, o.id == latest).where(scoped(p.id))
    )
    return {pid: Reading(value, on) for pid, value, on in rows}


def _latest_bp(session: Session, as_of: date, scoped: Scope) -> dict[int, Reading]:
    systolic = _latest_reading(session, ObservationKind.SYSTOLIC_BP, as_of, scoped)
    diastolic = _latest_reading(session, ObservationKind.DIASTOLIC_BP, as_of, scoped)
    return {
        pid: Reading(s.value, s.on, d.value)
        for pid, s in systolic.items()
        if (d := diastolic.get(pid)) is not None and d.on == s.on
    }


def _care_plans(session: Session, scoped: Scope) -> dict[int, date | None]:
    """Patients with a finalized plan, and the next review date of their latest version."""
    latest = (
        select(t.CarePlanVersionRow.patient_id, func.max(t.CarePlanVersionRow.number).label("n"))
        .where(scoped(t.CarePlanVersionRow.patient_id))
        .group_by(t.CarePlanVersionRow.patient_id)
        .subquery()
    )
    rows = session.execute(
        select(t.CarePlanVersionRow.patient_id, t.CarePlanVersionRow.content_json).join(
            latest,
            and_(t.CarePlanVersionRow.patient_id == latest.c.patient_id, t.CarePlanVersionRow.number == latest.c.n),
        )
    )
    out: dict[int, date | None] = {}
    for pid, content in rows:
        review = json.loads(content).get("next_review")
        out[pid] = date.fromisoformat(review) if review else None
    return out


def _referrals(session: Session, scoped: Scope) -> dict[int, list[ReferralNews]]:
    """Each referral with its resource's name and the day of its last step."""
    last_on = (
        select(t.ReferralStepRow.referral_id, func.max(t.ReferralStepRow.on).label("on"))
        .group_by(t.ReferralStepRow.referral_id)
        .subquery()
    )
    rows = session.execute(
        select(
            t.ReferralRow.id,
            t.ReferralRow.patient_id,
            t.ReferralRow.need,
            t.CommunityResourceRow.name,
            t.ReferralRow.status,
            t.ReferralRow.opened_on,
            last_on.c.on,
            t.ReferralRow.assessment_id,
        )
        .join(t.CommunityResourceRow, t.CommunityResourceRow.id == t.ReferralRow.resource_id)
        .join(last_on, last_on.c.referral_id == t.ReferralRow.id)
        .where(scoped(t.ReferralRow.patient_id))
        .order_by(t.ReferralRow.id)
    )
    out: dict[int, list[ReferralNews]] = defaultdict(list)
    for rid, pid, need, name, status, opened, last, screen in rows:
        out[pid].append(ReferralNews(rid, Need(need), name, ReferralStatus(status), opened, last, screen))
    return out


def _unreferred(screen: Assessment | None, made: list[ReferralNews]) -> tuple[Need, ...]:
    """The latest screen's positive needs that no referral answers, but safety: interpersonal
    safety is a safety flag of its own, not a "social needs" reason."""
    if screen is None:
        return ()
    needs = tuple(d for d in screen.result.positive_domains if d != SAFETY_DOMAIN)
    return unreferred(needs, made, screen.taken_on, screen.id)
