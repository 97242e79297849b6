"""The chart's "Vitals & labs" tab: enter a reading, see the trend against the target, correct.

Top to bottom, as a care manager works a call: a quick entry row (measure, value, date;
a blood pressure typed "142/88" in one field, Enter adds it), the trend of one measure
with the patient's target band and a Target… button, then every reading newest first
with its place against the target and Correct… / Remove… for one entered by mistake.
The tab reads the store when it is shown, and again when its patient's clinical records
change (the change hub), so opening a chart stays fast.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QRect, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Chart, ObservationKind
from caredesk.domain.readings import BLOOD_PRESSURE, BP_KINDS, band_text
from caredesk.errors import CareDeskError
from caredesk.services import observations as obs
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.fit_scroll import FitScroll
from caredesk.ui.chart.vitals_dialogs import CorrectReadingDialog, TargetDialog
from caredesk.ui.chart.vitals_entry import ReadingEntry
from caredesk.ui.chart.vitals_readings import MEASURES, ReadingsModel, measure_label, measure_of, unit_for
from caredesk.ui.common.forms import (
    InlineMessage,
    button,
    combo,
    heading,
    info_label,
    picked_date,
    qdate,
    user_message,
)
from caredesk.ui.common.hub import hub, publish
from caredesk.ui.common.message_box import ask
from caredesk.ui.common.tables import row_table
from caredesk.ui.common.trend_chart import TrendChart

NO_VITALS = obs.Vitals([], {}, {}, {})
NO_TARGET = "No target set"


class VitalsTab(QWidget):
    tab_title = "Vitals && labs"  # "&&" shows one "&" in a tab's title

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Vitals and labs")
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self._stale = False
        self._charted: str | None = None  # the measure the chart shows, once drawn
        self._vitals = NO_VITALS
        hub().changed.connect(self._changed)

        # Containers first, then what goes in them: moving a widget into a parent re-applies the
        # style sheet to all it holds, so each box is in place while empty (the page filled
        # first and moved in last: making this tab 28 -> 16 ms, issue 14).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        body = QWidget()
        # Short windows (125 % scaling on a laptop) scroll rather than squeeze the chart.
        outer.addWidget(FitScroll(body, self))
        self.body_layout = lay = QVBoxLayout(body)

        # -- entry row ----------------------------------------------------------------
        self.entry = ReadingEntry()
        lay.addWidget(self.entry)
        self.value, self.day = self.entry.value, self.entry.day
        self.add_button = self.entry.add_button
        self.message = InlineMessage("Problem with the reading")
        lay.addWidget(self.message)
        self.value.returnPressed.connect(self.add_reading)
        self.day.refused.connect(self.message.show_error)  # a future date: named at once, not at Add
        self.add_button.clicked.connect(self.add_reading)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        lay.addWidget(split, 1)

        # -- trend --------------------------------------------------------------------
        self.trend_box = trend_box = QWidget()
        split.addWidget(trend_box)
        self.trend_layout = tv = QVBoxLayout(trend_box)
        tv.setContentsMargins(0, 0, 0, 0)
        trend_row = QHBoxLayout()
        tv.addLayout(trend_row)
        self.trend_measure = combo("Measure to chart", [measure_label(m) for m in MEASURES])
        self.trend_measure.currentIndexChanged.connect(lambda _i: self._draw())
        trend_label = QLabel("Tre&nd")
        trend_label.setBuddy(self.trend_measure)
        self.band = info_label("Target band", "muted")
        self.target_button = button("&Target…", "Set this patient's target")
        self.target_button.clicked.connect(self.edit_target)
        trend_row.addWidget(trend_label)
        trend_row.addWidget(self.trend_measure)
        trend_row.addWidget(self.band, 1)
        trend_row.addWidget(self.target_button)
        self.chart = TrendChart()
        tv.addWidget(self.chart, 1)

        # -- readings -----------------------------------------------------------------
        table_box = QWidget()
        split.addWidget(table_box)
        rv = QVBoxLayout(table_box)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(heading("Readings", "section"))
        self.model = ReadingsModel(self)
        self.table = row_table(QTableView(), "Readings", self.model)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Widths from the first rows (the newest): measuring three years of daily readings
        # asked the model for every cell, ~0.3 s on each read.
        header.setResizeContentsPrecision(40)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.correct())
        self.table.installEventFilter(self)
        rv.addWidget(self.table, 1)
        actions = QHBoxLayout()
        rv.addLayout(actions)
        self.count = info_label("Number of readings", "muted")
        self.correct_button = button("&Correct…", "Correct the selected reading")
        self.remove_button = button("Rem&ove…", "Remove the selected reading")
        self.correct_button.clicked.connect(self.correct)
        self.remove_button.clicked.connect(self.remove)
        actions.addWidget(self.count, 1)
        actions.addWidget(self.correct_button)
        actions.addWidget(self.remove_button)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.table.setMinimumHeight(self.fontMetrics().height() * 5)
        # The page's size is the scroll area's size hint until the first fit: the size the area
        # gave the page it was handed full (QScrollArea.setWidget shows it, which fits a child
        # widget to its hint); this one was handed empty.
        body.adjustSize()
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self.body_layout.contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        room -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)  # when the page scrolls
        self.entry.arrange(wide=room >= self.entry.wide_width())
        self._fit_trend()

    # -- the ChartTab protocol ----------------------------------------------------------
    def open(self, ws: Workspace, chart: Chart) -> None:
        """Remember the patient; the readings are read when the tab is shown."""
        self.clear()
        self.ws, self.patient_id = ws, chart.patient.id
        self.day.no_later_than(ws.today())
        self.day.setDate(qdate(ws.today()))
        self._stale = True
        # The chart opens a new patient on its Summary tab: read only if this tab is still
        # shown once the event loop has run (not for the previous patient's last view).
        QTimer.singleShot(0, self._load_if_shown)

    def _load_if_shown(self) -> None:
        if self._stale and self.isVisible():
            self.reload()

    def clear(self) -> None:
        """Drop every reading, band and typed value (on lock, or another patient)."""
        self.ws, self.patient_id, self._stale, self._charted = None, None, False, None
        self.model.set_rows([])
        self.chart.clear()
        self.value.clear()
        self.band.clear()
        self.count.clear()
        self.message.clear()
        self._vitals = NO_VITALS
        self._set_trend(BLOOD_PRESSURE)
        self._update_buttons()
        self.setEnabled(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _changed(self, changes: Changes, source: object) -> None:
        if source is self or self.patient_id not in changes.patients or not changes.touches(Kind.CLINICAL):
            return
        self._stale = True
        if self.isVisible():
            self.reload()

    # -- reading ----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the readings and bands again; the chart follows the measure it showed."""
        if self.ws is None or self.patient_id is None:
            return
        self._stale = False
        selected = self._selected()
        try:
            self._vitals = obs.vitals(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        rows = self._vitals.readings
        self.setEnabled(True)
        self.model.set_rows(rows)
        n = len(rows)
        self.count.setText(f"{n} reading{'' if n == 1 else 's'}" if n else "No readings recorded yet.")
        if self._charted is None and rows:
            self._set_trend(measure_of(rows[0]))  # the newest reading's measure first
        self._draw(force=True)
        self._select(selected)

    def _selected(self) -> int | None:
        r = self.model.reading(self.table.currentIndex().row())
        return None if r is None else r.id

    def _select(self, reading_id: int | None) -> None:
        for row in range(self.model.rowCount()):
            r = self.model.reading(row)
            if r is not None and r.id == reading_id:
                self.table.selectRow(row)
                break
        self._update_buttons()

    def _trend(self) -> str:
        return MEASURES[max(self.trend_measure.currentIndex(), 0)]

    def _set_trend(self, measure: str) -> None:
        """Choose the measure to chart without drawing (the caller draws once)."""
        self.trend_measure.blockSignals(True)
        self.trend_measure.setCurrentIndex(MEASURES.index(measure))
        self.trend_measure.blockSignals(False)

    def _draw(self, *, force: bool = False) -> None:
        """The chart of the chosen measure, with the patient's band."""
        measure = self._trend()
        if self.ws is None or self.patient_id is None or (measure == self._charted and not force):
            return
        self._charted = measure
        title, unit, v = measure_label(measure), unit_for(measure), self._vitals
        band_words = self._band_text(measure)
        # The words under the chart say the target and the latest reading's place as the table does.
        target_words = "" if band_words == NO_TARGET else "target " + band_words.removeprefix("Target: ").split(" (")[0]
        latest = next((r for r in v.readings if r.measure == measure), None)
        latest_words = f"latest {latest.position.value}" if latest is not None and latest.position else ""
        if measure == BLOOD_PRESSURE:
            systolic, diastolic = BP_KINDS
            self.chart.set_series(
                title,
                unit,
                v.series(systolic),
                band=v.bands.get(systolic),
                second=v.series(diastolic),
                second_label="Diastolic",
                target_words=target_words,
                latest_words=latest_words,
            )
        else:
            kind = ObservationKind(measure)
            self.chart.set_series(
                title,
                unit,
                v.series(kind),
                band=v.bands.get(kind),
                target_words=target_words,
                latest_words=latest_words,
            )
        self.band.setText(band_words)
        self._fit_trend()

    def _fit_trend(self) -> None:
        """Room for the chart at its minimum plus every line its wrapped texts take: a chart
        squeezed below that drew its date labels over its line in words."""
        width = self.chart.width() if self.chart.width() > 100 else self.width()
        fm = self.chart.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        words = fm.boundingRect(QRect(0, 0, width, 10_000), flags, self.chart.accessibleDescription()).height()
        band = max(self.band.heightForWidth(max(self.band.width(), 1)), self.target_button.sizeHint().height())
        spacing = max(self.trend_layout.spacing(), 0)
        need = band + spacing + self.chart.minimumSizeHint().height() + max(0, words - fm.height())
        self.trend_box.setMinimumHeight(need + fm.height() // 2)

    def _band_text(self, measure: str) -> str:
        kinds = BP_KINDS if measure == BLOOD_PRESSURE else (ObservationKind(measure),)
        parts = [band_text(k, self._vitals.bands.get(k)) for k in kinds]
        whose = "this patient's own" if any(k in self._vitals.own for k in kinds) else "clinic default"
        if all(p == "none" for p in parts):
            return NO_TARGET
        if measure == BLOOD_PRESSURE:
            sys_band, dia_band = (self._vitals.bands.get(k) for k in BP_KINDS)
            if sys_band and dia_band and sys_band[0] is None and dia_band[0] is None and sys_band[1] and dia_band[1]:
                # Both ceilings, as the guideline says it: "below 130/80 mmHg".
                return f"Target: below {sys_band[1]:g}/{dia_band[1]:g} mmHg ({whose})"
            return f"Target: systolic {parts[0]}, diastolic {parts[1]} ({whose})"
        return f"Target: {parts[0]} ({whose})"

    # -- entering -----------------------------------------------------------------------
    def add_reading(self) -> None:
        """Save the typed reading; a refusal names the field and keeps what was typed."""
        if self.ws is None or self.patient_id is None:
            return
        measure = self.entry.chosen()
        try:
            if measure == BLOOD_PRESSURE:
                systolic, diastolic = obs.parse_blood_pressure(self.value.text())
                day = picked_date(self.day)
                saved = obs.add_blood_pressure(
                    self.ws, self.patient_id, systolic=systolic, diastolic=diastolic, observed_on=day
                )
            else:
                text = self.value.text()
                day = picked_date(self.day)
                saved = obs.add_reading(self.ws, self.patient_id, kind=measure, value=text, observed_on=day)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            field = self.day if getattr(exc, "field", "") in ("date", self.day.accessibleName()) else self.value
            field.setFocus()
            if field is self.value:
                self.value.selectAll()
            return
        r = saved.value
        self.message.show_info(f"Added {measure_label(r.measure)} {r.value_text} on {us_date(r.observed_on)}.")
        self.value.clear()
        self.value.setFocus()
        publish(saved.changes, self)
        self._set_trend(measure_of(r))
        self.reload()
        self._select(r.id)

    # -- correcting ---------------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.reading(current.row())
        if r is not None:
            self._set_trend(measure_of(r))
            self._draw()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.model.reading(self.table.currentIndex().row()) is not None
        self.correct_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Enter on a reading corrects it; Delete removes it."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.correct()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.remove()
                return True
        return super().eventFilter(watched, event)

    def correct(self) -> CorrectReadingDialog | None:
        r = self.model.reading(self.table.currentIndex().row())
        if r is None or self.ws is None or self.patient_id is None:
            return None
        dialog = CorrectReadingDialog(self.ws, self.patient_id, r, self)
        self._finish(dialog, r.id)
        return dialog

    def remove(self) -> None:
        r = self.model.reading(self.table.currentIndex().row())
        if r is None or self.ws is None or self.patient_id is None:
            return
        asked = ask(
            self,
            "Remove a reading",
            f"Remove {measure_label(r.measure)} {r.value_text} of {us_date(r.observed_on)}?\n"
            "Only for a reading entered by mistake; the audit log keeps that it was removed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            saved = obs.remove_reading(self.ws, self.patient_id, r.id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.message.show_info(f"Removed {measure_label(r.measure)} {r.value_text} of {us_date(r.observed_on)}.")
        publish(saved.changes, self)
        self.reload()
        self.table.setFocus()

    def edit_target(self) -> TargetDialog | None:
        if self.ws is None or self.patient_id is None:
            return None
        try:
            own = obs.targets(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        dialog = TargetDialog(self.ws, self.patient_id, self._trend(), own, self)
        self._finish(dialog, self._selected())
        return dialog

    def _finish(self, dialog: CorrectReadingDialog | TargetDialog, select: int | None) -> None:
        """Run a dialog; once it saved, tell the other pages and show the result."""
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.changes:
            return
        publish(dialog.changes, self)
        self.reload()
        self._select(select)
