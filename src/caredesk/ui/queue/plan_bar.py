"""Today's plan in words above the queue: how many must be called, how many more fit the
daily capacity, how the rest spread over the working days left, and what falls short."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_month_day
from caredesk.domain.call_capacity import CapacityUnit
from caredesk.domain.today_plan import TodayPlan
from caredesk.ui.common import theme


def summary(p: TodayPlan) -> str:
    """The plan in two sentences: "Today's plan: 2 must be called, 18 more calls fit in your day.
    Your day: 20 calls a day; 3 calls made today."; "no calls fit" only while someone waits for a call the
    day set leaves no room for, "nobody is due today" when nobody waits."""
    cap = p.capacity
    done = cap.amount_text(p.done_today)
    done_words = f"{done} made today" if cap.unit is CapacityUnit.CALLS else f"{done} logged today"
    parts = [f"{len(p.must)} must be called"] if p.must else []
    more = "more " if p.must else ""
    if p.fits:  # "1 fit" was cryptic to a nurse reading it: the calls that fit in the day set
        n = len(p.fits)
        parts.append(f"{n} {more}call{'' if n == 1 else 's'} fit{'s' if n == 1 else ''} in your day")
    elif p.waiting:  # patients wait, but the day set leaves no room for the next
        parts.append(f"no {more}calls fit in your day")
    else:  # everyone left was reached today, or nobody was in the queue to call
        parts.append("nobody else is due today" if p.must else "nobody is due today")
    if cap.unit is CapacityUnit.MINUTES and (p.must or p.fits):
        parts.append(f"about {cap.amount_text(p.planned)} planned")
    return f"Today's plan: {', '.join(parts)}. Your day: {cap.describe()}; {done_words}."


def later_text(p: TodayPlan) -> str:
    """Who waits for later days, and the pace that reaches those short of minutes in time."""
    n = len(p.later)
    if not n:
        return "Nobody is left for later days."
    text = f"Later: {n} patient{'' if n == 1 else 's'} (All shows them)"
    if p.per_day_after_today and p.days_after_today:
        days = p.days_after_today
        text += (
            f"; {p.capacity.amount_text(p.per_day_after_today)} a day over the {days} working "
            f"day{'' if days == 1 else 's'} after today reach those short of minutes in time"
        )
    if p.spread:
        day, ids = p.spread[0]
        text += f" ({day.strftime('%A')} {us_month_day(day)}: {len(ids)} of them)"
    return text + "."


class PlanBar(QWidget):
    """The plan's summary, its shortfalls (in the warning colour) and the capacity button."""

    capacity_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Today's plan")
        self.later = QLabel()
        self.later.setWordWrap(True)
        theme.set_role(self.later, "hint")
        self.short = QLabel()
        self.short.setWordWrap(True)
        self.short.setAccessibleName("What falls short")
        theme.set_role(self.short, "warning")
        self.short.hide()
        self.capacity_button = QPushButton("Daily c&apacity…")
        self.capacity_button.setAccessibleName("Change the daily capacity today's plan fills")
        self.capacity_button.setToolTip("How many calls, or minutes of calls, fit in your day")
        self.capacity_button.clicked.connect(self.capacity_requested)
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(2)
        for label in (self.summary, self.later, self.short):
            # Wrapped words take the width the queue leaves them; they never widen the page.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            words.addWidget(label)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(words, 1)
        row.addWidget(self.capacity_button)

    def show_plan(self, p: TodayPlan | None) -> None:
        """Show `p`, or nothing (no store open, or the queue is empty)."""
        if p is None:
            for label in (self.summary, self.later, self.short):
                label.clear()
            self.short.hide()
            self.setVisible(False)
            return
        self.setVisible(True)
        self.summary.setText(summary(p))
        self.later.setText(later_text(p))
        self.short.setText("\n".join(f"Short: {why}" for why in p.short))
        self.short.setVisible(bool(p.short))
        self.short.setAccessibleDescription(self.short.text())
