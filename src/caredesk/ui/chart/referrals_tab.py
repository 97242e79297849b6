"""The chart's "Referrals" tab: the patient's referrals to community resources until the loop
is closed (SPEC sections 1.6 and 3; issue 10).

Top to bottom: a line when the latest social-needs screen has a positive need no referral
answers yet ("Food need positive on 11/24 screen - 2 food resources.") with "Refer…" beside
it; the referrals, open ones first (resource, need, status with "no news for N days" once an
open referral has been quiet NO_NEWS_DAYS, the last step's date); the selected referral's
steps in full (date, status, note). "Refer…" and "Next step…" open the forms of
caredesk.ui.chart.referral_dialogs. Every write is published, so the queue's "no referral yet"
and "... - no news" reasons leave or return at once.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date, us_month_day
from caredesk.domain.community import Need
from caredesk.domain.referrals import NO_NEWS_DAYS, Referral, ReferralStep
from caredesk.domain.referrals import Suggestion as NeedSuggestion
from caredesk.services import referrals as referral_service
from caredesk.services.changes import Changes, Kind
from caredesk.services.referrals import ReferralView, Suggestions
from caredesk.ui.chart.referral_dialogs import NextStepDialog, ReferDialog, need_title, need_words, step_choices
from caredesk.ui.chart.tab_parts import ButtonRow, LazyTab, RecordTable, Row
from caredesk.ui.common.forms import button, heading, info_label

D = TypeVar("D", ReferDialog, NextStepDialog)
HEADERS = ("Referral", "Status", "Last step")


def quiet_days(referral: Referral, today: date) -> int | None:
    """Days since an open referral's last step, when NO_NEWS_DAYS or more (the queue's rule)."""
    days = (today - referral.last_step.on).days
    return days if referral.is_open and days >= NO_NEWS_DAYS else None


def referral_row(view: ReferralView, today: date) -> Row:
    """(resource over need, status, last step) and its look: quiet too long amber, closed muted.
    Two short lines per cell, so the resource's name keeps its width at 125% scaling."""
    r = view.referral
    assert r.id is not None
    name = view.resource.name + ("" if view.resource.active else " (inactive)")
    status = r.status.value
    role = "" if r.is_open else "muted"
    if (days := quiet_days(r, today)) is not None:
        status += f"\nno news for {days} days"
        role = "warning"
    return Row(r.id, (f"{name}\nfor {need_words(r.need)}", status, us_date(r.last_step.on)), role)


def step_row(n: int, step: ReferralStep) -> Row:
    return Row(n, (us_date(step.on), step.status.value, step.note or "—"))


def suggestion_text(s: NeedSuggestion, screen_on: date) -> str:
    """'Food need positive on 11/24 screen - 2 food resources.'"""
    n = len(s.resources)
    found = f"{n} {s.need.label} resource{'s' if n != 1 else ''}" if n else f"no active {s.need.label} resource yet"
    return f"{need_title(s.need)} need positive on {us_month_day(screen_on)} screen - {found}."


def ordered(views: list[ReferralView]) -> list[ReferralView]:
    """Open referrals first, then closed ones; newest first within each."""
    return sorted(
        views, key=lambda v: (not v.referral.is_open, -v.referral.opened_on.toordinal(), -(v.referral.id or 0))
    )


