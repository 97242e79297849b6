"""Today's plan: which of the queue's patients to call today, within the care manager's
daily capacity, and what falls short (SPEC section 3 "Call queue"; issue 12 "Today's plan").

On the 1st of a month every active patient is "to call", so the queue alone is no plan. The
plan puts first the patients who must be called today (an open safety flag, a transition
deadline due or overdue, a follow-up, task or appointment reminder due), then as many of the
rest, in queue order, as the capacity left today allows (caredesk.domain.call_capacity: calls,
or minutes of calling). The patients still short of a billing threshold who do not fit are
spread over the working days left; when they cannot all be reached at this capacity, or
today's musts alone exceed it, the plan says so.

Pure: takes the ranked entries (caredesk.domain.queue.rank), the capacity and what is already
done today in its unit (calls made, or minutes logged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.domain.calendar import Month
from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.domain.queue import QueueEntry, ReasonKind
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

_DUE_KINDS = frozenset({ReasonKind.TRANSITION, ReasonKind.FOLLOW_UP, ReasonKind.TASK})


@dataclass(frozen=True, slots=True)
class TodayPlan:
    capacity: Capacity
    done_today: int  # calls made or minutes logged today, in the capacity's unit
    must: tuple[int, ...]  # patient ids that must be called today, in queue order
    fits: tuple[int, ...]  # then as many as the capacity left today allows, in queue order
    later: tuple[int, ...]  # the rest, in queue order
    # Of `later`, how many were not reached today: waiting for a call that did not fit. None
    # waiting and nothing planned means nobody is due, which is not "no calls fit".
    waiting: int
    planned: int  # what today's plan takes, in the capacity's unit (the musts may exceed it)
    per_day_after_today: int  # to reach every patient still short of minutes in time, in the unit
    days_after_today: int  # working days left in the month after today
    # Those short of minutes who wait, given a working day each at the even pace (queue order);
    # any left over after the month's last working day are among `short`.
    spread: tuple[tuple[date, tuple[int, ...]], ...]
    short: tuple[str, ...]  # what falls short and why, as sentences

    @property
    def today(self) -> tuple[int, ...]:
        return self.must + self.fits


def _done(entry: QueueEntry) -> bool:
    return any(r.kind is ReasonKind.DONE_TODAY for r in entry.reasons)


def must_call_today(entry: QueueEntry, as_of: date) -> bool:
    """A safety flag, or a transition deadline, follow-up, task or reminder due by `as_of`;
    for a patient already reached today only an open safety flag (the rest is done today)."""
    if _done(entry):
        return any(r.kind is ReasonKind.SAFETY for r in entry.reasons)
    return any(
        r.kind is ReasonKind.SAFETY or (r.kind in _DUE_KINDS and r.due is not None and r.due <= as_of)
        for r in entry.reasons
    )


def plan(
    entries: Sequence[QueueEntry],
    capacity: Capacity,
    done_today: int,
    as_of: date,
    calendar: BusinessCalendar = US_FEDERAL,
) -> TodayPlan:
    """Today's plan for the ranked `entries` at `capacity`, of which `done_today` (calls made,
    or minutes logged, by the capacity's unit) is used up. Raises ValueError for a negative
    `done_today`."""
    if done_today < 0:
        raise ValueError("what is done today cannot be negative")
    cost = capacity.cost
    must_entries = [e for e in entries if must_call_today(e, as_of)]
    must = [e.patient_id for e in must_entries]
    left_today = max(0, capacity.amount - done_today)
    left = left_today - sum(cost(e) for e in must_entries)
    chosen = set(must)
    # A patient reached today is not called again today; still short of minutes, they are
    # among those spread over the days after.
    rest = [e for e in entries if e.patient_id not in chosen and not _done(e)]
    fits: list[QueueEntry] = []
    for e in rest:  # in queue order: the first that does not fit ends today's plan
        if cost(e) > left:
            break
        fits.append(e)
        left -= cost(e)
    later = rest[len(fits) :] + [e for e in entries if e.patient_id not in chosen and _done(e)]
    short: list[str] = []
    need_today = sum(cost(e) for e in must_entries)
    if need_today > left_today:
        short.append(
            f"{len(must)} patient{_s(len(must))} must be called today: "
            f"{capacity.amount_text(need_today - left_today)} more than {_left_words(capacity, left_today)}"
        )
    chased = [e for e in later if any(r.kind is ReasonKind.MINUTES for r in e.reasons)]
    days_after = calendar.business_days_left(as_of) - (1 if calendar.is_business_day(as_of) else 0)
    total = sum(cost(e) for e in chased)
    per_day = -(-total // days_after) if days_after > 0 else total
    if chased and days_after == 0:
        short.append(
            f"{len(chased)} patient{_s(len(chased))} short of minutes do not fit today and no working day is left"
        )
    elif per_day > capacity.amount:
        short.append(
            f"{len(chased)} patient{_s(len(chased))} short of minutes need {capacity.amount_text(per_day)} a day "
            f"over the {days_after} working day{_s(days_after)} after today; {capacity.amount_text()} fit"
        )
    return TodayPlan(
        spread=_spread(later, chased, min(per_day, capacity.amount), cost, as_of, calendar),
        capacity=capacity,
        done_today=done_today,
        must=tuple(must),
        fits=tuple(e.patient_id for e in fits),
        later=tuple(e.patient_id for e in later),
        waiting=len(rest) - len(fits),
        planned=need_today + sum(cost(e) for e in fits),
        per_day_after_today=per_day,
        days_after_today=max(0, days_after),
        short=tuple(short),
    )


def _due_day(entry: QueueEntry, as_of: date, calendar: BusinessCalendar) -> date | None:
    """The working day a patient who waits is due (a follow-up, task, reminder or transition
    deadline after `as_of`, moved on to a working day), if it falls in `as_of`'s month."""
    dues = [r.due for r in entry.reasons if r.kind in _DUE_KINDS and r.due is not None and r.due > as_of]
    dues += [entry.upcoming] if entry.upcoming is not None and entry.upcoming > as_of else []
    if not dues:
        return None
    day = min(dues)
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return day if Month.of(day) == Month.of(as_of) else None


