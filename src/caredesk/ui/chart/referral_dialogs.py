"""The Referrals tab's two forms: "Refer…" (a new proposed referral) and "Next step…".

Refer: the need, then a resource chosen from the active resources meeting it (a search box
filters the list by name), the date (default today) and a note. When the patient's latest
social-needs screen found the need positive, the form says so and the referral names that
screen (services.referrals.refer(assessment_id=...)). Next step: only the steps the closed
loop allows from the referral's status (caredesk.domain.referrals.NEXT), plus "news" (the same
status again, with a note), a date and an outcome note. Refusals name their field; nothing is
saved then.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date
from caredesk.domain.community import CommunityResource, Need, name_matches
from caredesk.domain.referrals import NEXT, ReferralStatus
from caredesk.errors import ValidationError
from caredesk.services import community as directory
from caredesk.services import referrals as referral_service
from caredesk.services.changes import Saved
from caredesk.services.referrals import ReferralView, Suggestions
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.tab_parts import DATE_HINT, FormDialog, date_text, line, typed_date
from caredesk.ui.common.forms import info_label


def need_title(need: Need) -> str:
    """ "Food", "Interpersonal safety": a need as a choice in a list."""
    return need.label[:1].upper() + need.label[1:]


def need_words(need: Need) -> str:
    """The need in a sentence: "food", "interpersonal safety", "other needs"."""
    return "other needs" if need is Need.OTHER else need.label


def resource_line(r: CommunityResource) -> str:
    """'Riverside Food Pantry' over '(555) 010-2000 · Mon-Fri 9-5' (what is known of it)."""
    reach = " · ".join(part for part in (r.phone, r.hours) if part)
    return f"{r.name}\n{reach}" if reach else r.name


def note_box(name: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab leaves the note for Save
    box.setMaximumHeight(box.fontMetrics().lineSpacing() * 5)
    return box


class ReferDialog(FormDialog):
    """Propose a referral. `need`: the need the form opens on (default: the first positive need
    of the latest screen without a referral, else the first need)."""

    def __init__(
        self,
        ws: Workspace,
        patient_id: int,
        suggestions: Suggestions,
        need: Need | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__("Refer to a community resource", parent)
        self.ws, self.patient_id, self.suggestions = ws, patient_id, suggestions
        self.need = QComboBox()
        self.need.setAccessibleName("Need")
        for n in Need:
            self.need.addItem(need_title(n), n.value)  # a str Enum reaches Qt as plain text
        self.search = line("Search resources", "Search: type part of a name")
        self.search.setClearButtonEnabled(True)
        self.resource_list = QListWidget()
        self.resource_list.setAccessibleName("Resource")
        self.resource_list.setWordWrap(True)  # a long name wraps instead of scrolling sideways
        self.resource_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.resource_list.setAlternatingRowColors(True)
        self.resource_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)
        self.hint = info_label("About the resources listed", "hint")
        picker = QWidget()
        picker.setAccessibleName("Resource and search")
        box = QVBoxLayout(picker)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search)
        box.addWidget(self.resource_list)
        box.addWidget(self.hint)
        self.day = line("Date", DATE_HINT, date_text(ws.today()))
        self.note = note_box("Note", "optional: what was agreed with the patient")
        picker.setFocusProxy(self.search)  # Alt+R: the search box, then Tab to the list
        self.add_rows(
            [
                ("&Need", self.need, "need"),
                ("&Resource", picker, "search"),
                ("&Date", self.day, "date"),
                ("N&ote", self.note, "note"),
            ]
        )
        QWidget.setTabOrder(self.need, self.search)
        QWidget.setTabOrder(self.search, self.resource_list)
        QWidget.setTabOrder(self.resource_list, self.day)
        self.fields["resource"] = self.resource_list
        self.fields["referral"] = self.resource_list  # "an open referral to this resource..."
        self.fields["screen"] = self.need
        self.search.textChanged.connect(lambda _t: self._filter())
        self.need.currentIndexChanged.connect(lambda _i: self._fill())
        first = need or next((s.need for s in suggestions.needs if not s.referred), None)
        self.need.setCurrentIndex(self.need.findData((first or Need.FOOD).value))
        self._fill()
        self.need.setFocus()

    def chosen_need(self) -> Need:
        return Need(self.need.currentData())

    def _suggested(self) -> bool:
        return any(s.need is self.chosen_need() for s in self.suggestions.needs)

    def _fill(self) -> None:
        """The active resources meeting the need, by name."""
        need = self.chosen_need()
        found = directory.resources(self.ws, need=need)
        self.resource_list.clear()
        for r in found:
            item = QListWidgetItem(resource_line(r))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            item.setToolTip("\n".join(p for p in (r.address, r.eligibility, r.notes) if p))
            self.resource_list.addItem(item)
        screen = self.suggestions.screen
        if not found:
            self.hint.setText(
                f"No active resource meets {need_words(need)}. Add one under File > Community resources (Ctrl+Shift+R)."
            )
        elif self._suggested() and screen is not None:
            self.hint.setText(
                f"{need_title(need)} was positive on the {us_date(screen.taken_on)} social-needs screen: "
                f"{len(found)} resource{'s' if len(found) != 1 else ''} meet{'s' if len(found) == 1 else ''} it."
            )
        else:
            self.hint.setText(f"{len(found)} active resource{'s' if len(found) != 1 else ''} meet {need_words(need)}.")
        self._filter()

    def _filter(self) -> None:
        text = self.search.text()
        for i in range(self.resource_list.count()):
            item = self.resource_list.item(i)
            item.setHidden(not name_matches(item.text().split("\n")[0], text))
        current = self.resource_list.currentItem()
        if current is None or current.isHidden():
            shown = [self.resource_list.item(i) for i in range(self.resource_list.count())]
            first = next((it for it in shown if not it.isHidden()), None)
            if first is None:
                self.resource_list.setCurrentRow(-1)
            else:
                self.resource_list.setCurrentItem(first)

    def resource_id(self) -> int:
        item = self.resource_list.currentItem()
        if item is None or item.isHidden():
            raise ValidationError("resource", "is required: choose one from the list")
        return int(item.data(Qt.ItemDataRole.UserRole))

    def save(self) -> Saved[Any]:
        need = self.chosen_need()
        rid = self.resource_id()
        day = typed_date("date", self.day)
        screen = self.suggestions.screen
        prompted = screen.id if screen is not None and self._suggested() else None
        return referral_service.refer(
            self.ws, self.patient_id, rid, need, on=day, note=self.note.toPlainText(), assessment_id=prompted
        )


def step_choices(status: ReferralStatus) -> list[tuple[str, ReferralStatus]]:
    """What may follow `status`, in the loop's order, then news (the same status, with a note).
    A closed referral offers nothing."""
    if not NEXT[status]:
        return []
    out = [(s.value[:1].upper() + s.value[1:], s) for s in ReferralStatus if s in NEXT[status]]
    out.append((f"News only (still {status.value}; needs a note)", status))
    return out


class NextStepDialog(FormDialog):
    """Record the referral's next step: its status, date and outcome note."""

    def __init__(self, ws: Workspace, view: ReferralView, parent: QWidget | None = None):
        super().__init__("Next referral step", parent)
        self.ws, self.view = ws, view
        r = view.referral
        about = info_label("Referral")
        about.setText(f"{view.resource.name} ({r.need.label}): {r.status.value} on {us_date(r.last_step.on)}")
        self.form.addRow("", about)
        self.step = QComboBox()
        self.step.setAccessibleName("Step")
        for text, status in step_choices(r.status):
            self.step.addItem(text, status.value)
        self.day = line("Date", DATE_HINT, date_text(ws.today()))
        self.note = note_box("Outcome note", "what happened: e.g. intake set for 12/02")
        self.add_rows(
            [("S&tep", self.step, "status"), ("&Date", self.day, "date"), ("&Outcome note", self.note, "note")]
        )

    def save(self) -> Saved[Any]:
        assert self.view.referral.id is not None
        value = self.step.currentData()
        if value is None:
            raise ValidationError("status", "this referral is closed; make a new referral")
        status = ReferralStatus(value)
        day = typed_date("date", self.day)
        return referral_service.record_step(
            self.ws, self.view.referral.id, status, on=day, note=self.note.toPlainText()
        )
