"""Record the safety check of a flagged screen: who did it, when, what was done, a note
(the safety protocol of SPEC section 3 and issue 10; services.assessments.record_safety_check).

The flag leaves the chart's banner and the queue only when this is saved. A refusal names
its field ("Actions say what was done...", "Checked at cannot be in the future.") and nothing
is saved. The time is the clinic's, typed as a US clock time ("9:30 AM", "14:30").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QVBoxLayout, QWidget

from caredesk.domain.appointments import clock_time, parse_clock_time
from caredesk.domain.calendar import us_date
from caredesk.domain.safety import SafetyAction, SafetyFlag
from caredesk.errors import ValidationError
from caredesk.services import assessments as screens
from caredesk.services.changes import Saved
from caredesk.services.practice import signature
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.tab_parts import DATE_HINT, FormDialog, date_text, line, typed_date


def flag_text(flag: SafetyFlag) -> str:
    """'PHQ-9 item 9 positive on 11/24/2026 (screen 12)'."""
    return f"{flag.what} on {us_date(flag.taken_on)} (screen {flag.assessment_id})"


class SafetyCheckDialog(FormDialog):
    """The form for one of the patient's open flags (a choice when several are open)."""

    def __init__(self, ws: Workspace, flags: list[SafetyFlag], parent: QWidget | None = None):
        super().__init__("Record safety check", parent)
        self.ws, self.flags = ws, flags
        self.flag_box = QComboBox()
        self.flag_box.setAccessibleName("Flagged screen")
        for f in flags:
            self.flag_box.addItem(flag_text(f), f.assessment_id)
        self.flag_box.setEnabled(len(flags) > 1)
        now = ws.clock.now().astimezone(ws.tz)
        self.by = line("Checked by", "Name, credentials", signature(ws))
        self.day = line("Date", DATE_HINT, date_text(now.date()))
        self.time = line("Time", "e.g. 9:30 AM", clock_time(now))
        self.done_box = QWidget()
        self.done_box.setAccessibleName("What was done")
        box = QVBoxLayout(self.done_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.action_boxes: dict[SafetyAction, QCheckBox] = {}
        for a in SafetyAction:
            check = QCheckBox(a.label[:1].upper() + a.label[1:])
            check.setAccessibleName(a.label)
            box.addWidget(check)
            self.action_boxes[a] = check
        self.done_box.setFocusProxy(self.action_boxes[SafetyAction.CRISIS_LINE])
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setTabChangesFocus(True)  # Tab leaves the note for Save
        self.note.setPlaceholderText("What was said and agreed (needed with 'other')")
        self.note.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)  # the flag's words whole
        self.add_rows(
            [
                ("&Screen", self.flag_box, "screen"),
                ("Checked &by", self.by, "checked by"),
                ("&Date", self.day, "date"),
                ("T&ime", self.time, "time"),
                ("What was done\n(tick each)", self.done_box, "what was done"),
                ("&Note", self.note, "note"),
            ]
        )
        self.fields["checked at"] = self.day  # the service names the whole moment
        self.fields["actions"] = self.done_box
        (self.by if len(flags) == 1 else self.flag_box).setFocus()

    def chosen(self) -> list[SafetyAction]:
        return [a for a, check in self.action_boxes.items() if check.isChecked()]

    def checked_at(self) -> datetime:
        day = typed_date("date", self.day)
        assert day is not None
        return datetime.combine(day, parse_clock_time("time", self.time.text()), tzinfo=self.ws.tz)

    def save(self) -> Saved[Any]:
        if not self.chosen():  # said with the boxes' words (the service names the CLI's values)
            labels = ", ".join(a.label for a in SafetyAction)
            raise ValidationError("what was done", f"needs at least one box ticked: {labels}")
        return screens.record_safety_check(
            self.ws,
            int(self.flag_box.currentData()),
            self.chosen(),
            self.note.toPlainText(),
            self.by.text(),
            checked_at=self.checked_at(),
        )
