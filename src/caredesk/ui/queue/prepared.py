"""The queue's reading side: what the worker that builds today's queue computes, so the GUI
thread only swaps lists in (pure Python, no Qt).

Per row it keeps the set of reason kinds (a filter is one set test per row), the due date the
table shows, today's plan and the count each filter shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from caredesk.domain.queue import ReasonKind
from caredesk.domain.today_plan import TodayPlan
from caredesk.services.call_queue import CallQueue, QueueRow


class QueueFilter(str, Enum):
    PLAN = "Plan"  # today's plan: who must be called today, then as many as fit the daily capacity
    ALL = "All"
    DEADLINES = "Deadlines"
    NEEDS_MINUTES = "Needs minutes"
    FOLLOW_UPS = "Follow-ups"


# Which reason kinds put a row in each filter (ALL takes every row).
FILTER_KINDS: dict[QueueFilter, frozenset[ReasonKind]] = {
    QueueFilter.DEADLINES: frozenset({ReasonKind.SAFETY, ReasonKind.TRANSITION, ReasonKind.FOLLOW_UP, ReasonKind.TASK}),
    QueueFilter.NEEDS_MINUTES: frozenset({ReasonKind.MINUTES}),
    QueueFilter.FOLLOW_UPS: frozenset({ReasonKind.FOLLOW_UP}),
}


def accepts(kinds: frozenset[ReasonKind], which: QueueFilter) -> bool:
    """Whether a row with these reason kinds is in the filter (today's plan is by patient, not kind)."""
    return which is QueueFilter.ALL or (which in FILTER_KINDS and bool(kinds & FILTER_KINDS[which]))


def shown_due(row: QueueRow) -> date | None:
    """The due date of the most urgent reason that has one.

    QueueEntry.due is the earliest of all reasons, so a care-plan review overdue since
    June would stand beside a discharge due tomorrow; the column answers "by when is
    the reason I am calling for due".
    """
    return next((r.due for r in row.entry.reasons if r.due is not None), None)


@dataclass(frozen=True)
class PreparedQueue:
    """Ranked rows with what the model keeps per row and the count each filter shows.

    Built by `prepare` on the worker that builds the queue, so the GUI thread only swaps
    lists in (1,800 rows' reason sets, due dates and filter counts were ~15 ms there).
    """

    rows: list[QueueRow]
    kinds: list[frozenset[ReasonKind]]
    dues: list[date | None]
    plan: frozenset[int]
    counts: dict[QueueFilter, int]
    today: date


def prepare(rows: Iterable[QueueRow], today: date, plan: frozenset[int] = frozenset()) -> PreparedQueue:
    """Pure Python over the rows; safe off the GUI thread."""
    rows = list(rows)
    kinds = [frozenset(r.kind for r in row.entry.reasons) for row in rows]
    counts: dict[QueueFilter, int] = {QueueFilter.PLAN: sum(row.patient_id in plan for row in rows)}
    for which in QueueFilter:
        if which is not QueueFilter.PLAN:
            counts[which] = sum(accepts(k, which) for k in kinds)
    return PreparedQueue(rows, kinds, [shown_due(row) for row in rows], plan, counts, today)


# What a build or a re-score hands the page: the model's rows and today's plan (None with no rows).
Prepared = tuple[PreparedQueue, TodayPlan | None]


def prepare_rows(queue: CallQueue, rows: list[QueueRow]) -> Prepared:
    """Today's plan and the model's rows, ready to swap in (on the worker: the plan counts
    today's calls over every active patient's contacts, 20-60 ms at 2,000 patients)."""
    plan = queue.plan() if rows else None
    today_ids = frozenset(plan.today) if plan is not None else frozenset()
    return prepare(rows, queue.ws.today(), today_ids), plan
