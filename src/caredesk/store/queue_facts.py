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

from sqlalchemy import ColumnElement, Row, Select, and_, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from caredesk.domain import screen_followups
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
R = TypeVar("R")
# Narrows a query to the patients asked for: `scoped(Row.patient_id)`.
Scope = Callable[[InstrumentedAttribute[int]], ColumnElement[bool]]


def load(
    session: Session, as_of: date, patient_ids: list[int] | None = None, *, tz: tzinfo = UTC
) -> list[PatientFacts]:
    """Facts for active patients (or only `patient_ids`, to refresh a few after a change); `tz`
    is the clinic's, whose calendar days the minutes belong to."""
    month = Month.of(as_of)
    pq = select(t.PatientRow.id, t.PatientRow.risk_tier, t.PatientRow.call_window).where(
        t.PatientRow.status == Status.ACTIVE.value
    )
    if patient_ids is not None:
        pq = pq.where(t.PatientRow.id.in_(patient_ids))
    patients = session.execute(pq.order_by(t.PatientRow.id)).all()
    ids = [p.id for p in patients]
    if not ids:
        return []
    asked = ids if patient_ids is not None else None  # None: every active patient, unscoped

    def by_patient(stmt: Select[Any], convert: Callable[[Row[Any]], R]) -> dict[int, list[R]]:
        # Plain rows, not ORM instances: a third of the time for thousands of contacts.
        out: dict[int, list[R]] = defaultdict(list)
        for row in session.execute(stmt):
            out[row.patient_id].append(convert(row))
        return out

    def scoped(col: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return col.in_(ids) if patient_ids is not None else true()

    enrollments = by_patient(
        select(t.EnrollmentRow.__table__).where(scoped(t.EnrollmentRow.patient_id)).order_by(t.EnrollmentRow.id),
        lambda r: m.from_row(Enrollment, r),
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
    contacts = by_patient(
        select(t.ContactRow.__table__)
        .where(t.ContactRow.on >= as_of - timedelta(days=CONTACT_DAYS), t.ContactRow.on <= as_of)
        .where(scoped(t.ContactRow.patient_id)),
        lambda r: m.from_row(Contact, r),
    )
    last_reached = dict(
        session.execute(
            select(t.ContactRow.patient_id, func.max(t.ContactRow.on))
            .where(t.ContactRow.outcome == Outcome.REACHED.value, t.ContactRow.on <= as_of)
            .where(scoped(t.ContactRow.patient_id))
            .group_by(t.ContactRow.patient_id)
        ).all()
    )
    tasks = by_patient(
        select(t.TaskRow.__table__).where(t.TaskRow.status == TaskStatus.OPEN.value, scoped(t.TaskRow.patient_id)),
        lambda r: m.from_row(Task, r),
    )
    letters_closed = dict(
        session.execute(
            select(t.TaskRow.patient_id, func.max(t.TaskRow.done_at))
            .where(t.TaskRow.kind == TaskKind.LETTER.value, t.TaskRow.status != TaskStatus.OPEN.value)
            .where(scoped(t.TaskRow.patient_id))
            .group_by(t.TaskRow.patient_id)
        ).all()
    )
    horizon = datetime.combine(as_of + timedelta(days=APPOINTMENT_DAYS_AHEAD), time(), tzinfo=UTC)
    appointments = by_patient(
        select(t.AppointmentRow.__table__)
        .where(t.AppointmentRow.status == AppointmentStatus.SCHEDULED.value, t.AppointmentRow.at < horizon)
        .where(scoped(t.AppointmentRow.patient_id))
        .order_by(t.AppointmentRow.at, t.AppointmentRow.id),
        lambda r: m.from_row(Appointment, r),
    )
    transitions = by_patient(
        select(t.TransitionRow.__table__)
        .where(t.TransitionRow.discharged_on >= as_of - timedelta(days=TRANSITION_DAYS))
        .where(t.TransitionRow.discharged_on <= as_of, scoped(t.TransitionRow.patient_id)),
        lambda r: m.from_row(Transition, r),
    )
    phq9 = _latest_assessments(session, (Instrument.PHQ9,), as_of, asked)
    screens = _recent_screens(session, as_of, scoped)
    for pid, gad7 in _latest_assessments(session, (Instrument.GAD7,), as_of, asked).items():
        if gad7.taken_on < screen_followups.recent_since(as_of):
            screens[pid].append(gad7)
    social = _latest_assessments(session, (Instrument.SOCIAL_NEEDS, Instrument.SOCIAL_NEEDS_YES_NO), as_of, asked)
    flags = _open_safety_flags(session, as_of, scoped)
    referrals = _referrals(session, scoped)
    bp = _latest_bp(session, as_of, scoped)
    a1c = _latest_reading(session, ObservationKind.A1C, as_of, scoped)
    plans = _care_plans(session, scoped)

    return [
        PatientFacts(
            patient_id=p.id,
            status=Status.ACTIVE,
            risk_tier=RiskTier(p.risk_tier),
            enrollments=tuple(enrollments.get(p.id, ())),
            chronic_conditions=int(chronic.get(p.id, 0)),
            minutes=minutes.get(p.id, {}),
            minutes_by_day=tuple(by_day.get(p.id, ())),
            contacts=tuple(contacts.get(p.id, ())),
            last_reached=last_reached.get(p.id),
            open_tasks=tuple(tasks.get(p.id, ())),
            letter_closed_at=letters_closed.get(p.id),
            appointments=tuple(appointments.get(p.id, ())),
            transitions=tuple(transitions.get(p.id, ())),
            phq9=phq9.get(p.id),
            screens=tuple(screens.get(p.id, ())),
            safety_flags=tuple(flags.get(p.id, ())),
            unreferred_needs=_unreferred(social.get(p.id), referrals.get(p.id, [])),
            open_referrals=tuple(r for r in referrals.get(p.id, ()) if r.is_open),
            last_bp=bp.get(p.id),
            last_a1c=a1c.get(p.id),
            has_care_plan=p.id in plans,
            care_plan_review=plans.get(p.id),
            call_window=p.call_window,
        )
        for p in patients
    ]


def _latest_assessments(
    session: Session, instruments: tuple[Instrument, ...], as_of: date, ids: list[int] | None
) -> dict[int, Assessment]:
    """Each patient's latest complete screen of these instruments (an incomplete one makes no reason)."""
    names = [i.value for i in instruments]
    latest = (
        select(t.AssessmentRow.patient_id, func.max(t.AssessmentRow.taken_on).label("on"))
        .where(t.AssessmentRow.instrument.in_(names), t.AssessmentRow.taken_on <= as_of)
        .where(t.AssessmentRow.complete.is_(True))
        .group_by(t.AssessmentRow.patient_id)
        .subquery()
    )
    stmt = (
        select(t.AssessmentRow)
        .join(latest, and_(t.AssessmentRow.patient_id == latest.c.patient_id, t.AssessmentRow.taken_on == latest.c.on))
        .where(t.AssessmentRow.instrument.in_(names), t.AssessmentRow.complete.is_(True))
    )
    if ids is not None:
        stmt = stmt.where(t.AssessmentRow.patient_id.in_(ids))
    # Two screens on one day: the later row wins.
    return {r.patient_id: m.assessment_from_row(r) for r in session.scalars(stmt.order_by(t.AssessmentRow.id))}


def _recent_screens(session: Session, as_of: date, scoped: Scope) -> dict[int, list[Assessment]]:
    """PHQ-2, PHQ-9 and GAD-7 screens, complete or not, of the days whose follow-ups are still
    open (domain.screen_followups.FOLLOW_UP_DAYS up to `as_of`)."""
    names = [i.value for i in (Instrument.PHQ2, Instrument.PHQ9, Instrument.GAD7)]
    rows = session.scalars(
        select(t.AssessmentRow)
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
    for aid, pid, instrument, on in rows:
        out[pid].append(SafetyFlag(aid, pid, Instrument(instrument), on))
    return out


def _latest_reading(session: Session, kind: ObservationKind, as_of: date, scoped: Scope) -> dict[int, Reading]:
    latest = (
        select(t.ObservationRow.patient_id, func.max(t.ObservationRow.observed_on).label("on"))
        .where(t.ObservationRow.kind == kind.value, t.ObservationRow.observed_on <= as_of)
        .where(scoped(t.ObservationRow.patient_id))
        .group_by(t.ObservationRow.patient_id)
        .subquery()
    )
    rows = session.execute(
        select(t.ObservationRow.patient_id, t.ObservationRow.value, t.ObservationRow.observed_on)
        .join(
            latest,
            and_(t.ObservationRow.patient_id == latest.c.patient_id, t.ObservationRow.observed_on == latest.c.on),
        )
        .where(t.ObservationRow.kind == kind.value)
        .order_by(t.ObservationRow.id)
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
