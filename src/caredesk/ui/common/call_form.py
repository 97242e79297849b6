"""The call form: outcome, note, minutes, program and the next follow-up.

The call panel's, and the chart's Log contact… dialog's (the same fields and keys wherever a
call is logged).

Keys (each acts at once and leaves the focus where it is, so what is typed next is
never lost): Alt+R/V/N/W/D pick the outcome; Alt+1..4 set the follow-up to the next
working day, one week, two weeks or one month from today; Alt+O goes to the note,
Alt+M to the minutes, Alt+G to the program, Alt+U ticks the follow-up. Tab runs
outcome -> note -> minutes -> program -> follow-up -> its date -> the quick choices.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from caredesk.domain.billing import main_program
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Chart
from caredesk.domain.workdays import US_FEDERAL
from caredesk.ui.common.forms import TYPED_MINUTES_MAX, KeyButton, date_edit, qdate

if TYPE_CHECKING:
    from caredesk.services.calls import CallLogged

# Alt+letter picks an outcome: the attempt log of SPEC §1.3. None of these letters is a
# menu's (File, Edit) nor another control's on the queue page.
OUTCOME_LABELS = (
    (Outcome.REACHED, "&Reached"),
    (Outcome.VOICEMAIL, "&Voicemail"),
    (Outcome.NO_ANSWER, "&No answer"),
    (Outcome.WRONG_NUMBER, "&Wrong number"),
    (Outcome.DECLINED, "&Declined"),
)


def what_followed(result: CallLogged) -> list[str]:
    """The sentences a saved call's consequences add to its confirmation (the queue's call
    panel and the chart's Log contact… say the same)."""
    parts = []
    if result.transition_met:
        parts.append("TCM contact marked as made.")
    if result.letter_task is not None:
        parts.append("Third unanswered call this month: a letter task was added.")
    return parts


def _in_a_month(day: date) -> date:
    """The same day next month, or that month's last day (01/31 -> 02/28)."""
    following = Month.of(day).next()
    return date(following.year, following.month, min(day.day, following.last_day.day))


# (label, key, date from today): the follow-ups a care manager sets most.
QUICK_FOLLOW_UPS: tuple[tuple[str, str, Callable[[date], date]], ...] = (
    ("Next workday", "Alt+1", US_FEDERAL.next_business_day),
    ("1 week", "Alt+2", lambda d: d + timedelta(days=7)),
    ("2 weeks", "Alt+3", lambda d: d + timedelta(days=14)),
    ("1 month", "Alt+4", _in_a_month),
)