def _spread(
    later: Sequence[QueueEntry],
    chased: Sequence[QueueEntry],
    per_day: int,
    cost: Callable[[QueueEntry], int],
    as_of: date,
    calendar: BusinessCalendar,
) -> tuple[tuple[date, tuple[int, ...]], ...]:
    """The working days after `as_of` in its month, each with the patients due that day (a
    follow-up, task or deadline), then those short of minutes filling `per_day` in queue order
    (at least one a day, so a call longer than the pace still gets a day)."""
    due: dict[date, list[int]] = {}
    for e in later:
        if (day := _due_day(e, as_of, calendar)) is not None:
            due.setdefault(day, []).append(e.patient_id)
    placed = {pid for pids in due.values() for pid in pids}
    out: list[tuple[date, tuple[int, ...]]] = []
    waiting = [e for e in chased if e.patient_id not in placed]
    day, last = as_of, Month.of(as_of).last_day
    while day < last:
        day += timedelta(days=1)
        if not calendar.is_business_day(day):
            continue
        taken: list[int] = list(due.get(day, ()))
        used, paced = 0, 0
        while waiting and (not paced or used + cost(waiting[0]) <= per_day):
            used += cost(waiting[0])
            paced += 1
            taken.append(waiting.pop(0).patient_id)
        if taken:
            out.append((day, tuple(taken)))
    return tuple(out)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _left_words(capacity: Capacity, left: int) -> str:
    if capacity.unit is CapacityUnit.CALLS:
        return "the calls left today" if left else "today's calls (all made)"
    return "the minutes left today" if left else "today's minutes (all used)"
