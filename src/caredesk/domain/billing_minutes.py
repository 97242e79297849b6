"""Which logged minutes count toward a month's billing (SPEC section 3, rules around the table).

- A minute belongs to the clinic-local calendar day on which it was spent: a timed call
  that crosses midnight is split between the two days, and so between two months
  (CMS MLN909188: time is counted per calendar month of service).
- Consent comes first: minutes spent before the consent date do not count (CMS MLN909188,
  "obtain the patient's consent before furnishing or billing CCM"; CY2025 PFS final rule
  for PCM and APCM).
- A program that ended bills nothing after its end date (SPEC 3: "a month with ... a missing
  requirement bills nothing for that program and says exactly why"): minutes logged while the
  patient was enrolled, on a day after the program was then ended (the end date is set after
  the calls were saved), count for nothing, and the bill says so ("14 min after CCM ended
  11/30 count for nothing"). Minutes cannot be logged outside an enrollment
  (caredesk.services.calls), so an end date moved back is the way they arise; `lost_by_end`
  says which minutes an end date would take before it is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from caredesk.domain.calendar import Month, us_month_day
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


def ended_before(enrollments: Iterable[Enrollment], program: Program, day: date) -> date | None:
    """The end date of the program's service (its family) that `day` falls after, when no
    enrollment of it covers `day`: the latest end before `day`. None when an enrollment covers
    the day, or none of the service ended before it (minutes before a first start are left
    to the other rules, as before)."""
    ends: list[date] = []
    for e in enrollments:
        if family(e.program) is not family(program):
            continue
        if e.start_date <= day and (e.end_date is None or day <= e.end_date):
            return None
        if e.end_date is not None and e.end_date < day:
            ends.append(e.end_date)
    return max(ends, default=None)


@dataclass(frozen=True, slots=True)
class AfterEnd:
    """Minutes of one program's service on days after it ended, which count for nothing."""

    program: Program  # the service (family): CCM for complex CCM's minutes too
    ended: date
    minutes: int

    def text(self) -> str:
        """'14 min after CCM ended 11/30 count for nothing' (the month report's reason)."""
        return f"{self.minutes} min after {self.program.value} ended {us_month_day(self.ended)} count for nothing"


def after_end(days: DayMinutes, enrollments: Iterable[Enrollment], first: date, last: date) -> tuple[AfterEnd, ...]:
    """The minutes from `first` to `last` logged on days after their program ended, per
    (service, end date), earliest end first."""
    enrollments = tuple(enrollments)
    found: dict[tuple[Program, date], int] = {}
    for (day, program, _staff), m in days.items():
        if not first <= day <= last or m <= 0:
            continue
        ended = ended_before(enrollments, program, day)
        if ended is not None:
            key = (family(program), ended)
            found[key] = found.get(key, 0) + m
    return tuple(AfterEnd(p, d, m) for (p, d), m in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0].value)))


def before_consent_text(consent: date, minutes: int) -> str:
    """'consent dated 11/28: 25 min before it do not count' (the month report's reason, and the
    chart's and the month view's word for those minutes)."""
    return f"consent dated {us_month_day(consent)}: {minutes} min before it do not count"


def after_consent(
    days: DayMinutes, enrollments: Iterable[Enrollment], first: date, last: date
) -> tuple[dict[tuple[Program, StaffType], int], dict[Program, tuple[date, int]]]:
    """The minutes from `first` to `last` that count, per (program, staff type), and per
    program with consent later than some minutes (consent date, minutes before it). Minutes
    on a day after their program ended count for nothing (`after_end` says how many)."""
    enrollments = tuple(enrollments)
    counted: dict[tuple[Program, StaffType], int] = {}
    before: dict[Program, tuple[date, int]] = {}
    for (day, program, staff), m in sorted(days.items()):
        if not first <= day <= last or m <= 0:
            continue
        if ended_before(enrollments, program, day) is not None:
            continue
        consent = consent_date(enrollments, program, last, first)
        if consent is not None and day < consent:
            _d, had = before.get(program, (consent, 0))
            before[program] = (consent, had + m)
            continue
        counted[(program, staff)] = counted.get((program, staff), 0) + m
    return counted, before


@dataclass(frozen=True, slots=True)
class LostMinutes:
    """Minutes of one month that count now and would count for nothing once a program ends."""

    program: Program
    first: date  # the first and last day with such minutes
    last: date
    minutes: int

    def text(self) -> str:
        """'14 min logged 12/01-12/02 under CCM will no longer count' (one day: '... on 12/02 ...')."""
        when = (
            f"on {us_month_day(self.first)}"
            if self.first == self.last
            else f"{us_month_day(self.first)}-{us_month_day(self.last)}"
        )
        return f"{self.minutes} min logged {when} under {self.program.value} will no longer count"


def lost_by_end(
    days: DayMinutes, enrollments: Iterable[Enrollment], ending: Enrollment, end: date
) -> tuple[LostMinutes, ...]:
    """What ending `ending` on `end` takes away, by calendar month, earliest first: the minutes
    that count now (`after_consent`, month by month) and would not with the new end date.
    `days`: the patient's minutes per clinic-local day (any months); `enrollments`: all of the
    patient's, `ending` among them (matched by id)."""
    enrollments = tuple(enrollments)
    ended = tuple(replace(e, end_date=end) if e.id == ending.id else e for e in enrollments)
    service = family(ending.program)
    months = sorted({Month.of(day) for (day, program, _s) in days if day > end and family(program) is service})
    out: list[LostMinutes] = []
    for month in months:
        first, last = month.first_day, month.last_day
        lost: dict[date, int] = {}
        for (day, program, staff), m in days.items():
            if not (first <= day <= last and day > end and family(program) is service and m > 0):
                continue
            one = {(day, program, staff): m}
            now = sum(after_consent(one, enrollments, first, last)[0].values())
            then = sum(after_consent(one, ended, first, last)[0].values())
            if now > then:
                lost[day] = lost.get(day, 0) + now - then
        if lost:
            out.append(LostMinutes(service, min(lost), max(lost), sum(lost.values())))
    return tuple(out)
