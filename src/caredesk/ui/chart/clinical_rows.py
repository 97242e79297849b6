"""The Clinical tab's lists: a record table as tall as its rows, and each record as a row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton

from caredesk.domain.allergies import is_none_known
from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Adherence, Allergy, CareTeamMember, Condition, Medication
from caredesk.ui.chart.tab_parts import RecordTable, Row

DASH = "—"


class FitTable(RecordTable):
    """A RecordTable as tall as its rows (a short list on a scrolling page, never a scroll inside a
    scroll), whose long-text columns share the spare width and wrap, and whose plain keys act."""

    def __init__(self, name: str, headers: Sequence[str], *stretch: int):
        super().__init__(name, headers, stretch[0], fit_height=True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for column in stretch[1:]:
            self.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.keys: dict[Qt.Key, Callable[[], object]] = {}  # plain keys that act on the list

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.keys.get(Qt.Key(event.key()))
        if action is not None and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            action()
            return
        super().keyPressEvent(event)


def condition_row(c: Condition) -> Row:
    assert c.id is not None
    return Row(
        c.id, (c.icd10, c.display, "chronic" if c.chronic else "not chronic", us_date(c.onset) if c.onset else DASH)
    )


def allergy_row(a: Allergy) -> Row:
    assert a.id is not None
    return Row(a.id, (a.substance, a.reaction or DASH), "muted" if is_none_known(a) else "")


def member_row(m: CareTeamMember) -> Row:
    assert m.id is not None
    return Row(m.id, (m.role, m.name, m.phone or DASH, m.organization or DASH))


def current_row(m: Medication) -> Row:
    """(medication, dose, frequency, adherence, since); poor adherence in the warning colour."""
    assert m.id is not None
    since = us_date(m.start_date) if m.start_date else DASH
    role = "warning" if m.adherence is Adherence.POOR else ""
    return Row(m.id, (m.name, m.dose or DASH, m.frequency or DASH, m.adherence.value, since), role)


def stopped_row(m: Medication) -> Row:
    """(medication with its dose and frequency, from - to, why stopped), muted."""
    assert m.id is not None and m.stop_date is not None
    what = m.name + "".join(f", {x}" for x in (m.dose, m.frequency) if x)
    taken = f"{us_date(m.start_date) if m.start_date else '?'} – {us_date(m.stop_date)}"
    return Row(m.id, (what, taken, m.stop_reason or DASH), "muted")


R = TypeVar("R", Condition, Allergy, CareTeamMember, Medication)


def selected(table: RecordTable, records: Sequence[R]) -> R | None:
    """The record selected in `table`, from the ones it lists."""
    rid = table.current_id()
    return next((r for r in records if r.id == rid), None) if rid is not None else None


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


def list_keys(
    table: FitTable, add: Callable[[], object], edit: Callable[[], object], remove: Callable[[], object]
) -> None:
    """Insert adds, Enter (or a double click) edits, Delete removes: the list alone does the work."""
    table.keys = {Qt.Key.Key_Insert: add, Qt.Key.Key_Delete: remove}
    table.activated.connect(lambda _index: edit())