def _width_for_items(combo: QComboBox) -> int:
    """The width the combo box's style needs to show its longest item whole."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    text_width = max((combo.fontMetrics().horizontalAdvance(t) for t in texts), default=0)
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    size = QSize(text_width, combo.fontMetrics().height())
    return combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, size, combo).width()


class CallForm(QWidget):
    """The fields of one call; the panel owns saving, the timer and drafts."""

    edited = Signal()  # any field changed by the user

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None):
        super().__init__(parent)
        self._today = today
        m = self.fontMetrics()
        self.outcomes = QButtonGroup(self)  # exclusive
        # Three a row: five side by side made the panel crowd the queue at 1280 px.
        outcome_row = QGridLayout()
        outcome_row.setSpacing(m.height() // 4)
        self.outcome_buttons: dict[Outcome, KeyButton] = {}
        for i, (outcome, label) in enumerate(OUTCOME_LABELS):
            b = KeyButton(label, f"Outcome {outcome.value}")
            b.setToolTip(f"{outcome.value.capitalize()} (Alt+{label[label.index('&') + 1]})")
            b.setCheckable(True)
            b.setProperty("segment", True)
            self.outcomes.addButton(b)
            self.outcome_buttons[outcome] = b
            outcome_row.addWidget(b, i // 3, i % 3)
        self.outcomes.buttonClicked.connect(lambda _b: self.edited.emit())

        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What was discussed, what was agreed")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(m.height() * 5)
        self.note.textChanged.connect(self.edited.emit)
        self.minutes = QSpinBox()
        # Wider than the rule (0-600, checked on save, naming Minutes): a box capped at 600 took
        # "700" as "70" and "9999" as "99" without a word, and those minutes were billed.
        self.minutes.setRange(0, TYPED_MINUTES_MAX)
        self.minutes.setSuffix(" min")
        self.minutes.setMinimumWidth(m.averageCharWidth() * 12)
        self.minutes.setAccessibleName("Minutes")
        self.minutes.setToolTip("Filled from the timer; change it if the call was timed elsewhere")
        self.program = QComboBox()
        self.program.setAccessibleName("Program")
        self.program.activated.connect(lambda _i: self.edited.emit())

        self.follow_up_check = QCheckBox("Follow-&up")
        self.follow_up_check.setAccessibleName("Set follow-up")
        self.follow_up_check.setToolTip("Set the next follow-up date (Alt+U)")
        self.follow_up = date_edit("Follow-up date")
        self.follow_up.setEnabled(False)
        self.follow_up_check.toggled.connect(self.follow_up.setEnabled)
        self.follow_up_check.clicked.connect(lambda _c: self.edited.emit())
        self.follow_up.dateChanged.connect(lambda _d: self.edited.emit())
        self.quick_buttons: list[KeyButton] = []
        quick = QHBoxLayout()
        quick.setSpacing(0)
        for label, keys, when in QUICK_FOLLOW_UPS:
            b = KeyButton(label, f"Follow-up {label.lower()}")
            b.setProperty("segment", True)
            b.set_key(keys)
            b.clicked.connect(lambda _c=False, when=when: self.set_follow_up(when(self._today())))
            self.quick_buttons.append(b)
            quick.addWidget(b)
        quick.addStretch(1)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up_check)
        follow_row.addWidget(self.follow_up)
        follow_row.addStretch(1)

        numbers = QHBoxLayout()
        numbers.addWidget(self.minutes)
        program_label = QLabel("Pro&gram")
        program_label.setBuddy(self.program)
        numbers.addSpacing(m.height())
        numbers.addWidget(program_label)
        numbers.addWidget(self.program, 1)
        minutes_label = QLabel("&Minutes")
        minutes_label.setBuddy(self.minutes)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Outcome", outcome_row)
        form.addRow("N&ote", self.note)
        form.addRow(minutes_label, numbers)
        form.addRow("", follow_row)
        form.addRow("", quick)
        self._tab_order()

    def _tab_order(self) -> None:
        chain: list[QWidget] = [
            *self.outcome_buttons.values(),
            self.note,
            self.minutes,
            self.program,
            self.follow_up_check,
            self.follow_up,
            *self.quick_buttons,
        ]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def first(self) -> QWidget:
        """The first field in the Tab order (and the last): the panel chains its own around them."""
        return next(iter(self.outcome_buttons.values()))

    def last(self) -> QWidget:
        return self.quick_buttons[-1]

    # -- values ------------------------------------------------------------------
    def outcome(self) -> Outcome | None:
        return next((o for o, b in self.outcome_buttons.items() if b.isChecked()), None)

    def set_outcome(self, outcome: Outcome | None) -> None:
        if outcome is None:
            self.outcomes.setExclusive(False)
            for b in self.outcome_buttons.values():
                b.setChecked(False)
            self.outcomes.setExclusive(True)
        else:
            self.outcome_buttons[outcome].setChecked(True)

    def set_programs(self, chart: Chart, today: date) -> None:
        """The patient's active programs, the one that bills this month first chosen."""
        self.program.clear()
        for program in dict.fromkeys(e.program for e in chart.active_enrollments(today)):
            self.program.addItem(program.value, program)
        main = main_program(chart.enrollments, Month.of(today))
        if main is not None and self.program.findData(main) >= 0:
            self.program.setCurrentIndex(self.program.findData(main))
        self.program.setEnabled(self.program.count() > 0)
        if self.program.count() == 0:
            self.program.addItem("Not enrolled", None)  # as the header says: "Not enrolled in a program"
        # Never narrower than its items: sized while still empty, it let a narrow panel cut
        # "No active program" to "No active progra". (AdjustToContents would resize the box
        # to its items behind the layout's back, undoing the stretch it has in its row.)
        self.program.setMinimumWidth(_width_for_items(self.program))

    def set_follow_up(self, day: date | None) -> None:
        """Tick the follow-up and set its date (None unticks it)."""
        self.follow_up_check.setChecked(day is not None)
        if day is not None:
            self.follow_up.setDate(qdate(day))
        self.edited.emit()

    def follow_up_date(self) -> date | None:
        """The ticked follow-up's date; ValidationError while its typed text is not a date."""
        if not self.follow_up_check.isChecked():
            return None
        return self.follow_up.checked_value()

    def reset(self) -> None:
        """Empty: no outcome, note or minutes; the follow-up unticked at a week from today."""
        blockers = [w.blockSignals(True) for w in (self.note, self.follow_up)]
        try:
            self.set_outcome(None)
            self.note.clear()
            self.minutes.setValue(0)
            self.follow_up_check.setChecked(False)
            self.follow_up.setDate(qdate(self._today() + timedelta(days=7)))
        finally:
            for w, was in zip((self.note, self.follow_up), blockers, strict=True):
                w.blockSignals(was)
