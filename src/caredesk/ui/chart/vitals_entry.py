"""The Vitals & labs tab's entry row: measure, value (a blood pressure as 142/88), unit, date, Add.

One row when the pane is wide enough (the tab calls `arrange`); in a narrow pane (the chart beside the patient list,
125 % scaling) the date and the button move to a second row instead of squeezing the value.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from caredesk.domain.readings import BLOOD_PRESSURE
from caredesk.ui.chart.vitals_dialogs import line
from caredesk.ui.chart.vitals_readings import MEASURES, measure_label, unit_for
from caredesk.ui.common.forms import button, combo, date_edit


class ReadingEntry(QWidget):
    """`measure` (combo over MEASURES), `value`, `day`, `add_button`; `chosen()` the measure's key."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.measure = combo("Measure to enter", [measure_label(m) for m in MEASURES])
        self.value = line("Value", "142/88")
        self.value.setMinimumWidth(self.fontMetrics().averageCharWidth() * 10)
        self.unit = QLabel()
        self.unit.setAccessibleName("Unit")
        self.day = date_edit("Reading date")
        self.add_button = button("Add &reading", primary=True)  # Alt+A is the Patients page's Add patient…
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.rows: tuple[list[QWidget], list[QWidget]] = ([], [])
        for text, widget in (("&Measure", self.measure), ("Val&ue", self.value), ("&Date", self.day)):
            label = QLabel(text)
            label.setBuddy(widget)
            self.rows[widget is self.day].extend([label, widget])
        self.rows[0].append(self.unit)
        self.rows[1].append(self.add_button)
        self.wide: bool | None = None
        self.arrange(wide=True)
        self.measure.currentIndexChanged.connect(self._measure_changed)
        self._measure_changed()

    def chosen(self) -> str:
        """The measure to enter: "blood pressure" or an ObservationKind's value."""
        return MEASURES[max(self.measure.currentIndex(), 0)]

    def _measure_changed(self) -> None:
        measure = self.chosen()
        unit = unit_for(measure)
        self.unit.setText(unit)
        self.value.setPlaceholderText("142/88" if measure == BLOOD_PRESSURE else f"number in {unit}")
        self.value.setAccessibleName(measure_label(measure))

    def arrange(self, *, wide: bool) -> None:
        """One row when wide, else the date and the button on a second row."""
        if wide == self.wide:
            return
        self.wide = wide
        first, second = self.rows
        for w in first + second:
            self.grid.removeWidget(w)
        for col, w in enumerate(first):
            self.grid.addWidget(w, 0, col)
        if wide:
            for i, w in enumerate(second):
                self.grid.addWidget(w, 0, len(first) + i)
        else:  # the date under the measure, the button beside it: not in the value's column
            label, day, add = second
            self.grid.addWidget(label, 1, 0)
            self.grid.addWidget(day, 1, 1)
            self.grid.addWidget(add, 1, 2, 1, 3, Qt.AlignmentFlag.AlignLeft)
        for col in range(len(first) + len(second)):
            self.grid.setColumnStretch(col, 1 if col == 3 else 0)  # the value takes the room

    def wide_width(self) -> int:
        """The width the one-row arrangement needs."""
        first, second = self.rows
        spacing = max(self.grid.horizontalSpacing(), 0)
        widths = [self.value.minimumWidth() if w is self.value else w.sizeHint().width() for w in first + second]
        return sum(widths) + spacing * (len(widths) - 1)
