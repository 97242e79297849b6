"""The daily capacity today's plan fills: calls a day, or minutes of calls a day with an
ordinary call's length (caredesk.domain.call_capacity). Kept in the store, so the CLI's
`caredesk queue --plan` plans alike."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.call_capacity import (
    CALL_MINUTES_RANGE,
    CALLS_RANGE,
    MINUTES_RANGE,
    Capacity,
    CapacityUnit,
)
from caredesk.ui.common.forms import dialog_buttons, heading


class CapacityDialog(QDialog):
    def __init__(self, capacity: Capacity, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Daily capacity")
        self.by_calls = QRadioButton("Plan by &calls")
        self.by_minutes = QRadioButton("Plan by &minutes of calls")
        self.calls = QSpinBox()
        self.calls.setRange(*CALLS_RANGE)
        self.calls.setSuffix(" calls a day")
        self.calls.setAccessibleName("Calls a day")
        self.minutes = QSpinBox()
        self.minutes.setRange(*MINUTES_RANGE)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" minutes a day")
        self.minutes.setAccessibleName("Minutes of calls a day")
        self.call_minutes = QSpinBox()
        self.call_minutes.setRange(*CALL_MINUTES_RANGE)
        self.call_minutes.setSuffix(" minutes")
        self.call_minutes.setAccessibleName("An ordinary call takes, in minutes")
        by_minutes = capacity.unit is CapacityUnit.MINUTES
        (self.by_minutes if by_minutes else self.by_calls).setChecked(True)
        self.calls.setValue(capacity.amount if not by_minutes else Capacity().amount)
        self.minutes.setValue(capacity.amount if by_minutes else 240)
        self.call_minutes.setValue(capacity.call_minutes)
        for b in (self.by_calls, self.by_minutes):
            b.toggled.connect(self._enable)
        form = QFormLayout()
        form.addRow(self.by_calls, self.calls)
        form.addRow(self.by_minutes, self.minutes)
        form.addRow("An ordinary call &takes", self.call_minutes)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("How much calling fits in your day", "section"))
        layout.addLayout(form)
        layout.addWidget(
            heading(
                "Today's plan puts first whoever must be called today, then as many more as fit. "
                "By minutes, a patient short of a billing threshold is planned at the minutes still "
                "needed, and never below an ordinary call.",
                "hint",
            )
        )
        layout.addWidget(
            dialog_buttons(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self.accept, self.reject
            )
        )
        self._enable()
        (self.by_minutes if by_minutes else self.by_calls).setFocus()  # arrows pick, Tab reaches the box

    def _enable(self) -> None:
        minutes = self.by_minutes.isChecked()
        self.calls.setEnabled(not minutes)
        self.minutes.setEnabled(minutes)
        self.call_minutes.setEnabled(minutes)

    def capacity(self) -> Capacity:
        """What the dialog shows (the spin boxes keep every value within range)."""
        if self.by_minutes.isChecked():
            return Capacity(CapacityUnit.MINUTES, self.minutes.value(), self.call_minutes.value())
        return Capacity(CapacityUnit.CALLS, self.calls.value(), self.call_minutes.value())
