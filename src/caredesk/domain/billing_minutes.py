"""Which logged minutes count toward a month's billing (SPEC section 3, rules around the table).

- A minute belongs to the clinic-local calendar day on which it was spent: a timed call
  that crosses midnight is split between the two days, and so between two months
  (CMS MLN909188: time is counted per calendar month of service).
- Consent comes first: minutes spent before the consent date do not count (CMS MLN909188,
  "obtain the patient's consent before furnishing or billing CCM"; CY2025 PFS final rule
  for PCM and APCM).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program

# Minutes per (clinic-local day, program, staff type).
DayMinutes = Mapping[tuple[date, Program, StaffType], int]

# Programs that are one service for consent and minutes: a complex CCM patient's CCM
# consent and minutes are the same service's (CMS MLN909188, "one CCM service a month").
FAMILY = {Program.COMPLEX_CCM: Program.CCM}


def family(program: Program) -> Program:
    return FAMILY.get(program, program)


def split_by_day(on: date, minutes: int, started_at: datetime | None, tz: tzinfo) -> list[tuple[date, int]]:
    """[(clinic-local day, whole minutes)] of one time entry, earliest day first.

    Without a start time all minutes are on `on`. With one (a timed call), the minutes run
    from the start: those after the clinic's midnight belong to the next day. The timer's
    pauses are not stored, so the minutes are taken as running without a break from the
    start; the day before midnight gets the whole minutes that fit before it (floored: nothing
    is rounded up), the rest go to the next day, so the total never changes. A start more
    than a day away from `on` (a record re-dated by hand) is not trusted: all minutes on `on`.
    """
    if started_at is None:
        return [(on, minutes)]
    start = started_at.astimezone(tz)
    day = start.date()
    if not (on - timedelta(days=1) <= day <= on):
        return [(on, minutes)]
    out: list[tuple[date, int]] = []
    cursor, left = start.astimezone(UTC), minutes
    while left > 0:
        # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock times.
        midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        fits = min(left, int((midnight - cursor).total_seconds() // 60))
        if fits > 0:
            out.append((day, fits))
        left -= fits
        cursor, day = midnight, day + timedelta(days=1)
    return out


def consent_date(enrollments: Iterable[Enrollment], program: Program, by: date, active_from: date) -> date | None:
    """The earliest consent date on or before `by` of the program's service (its family),
    among enrollments active on some day from `active_from` to `by`; None without one."""
    dates = [
        e.consent_date
        for e in enrollments
        if family(e.program) is family(program)
        and e.consent_date is not None
        and e.consent_date <= by
        and e.start_date <= by
        and (e.end_date is None or e.end_date >= active_from)
    ]
    return min(dates, default=None)


def after_consent(
    days: DayMinutes, enrollments: Iterable[Enrollment], first: date, last: date
) -> tuple[dict[tuple[Program, StaffType], int], dict[Program, tuple[date, int]]]:
    """The minutes from `first` to `last` that count, per (program, staff type), and per
    program with consent later than some minutes (consent date, minutes before it)."""
    enrollments = tuple(enrollments)
    counted: dict[tuple[Program, StaffType], int] = {}
    before: dict[Program, tuple[date, int]] = {}
    for (day, program, staff), m in sorted(days.items()):
        if not first <= day <= last or m <= 0:
            continue
        consent = consent_date(enrollments, program, last, first)
        if consent is not None and day < consent:
            _d, had = before.get(program, (consent, 0))
            before[program] = (consent, had + m)
            continue
        counted[(program, staff)] = counted.get((program, staff), 0) + m
    return counted, before
