"""What the month's billing needs per enrolled patient, read in six narrow queries.

Minutes are read per clinic-local day (caredesk.domain.billing_minutes.split_by_day): a timed
call that crosses midnight counts on both days, so the days either side of the month are read
too, and billing can leave out minutes spent before the consent date (SPEC 3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from caredesk.domain.attempts import UNANSWERED
from caredesk.domain.billing_codes import REALTIME_CHANNELS
from caredesk.domain.billing_tcm import Stay
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import INTERACTIVE_CHANNELS, Outcome, StaffType
from caredesk.domain.coordination import Transition
from caredesk.domain.patients import Enrollment, Program, Status
from caredesk.domain.rpm_devices import RpmDevice
from caredesk.domain.transitions import TCM_PERIOD_DAYS
from caredesk.store import mapping as m
from caredesk.store import minute_days
from caredesk.store import models as t
from caredesk.store.rpm_devices import RpmDevices


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
    minutes: dict[tuple[Program, StaffType], int] = field(default_factory=dict)  # the month's, by day spent
    days: dict[tuple[date, Program, StaffType], int] = field(default_factory=dict)  # the same per clinic-local day
    realtime_contacts: int = 0  # contacts that reached the patient by phone, video or in person this month
    stays: tuple[Stay, ...] = ()  # stays whose 30-day TCM period ends in or after the month
    rpm_devices: tuple[RpmDevice, ...] = ()  # devices set up by the month's end, reading days up to it
    died_on: date | None = None  # the date of death of a deceased patient (the month's reason names it)


def load(
    session: Session, month: Month, patient_ids: Collection[int] | None = None, *, tz: tzinfo = UTC
) -> list[BillingFacts]:
    """Every patient with an enrollment active on some day of the month, or minutes logged in
    it under a program that has since ended (SPEC 3: the report says why they bill nothing,
    "14 min after CCM ended 11/30 count for nothing"), by family name
    (only those of `patient_ids` when given: the rows to recompute after a change); `tz` is
    the clinic's, whose calendar days the minutes belong to."""
    overlapping = (t.EnrollmentRow.start_date <= month.last_day) & or_(
        t.EnrollmentRow.end_date.is_(None), t.EnrollmentRow.end_date >= month.first_day
    )
    if patient_ids is not None:
        overlapping = overlapping & t.EnrollmentRow.patient_id.in_(list(patient_ids))
    enrollments: dict[int, list[Enrollment]] = defaultdict(list)
    # Plain rows, not ORM instances (issue 14: the report was 12x its own SQL).
    for row in session.execute(select(t.EnrollmentRow.__table__).where(overlapping).order_by(t.EnrollmentRow.id)):
        enrollments[row.patient_id].append(m.from_row(Enrollment, row))
    enrolled = set(enrollments)
    for row in _ended_with_minutes(session, month, patient_ids, enrolled):
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
    days = minute_days.by_day(session, month, ids, tz)
    for pid in [p for p in ids if p not in enrolled and not days.get(p)]:
        del enrollments[pid]  # their minutes near the month fell outside it (a call before midnight)
    ids = list(enrollments)
    if not ids:
        return []
    c = t.ContactRow
    realtime = dict(
        session.execute(
            select(c.patient_id, func.count())
            .where(
                c.on.between(month.first_day, month.last_day),
                c.outcome == Outcome.REACHED.value,
                c.channel.in_([ch.value for ch in REALTIME_CHANNELS]),
                c.patient_id.in_(ids),
            )
            .group_by(c.patient_id)
        ).all()
    )
    minutes: dict[int, dict[tuple[Program, StaffType], int]] = defaultdict(dict)
    for pid, per_day in days.items():
        for (_day, program, staff), spent in per_day.items():
            minutes[pid][(program, staff)] = minutes[pid].get((program, staff), 0) + spent
    stays = _stays(session, month, ids)
    devices = _devices(session, month, ids)
    patients = session.execute(
        select(
            t.PatientRow.id,
            t.PatientRow.mrn,
            t.PatientRow.given_name,
            t.PatientRow.family_name,
            t.PatientRow.birth_date,
            t.PatientRow.status,
            t.PatientRow.died_on,
        )
        .where(t.PatientRow.id.in_(ids))
        .order_by(t.PatientRow.family_name, t.PatientRow.given_name, t.PatientRow.id)
    )
    status_of = m.members(Status)
    return [
        BillingFacts(
            patient_id=p.id,
            mrn=p.mrn,
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            status=status_of[p.status],
            enrollments=tuple(enrollments[p.id]),
            chronic_conditions=int(chronic.get(p.id, 0)),
            minutes=minutes.get(p.id, {}),
            days=days.get(p.id, {}),
            realtime_contacts=int(realtime.get(p.id, 0)),
            stays=tuple(stays.get(p.id, ())),
            rpm_devices=tuple(devices.get(p.id, ())),
            died_on=p.died_on,
        )
        for p in patients
    ]


def _ended_with_minutes(
    session: Session, month: Month, patient_ids: Collection[int] | None, enrolled: set[int]
) -> list[Any]:
    """Enrollment rows of the patients with minutes in (or a day either side of) the month and
    no enrollment active in it: their programs ended before the minutes' days."""
    e = t.TimeEntryRow
    near: ColumnElement[bool] = e.on.between(month.first_day - timedelta(days=1), month.last_day + timedelta(days=1))
    if patient_ids is not None:
        near = near & e.patient_id.in_(list(patient_ids))
    logged = {pid for (pid,) in session.execute(select(e.patient_id).where(near).distinct())} - enrolled
    if not logged:
        return []
    r = t.EnrollmentRow
    return list(
        session.execute(
            select(r.__table__).where(r.patient_id.in_(sorted(logged)), r.end_date < month.first_day).order_by(r.id)
        )
    )


def _devices(session: Session, month: Month, ids: list[int]) -> dict[int, list[RpmDevice]]:
    """{patient: [device]} set up by the month's end, with the reading days up to it: every
    earlier period is read too, since one device code per 30 days and 99453 once per episode
    depend on what the earlier periods billed (caredesk.domain.billing_rpm_devices)."""
    found = RpmDevices(session).for_patients(ids)
    return {
        pid: [
            replace(d, reading_days=tuple(x for x in d.reading_days if x <= month.last_day))
            for d in devices
            if d.set_up_on <= month.last_day
        ]
        for pid, devices in found.items()
    }


def _stays(session: Session, month: Month, ids: list[int]) -> dict[int, list[Stay]]:
    """{patient: [stay]} of the stays whose TCM period ends in or after the month, each with
    the clinic dates of the patient's unanswered interactive attempts since its discharge."""
    since = month.first_day - timedelta(days=TCM_PERIOD_DAYS)
    found: dict[int, list[Transition]] = defaultdict(list)
    for row in session.execute(
        select(t.TransitionRow.__table__).where(
            t.TransitionRow.discharged_on.between(since, month.last_day), t.TransitionRow.patient_id.in_(ids)
        )
    ):
        found[row.patient_id].append(m.from_row(Transition, row))
    if not found:
        return {}
    c = t.ContactRow
    tries: dict[int, list[date]] = defaultdict(list)
    for pid, on in session.execute(
        select(c.patient_id, c.on).where(
            c.patient_id.in_(list(found)),
            c.on.between(since, month.last_day),
            c.outcome.in_([o.value for o in UNANSWERED]),
            c.channel.in_([ch.value for ch in INTERACTIVE_CHANNELS]),
        )
    ):
        tries[pid].append(on)
    return {pid: [Stay(s, tuple(sorted(tries[pid]))) for s in stays] for pid, stays in found.items()}
