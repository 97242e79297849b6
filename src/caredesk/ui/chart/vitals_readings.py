"""The Vitals & labs tab's readings table and the measures it offers, in the order a call checks them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import ObservationKind
from caredesk.domain.readings import BLOOD_PRESSURE, BP_KINDS, CHECK_ORDER, Position, Reading, unit_of
from caredesk.ui.common import theme
from caredesk.ui.common.tables import RowsModel

Index = QModelIndex | QPersistentModelIndex

# Entry and trend order: what a chronic-care call checks first.
MEASURES: tuple[str, ...] = (BLOOD_PRESSURE, *(k.value for k in CHECK_ORDER))
DATE, MEASURE, VALUE, TARGET = range(4)
POSITION_TEXT = {Position.IN: "In target", Position.ABOVE: "Above target", Position.BELOW: "Below target"}


def measure_of(reading: Reading) -> str:
    """The trend a reading belongs to (a lone BP half still charts as blood pressure)."""
    return BLOOD_PRESSURE if reading.kind in BP_KINDS else reading.kind.value


def unit_for(measure: str) -> str:
    return unit_of(ObservationKind.SYSTOLIC_BP if measure == BLOOD_PRESSURE else ObservationKind(measure))


def measure_label(measure: str) -> str:
    """'Blood pressure', 'A1c', 'Heart rate', 'eGFR': as a form labels it."""
    return measure if measure[:1].isupper() or measure.startswith("e") else measure[:1].upper() + measure[1:]


class ReadingsModel(RowsModel):
    """Readings newest first: date, measure, value with unit, place against the target."""

    headers = ("Date", "Measure", "Value", "Target")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[Reading] = []

    def set_rows(self, rows: list[Reading]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def reading(self, row: int) -> Reading | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.reading(index.row()) if index.isValid() else None
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == DATE:
                return us_date(r.observed_on)
            if col == MEASURE:
                return measure_label(r.measure)
            if col == VALUE:
                return r.value_text
            return POSITION_TEXT.get(r.position, "No target") if r.position else "No target"
        if role == Qt.ItemDataRole.ForegroundRole and col == TARGET and r.position in (Position.ABOVE, Position.BELOW):
            return QColor(theme.current().warning)
        return None
