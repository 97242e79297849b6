"""The queue page's heading: today's date and how many are left to call, planned and reached."""

from __future__ import annotations

from datetime import date

from caredesk.domain.queue import ReasonKind
from caredesk.ui.queue.prepared import QueueFilter
from caredesk.ui.queue.table_model import QueueTableModel

EMPTY_TEXT = "Nobody to call today."


def heading_text(model: QueueTableModel, today: date) -> str:
    """E.g. "Tuesday, November 24 — 12 to call, 8 planned today"."""
    total = model.rowCount()
    # Those reached today stay in the queue (All) for their other reasons but are not to
    # call again today: "1 to call, 0 planned today" after the only patient was reached
    # read as a call still owed.
    reached = sum(ReasonKind.DONE_TODAY in model.kinds(r) for r in range(total))
    waiting = total - reached
    planned = model.count(QueueFilter.PLAN)
    if not total:
        to_call = EMPTY_TEXT
    elif not waiting:
        to_call = f"nobody left to call, {reached} reached today"
    else:
        to_call = f"{waiting} to call"
        if planned < waiting:  # the plan is what today holds; the queue is the month's
            to_call += f", {planned} planned today"
    return f"{today.strftime('%A, %B')} {today.day} — {to_call}"
