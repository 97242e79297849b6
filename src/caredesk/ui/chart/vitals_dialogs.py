"""The Vitals & labs tab's dialogs: correct a reading entered by mistake, set a patient's target.

Each collects text and lets the service validate it: a refusal names the field, keeps
the dialog open and saves nothing. The tab publishes the change set once a dialog accepts.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.observations import DEFAULT_TARGETS, ObservationTarget
from caredesk.domain.patients import ObservationKind
from caredesk.domain.readings import BLOOD_PRESSURE, BP_KINDS, Reading, band_text, unit_of
from caredesk.errors import CareDeskError
from caredesk.services import observations as obs
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.vitals_readings import measure_label
from caredesk.ui.common.forms import (
    InlineMessage,
    date_edit,
    dialog_buttons,
    heading,
    info_label,
    picked_date,
    user_message,
)


def line(name: str, placeholder: str = "", text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class CorrectReadingDialog(QDialog):
    """Change the value and date of one reading (a blood pressure: both numbers, one field)."""

    def __init__(self, ws: Workspace, patient_id: int, reading: Reading, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.patient_id, self.reading = ws, patient_id, reading
        self.changes = Changes()
        self.is_bp = reading.diastolic is not None
        name = measure_label(reading.measure)
        self.setWindowTitle("Correct a reading")
        self.setAccessibleName("Correct a reading")
        about = info_label("Reading to correct")
        about.setText(f"{name} {reading.value_text} on {us_date(reading.observed_on)}, entered by mistake?")
        unit = unit_of(reading.kind)
        self.value = line(name, "systolic/diastolic, such as 142/88" if self.is_bp else f"a number in {unit}")
        self.value.setText(reading.number_text)
        self.day = date_edit("Reading date", reading.observed_on)
        self.day.no_later_than(ws.today())
        form = QFormLayout()
        form.addRow(f"&Value ({unit})", self.value)
        form.addRow("&Date", self.day)
        self.message = InlineMessage("Problem with the correction")
        self.day.refused.connect(self.message.show_error)
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.submit, self.reject
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addWidget(about)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.value.selectAll()

    def submit(self) -> None:
        try:
            day = picked_date(self.day)
            if self.is_bp:
                systolic, diastolic = obs.parse_blood_pressure(self.value.text())
                saved = obs.correct_blood_pressure(
                    self.ws, self.patient_id, self.reading.id, systolic=systolic, diastolic=diastolic, observed_on=day
                )
            else:
                saved = obs.correct_reading(
                    self.ws, self.patient_id, self.reading.id, value=self.value.text(), observed_on=day
                )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            field = self.day if getattr(exc, "field", "") in ("date", self.day.accessibleName()) else self.value
            field.setFocus()
            return
        self.changes = saved.changes
        self.accept()


class TargetDialog(QDialog):
    """The patient's own band for a measure (blood pressure: systolic and diastolic together).

    A blank side is open; both sides blank return the measure to the clinic default.
    """

    def __init__(
        self,
        ws: Workspace,
        patient_id: int,
        measure: str,
        own: dict[ObservationKind, ObservationTarget],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ws, self.patient_id = ws, patient_id
        self.changes = Changes()
        self.kinds = BP_KINDS if measure == BLOOD_PRESSURE else (ObservationKind(measure),)
        self.setWindowTitle(f"{measure_label(measure)} target")
        self.setAccessibleName(f"{measure_label(measure)} target")
        grid = QGridLayout()
        grid.addWidget(heading("Low", "section"), 0, 1)
        grid.addWidget(heading("High", "section"), 0, 2)
        self.fields: dict[ObservationKind, tuple[QLineEdit, QLineEdit]] = {}
        for row, kind in enumerate(self.kinds, start=1):
            name = measure_label(kind.value)
            mine = own.get(kind)
            low = line(f"{name} target low", "open", _number(mine.low if mine else None))
            high = line(f"{name} target high", "open", _number(mine.high if mine else None))
            label = QLabel(f"{name} ({unit_of(kind)})")
            label.setBuddy(low)
            grid.addWidget(label, row, 0)
            grid.addWidget(low, row, 1)
            grid.addWidget(high, row, 2)
            self.fields[kind] = (low, high)
        defaults = info_label("Clinic defaults", "muted")
        defaults.setText("\n".join(_default_text(k) for k in self.kinds))
        hint = heading("Leave a side blank for no limit; both blank for the clinic default.", "hint")
        self.message = InlineMessage("Problem with the target")
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.submit, self.reject
        )
        self.default_button = buttons.addButton("Use the clinic &default", QDialogButtonBox.ButtonRole.ResetRole)
        self.default_button.setAccessibleName("Use the clinic default")
        self.default_button.clicked.connect(self.use_default)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(hint)
        lay.addWidget(defaults)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def use_default(self) -> None:
        for low, high in self.fields.values():
            low.clear()
            high.clear()
        self.submit()

    def submit(self) -> None:
        bands = {k: (low.text(), high.text()) for k, (low, high) in self.fields.items()}
        try:
            saved = obs.set_targets(self.ws, self.patient_id, bands)  # type: ignore[arg-type]
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            self._focus(getattr(exc, "field", ""))
            return
        self.changes = saved.changes
        self.accept()

    def _focus(self, field: str) -> None:
        """The first field of the side named (with BP, the first that holds text)."""
        side = 1 if field == "target high" else 0
        for pair in self.fields.values():
            if pair[side].text().strip() or len(self.fields) == 1:
                pair[side].setFocus()
                pair[side].selectAll()
                return


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _default_text(kind: ObservationKind) -> str:
    default = DEFAULT_TARGETS.get(kind)
    name = measure_label(kind.value)
    if default is None:
        return f"{name}: no clinic default"
    return f"{name} default: {band_text(kind, (default[0], default[1]))} ({default[2]})"
