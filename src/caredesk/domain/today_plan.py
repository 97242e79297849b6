"""Today's plan: which of the queue's patients to call today, within the care manager's
daily capacity, and what falls short (SPEC section 3 "Call queue"; issue 12 "Today's plan").

On the 1st of a month every active patient is "to call", so the queue alone is no plan. The
plan puts first the patients who must be called today (an open safety flag, a transition
deadline due or overdue, a follow-up, task or appointment reminder due), then as many of the
rest, in queue order, as the calls left today allow. The patients still short of a billing
threshold who do not fit are spread over the working days left; when they cannot all be
reached at this capacity, or today's musts alone exceed it, the plan says so.

Pure: takes the ranked entries (caredesk.domain.queue.rank), the capacity in calls and the
calls already made today. The capacity setting and the screens are not built yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from caredesk.domain.queue import QueueEntry, ReasonKind
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

_DUE_KINDS = frozenset({ReasonKind.TRANSITION, ReasonKind.FOLLOW_UP, ReasonKind.TASK})


@dataclass(frozen=True, slots=True)
class TodayPlan:
    must: tuple[int, ...]  # patient ids that must be called today, in queue order
    fits: tuple[int, ...]  # then as many as the calls left today allow, in queue order
    later: tuple[int, ...]  # the rest, in queue order
    calls_per_day_after_today: int  # to reach every patient still short of minutes in time
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
    capacity: int,
    called_today: int,
    as_of: date,
    calendar: BusinessCalendar = US_FEDERAL,
) -> TodayPlan:
    """Today's plan for the ranked `entries` with `capacity` calls a day (at least 1) of which
    `called_today` are made. Raises ValueError for a capacity below 1 or a negative count."""
    if capacity < 1 or called_today < 0:
        raise ValueError("capacity must be at least 1 call and calls made today not negative")
    must = [e.patient_id for e in entries if must_call_today(e, as_of)]
    left = max(0, capacity - called_today - len(must))
    chosen = set(must)
    # A patient reached today is not called again today; still short of minutes, they are
    # among those spread over the days after.
    rest = [e for e in entries if e.patient_id not in chosen and not _done(e)]
    fits = rest[:left]
    later = rest[left:] + [e for e in entries if e.patient_id not in chosen and _done(e)]
    short: list[str] = []
    over = len(must) - max(0, capacity - called_today)
    if over > 0:
        short.append(f"{len(must)} patients must be called today: {over} more than the calls left today")
    chased = [e for e in later if any(r.kind is ReasonKind.MINUTES for r in e.reasons)]
    days_after = calendar.business_days_left(as_of) - (1 if calendar.is_business_day(as_of) else 0)
    per_day = -(-len(chased) // days_after) if days_after > 0 else len(chased)
    if chased and days_after == 0:
        short.append(f"{len(chased)} patients short of minutes do not fit today and no working day is left")
    elif per_day > capacity:
        short.append(
            f"{len(chased)} patients short of minutes need {per_day} calls a day over the {days_after} working days "
            f"left; {capacity} fit"
        )
    return TodayPlan(
        tuple(must),
        tuple(e.patient_id for e in fits),
        tuple(e.patient_id for e in later),
        per_day,
        tuple(short),
    )
