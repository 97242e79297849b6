"""The minutes of time entries per clinic-local day, as billing and the queue both count them.

A minute belongs to the clinic-local calendar day on which it was spent (SPEC 3): a timed
call that crosses midnight is split between the two days (caredesk.domain.billing_minutes.
split_by_day), so the days either side of the month are read too. One reader for the bill
and the queue, so the queue's "12 of 20 min" is the bill's 12.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta, tzinfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from caredesk.domain.billing_minutes import split_by_day
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Program
from caredesk.store import mapping as m
from caredesk.store import models as t

DayMinutes = dict[tuple[date, Program, StaffType], int]


def by_day(
    session: Session,
    month: Month,
    ids: Collection[int] | None,
    tz: tzinfo,
    through: date | None = None,
) -> dict[int, DayMinutes]:
    """{patient id: {(day, program, staff type): minutes}} for the days of `month` up to
    `through` (default: the month's last day), for the patients `ids` (None: every patient).
    Entries without a start time count whole on their date (summed in SQL); a timed entry
    is split at the clinic's midnights in `tz`."""
    last = month.last_day if through is None else min(through, month.last_day)
    out: dict[int, DayMinutes] = defaultdict(dict)
    first, programs, staff_types = month.first_day, m.members(Program), m.members(StaffType)

    def add(pid: int, day: date, program: str, staff: str, spent: int) -> None:
        if first <= day <= last and spent > 0:
            key = (day, programs[program], staff_types[staff])
            out[pid][key] = out[pid].get(key, 0) + spent

    e = t.TimeEntryRow
    scoped: ColumnElement[bool] = e.patient_id.in_(list(ids)) if ids is not None else true()
    for pid, on, program, staff, total in session.execute(
        select(e.patient_id, e.on, e.program, e.staff_type, func.sum(e.minutes))
        .where(e.on.between(month.first_day, last), e.started_at.is_(None), scoped)
        .group_by(e.patient_id, e.on, e.program, e.staff_type)
    ):
        add(pid, on, program, staff, int(total))
    around = e.on.between(month.first_day - timedelta(days=1), last + timedelta(days=1))
    for pid, on, program, staff, minutes, started_at in session.execute(
        select(e.patient_id, e.on, e.program, e.staff_type, e.minutes, e.started_at).where(
            around, e.started_at.is_not(None), scoped
        )
    ):
        for day, spent in split_by_day(on, minutes, started_at, tz):
            add(pid, day, program, staff, spent)
    return out
