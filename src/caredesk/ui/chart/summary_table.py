"""The chart's Summary tab parts: the newest reading of each measure, and the short read-only
tables that grow to fit their rows (moved from chart_view.py as they were)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Observation, ObservationKind
from caredesk.domain.readings import CHECK_ORDER


def _number(value: float) -> str:
    return f"{value:g}"


def latest_observations(observations: tuple[Observation, ...]) -> list[tuple[str, str, str]]:
    """(measure, value, date) for the newest reading of each kind; BP as systolic/diastolic."""
    newest: dict[ObservationKind, Observation] = {}
    for o in observations:
        seen = newest.get(o.kind)
        if seen is None or o.observed_on > seen.observed_on:
            newest[o.kind] = o
    out = []
    sys_, dia = newest.pop(ObservationKind.SYSTOLIC_BP, None), newest.pop(ObservationKind.DIASTOLIC_BP, None)
    if sys_ is not None:
        # Pair the diastolic of the same day; a lone systolic is still worth showing.
        same_day = [
            o for o in observations if o.kind == ObservationKind.DIASTOLIC_BP and o.observed_on == sys_.observed_on
        ]
        value = f"{_number(sys_.value)}/{_number(same_day[0].value)}" if same_day else _number(sys_.value)
        out.append(("Blood pressure", f"{value} {sys_.unit}", us_date(sys_.observed_on)))
    elif dia is not None:
        out.append(("Diastolic BP", f"{_number(dia.value)} {dia.unit}", us_date(dia.observed_on)))
    for kind in CHECK_ORDER:
        reading = newest.get(kind)
        if reading is not None:
            unit = reading.unit if reading.unit == "%" else f" {reading.unit}"
            out.append((kind.value, f"{_number(reading.value)}{unit}", us_date(reading.observed_on)))
    return out


class SummaryTable(QTableWidget):
    """A short read-only table that grows to fit its rows instead of scrolling."""

    def __init__(self, name: str, headers: tuple[str, ...], stretch: int):
        super().__init__(0, len(headers))
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        # No scroll bars: the table is as tall as its rows, and the one long-text column
        # (`stretch`) takes the remaining width and elides; the full text is in its tooltip.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        h = self.horizontalHeader()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def fill(self, rows: Sequence[tuple[str, ...]]) -> None:
        self.setRowCount(0)
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.setItem(r, c, item)
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + self.verticalHeader().length() + 2 * self.frameWidth() + 2
        self.setFixedHeight(height)
        self.setVisible(bool(rows))