class ReferralsTab(LazyTab):
    tab_title = "Referrals"
    kinds = (Kind.REFERRAL, Kind.ASSESSMENT)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Referrals")
        self._views: dict[int, ReferralView] = {}
        self.suggestions = Suggestions(None, ())
        self.suggestion = info_label("Suggested referral", "warning")
        self.suggest_button = button("Refer for this &need…", "Refer for the suggested need", link=True)
        self.suggest_button.clicked.connect(lambda: self.refer(self._first_unreferred()))
        self.suggestion_row = QWidget()
        row = QHBoxLayout(self.suggestion_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.suggestion, 1)
        row.addWidget(self.suggest_button)

        self.table = RecordTable("Referrals", HEADERS, 0)
        self.table.current_changed.connect(self._show_current)
        self.table.activated.connect(lambda _index: self.next_step())
        self.none = heading("No referrals yet. Refer the patient to a community resource to follow it here.", "muted")
        self.refer_button = button("&Refer…", "Refer to a community resource")
        self.step_button = button("Ne&xt step…", "Record the next step of the selected referral")
        self.refer_button.clicked.connect(lambda: self.refer())
        self.step_button.clicked.connect(self.next_step)

        self.detail_title = info_label("Selected referral", "section")
        self.steps = RecordTable("Referral steps", ("Date", "Status", "Note"), 2, fit_height=True)
        self.steps.setSelectionMode(RecordTable.SelectionMode.NoSelection)  # read, not picked

        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.suggestion_row)
        lay.addWidget(heading("Referrals", "section"))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.none)
        lay.addLayout(ButtonRow(self.refer_button, self.step_button))
        lay.addWidget(self.detail_title)
        lay.addWidget(self.steps)
        lay.addStretch(0)
        self.drop()

    # -- reading -----------------------------------------------------------------
    def _changed(self, changes: Changes, source: object) -> None:
        # The directory's own writes name no patient (a resource added): the counts of the
        # suggestion line and the Refer form's list read it, so read again too.
        if self.patient_id is not None and not changes.patients and changes.touches(Kind.REFERRAL):
            changes = Changes.of([self.patient_id], Kind.REFERRAL)
        super()._changed(changes, source)

    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        views = ordered(referral_service.referrals(self.ws, self.patient_id))
        self._views = {v.referral.id: v for v in views if v.referral.id is not None}
        self.suggestions = referral_service.suggestions(self.ws, self.patient_id)
        self._show_suggestion()
        today = self.ws.today()
        self.table.fill([referral_row(v, today) for v in views])
        self.setEnabled(True)

    def drop(self) -> None:
        self._views = {}
        self.suggestions = Suggestions(None, ())
        self._show_suggestion()
        self.table.fill([])
        self.setEnabled(self.patient_id is not None)

    def _first_unreferred(self) -> Need | None:
        return next((s.need for s in self.suggestions.needs if not s.referred), None)

    def _show_suggestion(self) -> None:
        screen = self.suggestions.screen
        waiting = [s for s in self.suggestions.needs if not s.referred]
        self.suggestion_row.setVisible(bool(waiting) and screen is not None)
        if not waiting or screen is None:
            self.suggestion.clear()
            return
        self.suggestion.setText(" ".join(suggestion_text(s, screen.taken_on) for s in waiting))
        first = waiting[0].need.label
        self.suggest_button.setText(f"Refer for {first}…")
        self.suggest_button.setAccessibleName(f"Refer for {first}")

    def current(self) -> ReferralView | None:
        rid = self.table.current_id()
        return None if rid is None else self._views.get(rid)

    def _show_current(self) -> None:
        view = self.current()
        has_rows = self.table.rowCount() > 0
        self.table.setVisible(has_rows)
        self.none.setVisible(not has_rows)
        self.refer_button.setEnabled(self.patient_id is not None)
        self.step_button.setEnabled(view is not None and bool(step_choices(view.referral.status)))
        for part in (self.detail_title, self.steps):
            part.setVisible(view is not None)
        if view is None:
            self.detail_title.clear()
            self.steps.fill([])
            return
        r = view.referral
        ended = "" if r.is_open else f", {r.status.value} {us_date(r.last_step.on)}"
        # The phone never breaks across lines (a no-break space inside "(555) 010-2000").
        reach = " · ".join(
            p.replace(" ", "\u00a0") if p is view.resource.phone else p
            for p in (view.resource.phone, view.resource.hours)
            if p
        )
        self.detail_title.setText(
            f"{view.resource.name} for {need_words(r.need)}: opened {us_date(r.opened_on)}{ended}."
            + (f"\n{reach}" if reach else "")
        )
        self.steps.fill([step_row(n, s) for n, s in enumerate(r.steps)])

    # -- writing -------------------------------------------------------------------
    def refer(self, need: Need | None = None) -> ReferDialog | None:
        if self.ws is None or self.patient_id is None:
            return None
        dialog = ReferDialog(self.ws, self.patient_id, self.suggestions, need, parent=self)
        return self._open(dialog)

    def next_step(self) -> NextStepDialog | None:
        view = self.current()
        if self.ws is None or view is None or not step_choices(view.referral.status):
            return None
        return self._open(NextStepDialog(self.ws, view, parent=self))

    def _open(self, dialog: D) -> D:
        def done() -> None:
            saved = dialog.saved  # the hub has already refreshed the rows (published before accept)
            if isinstance(saved, Referral) and saved.id is not None:
                self.table.select_id(saved.id)
            self.table.setFocus()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog
