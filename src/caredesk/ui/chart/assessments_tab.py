"""The chart's "Assessments" tab: every screen of one instrument, and its scores over time.

Top to bottom: the instrument shown (those the patient has screens of, with their counts)
and "New screening…" (the guided interview, caredesk.ui.assess); the screens, newest first,
with their date, score, band, how many items were answered and the safety flag's state, and
under them the selected screen's safety check (who, when, what was done, the note); then
the trend of the complete screens' scores with the instrument's lowest band shaded (PHQ-9
below 5, Kroenke 2001) and every band's cut-offs written under it. Scores are computed from the
answers (caredesk.domain.assessments), never typed. The minutes of a screen run here are
logged with it as assessment time (see ui/assess/interview_dialog).
"""

from __future__ import annotations

import re
from collections.abc import Container

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.domain.assessments import OFFERED, Instrument, spec
from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Assessment
from caredesk.domain.patients import Chart
from caredesk.domain.safety import SafetyCheck
from caredesk.services import assessments as screens
from caredesk.services.changes import Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.assess.interview_dialog import InterviewDialog, saved_text
from caredesk.ui.chart.fit_scroll import FitScroll
from caredesk.ui.chart.tab_parts import LazyTab, RecordTable, Row
from caredesk.ui.common.forms import button, combo, heading, info_label
from caredesk.ui.common.trend_chart import TrendChart

HEADERS = ("Date", "Score", "Band", "Safety flag")


def band_words(instrument: Instrument) -> str:
    """'PHQ-9 score bands: 0–4 minimal · 5–9 mild · ... (Kroenke 2001)'; the full source is the label's tooltip."""
    s = spec(instrument)
    cuts = " · ".join(f"{b.low}–{b.high} {b.label}" if b.low != b.high else f"{b.low} {b.label}" for b in s.bands)
    what = "positive domains" if s.domains else "score"
    year = re.search(r"\b(19|20)\d\d\b", s.source)
    cite = f" ({s.source.split()[0].rstrip(',.')} {year.group(0)})" if year else ""
    return f"{instrument.value} {what} bands: {cuts}{cite}"


def screen_row(a: Assessment, checked: Container[int]) -> Row:
    """One screen as the table shows it: an open safety flag in red, an incomplete one muted."""
    s, r = spec(a.instrument), a.result
    assert a.id is not None
    if r.score is None:
        score, band = f"— ({r.answered} of {len(a.answers)} answered)", "incomplete, not scored"
    else:
        score, band = f"{r.score} of {s.max_score}", r.band or ""
    if r.complete and s.domains and r.positive_domains:
        band += ": " + ", ".join(d.label for d in s.domains if d.name in r.positive_domains)
    safety = ""
    role = "" if r.complete else "muted"
    if r.safety:
        safety = "checked" if a.id in checked else "OPEN: check needed"
        role = "" if a.id in checked else "error"
    return Row(a.id, (us_date(a.taken_on), score, band, safety), role)


class AssessmentsTab(LazyTab):
    tab_title = "Assessments"
    kinds = (Kind.ASSESSMENT,)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Assessments")
        self.name = ""
        self._screens: list[Assessment] = []
        self._checks: dict[int, SafetyCheck] = {}  # by the screen's id
        # Containers first, then what goes in them: moving a widget into a parent re-applies the
        # style sheet to all it holds, so the scroll area and its page are in place while empty
        # (the page filled first and moved in last: making this tab 12.6 -> 8.3 ms, issue 14).
        body = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # Short windows (125 % on a laptop) scroll rather than squeeze the chart.
        outer.addWidget(FitScroll(body, self))
        lay = QVBoxLayout(body)
        self.instrument = combo("Instrument shown", [])
        self.instrument.currentIndexChanged.connect(lambda _i: self._show())
        shown = QLabel("Sho&w")
        shown.setBuddy(self.instrument)
        self.new_button = button("&New screening…", "New screening")
        self.new_button.setToolTip(
            "Run PHQ-2/PHQ-9, GAD-7 or the social-needs screen with the patient, one item at a time"
        )
        self.new_button.clicked.connect(self.new_screening)
        top = QHBoxLayout()
        top.addWidget(shown)
        top.addWidget(self.instrument, 1)
        top.addWidget(self.new_button)
        self.count = info_label("Number of screens", "muted")
        self.table = RecordTable("Screens", HEADERS, 2)
        self.table.setMinimumHeight(self.fontMetrics().height() * 7)
        self.table.current_changed.connect(self._show_check)
        self.check_line = info_label("Safety check of the selected screen", "hint")
        self.chart = TrendChart()
        self.chart.installEventFilter(self)
        self.bands = info_label("Bands", "hint")
        lay.addLayout(top)
        lay.addWidget(self.message)
        lay.addWidget(self.chart, 3)
        lay.addWidget(self.bands)
        lay.addWidget(heading("Screens", "section"))
        lay.addWidget(self.table, 2)
        lay.addWidget(self.check_line)
        lay.addWidget(self.count)
        # The page's size is the scroll area's size hint until the first fit, as when the area
        # was handed the full page (QScrollArea.setWidget shows it, fitting it to its hint).
        body.adjustSize()
        self.drop()

    # -- the LazyTab protocol -------------------------------------------------------------
    def open(self, ws: Workspace, chart: Chart) -> None:
        super().open(ws, chart)
        self.name = f"{chart.patient.family_name}, {chart.patient.given_name}"

    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        self._screens = screens.history(self.ws, self.patient_id)
        self._checks = {c.assessment_id: c for c in screens.safety_checks(self.ws, self.patient_id)}
        self.new_button.setEnabled(True)
        self._fill_instruments()
        self._show()

    def drop(self) -> None:
        self.name = ""
        self._screens, self._checks = [], {}
        self.instrument.blockSignals(True)
        self.instrument.clear()
        self.instrument.blockSignals(False)
        self.table.fill([])
        self.chart.clear()
        self.bands.clear()
        self.count.clear()
        self.new_button.setEnabled(False)

    # -- showing ----------------------------------------------------------------------------
    def shown_instrument(self) -> Instrument | None:
        data = self.instrument.currentData()
        return Instrument(data) if data else None

    def show_instrument(self, instrument: Instrument) -> None:
        index = self.instrument.findData(instrument.value)
        if index >= 0:
            self.instrument.setCurrentIndex(index)

    def _fill_instruments(self) -> None:
        """The instruments the patient has screens of (offered ones first), with their counts;
        the one shown stays, else the newest screen's."""
        keep = self.shown_instrument()
        counts: dict[Instrument, int] = {}
        for a in self._screens:
            counts[a.instrument] = counts.get(a.instrument, 0) + 1
        order = [i for i in OFFERED if i in counts] + [i for i in counts if i not in OFFERED]
        if keep is None or keep not in counts:
            keep = self._screens[-1].instrument if self._screens else None
        self.instrument.blockSignals(True)
        self.instrument.clear()
        for i in order:
            self.instrument.addItem(f"{i.value} ({counts[i]})", i.value)
        self.instrument.blockSignals(False)
        self.instrument.setEnabled(bool(order))
        if keep is not None:
            self.show_instrument(keep)

    def _show(self) -> None:
        chosen = self.shown_instrument()
        mine = [a for a in self._screens if a.instrument is chosen]
        self.table.fill([screen_row(a, self._checks) for a in reversed(mine)])
        self._show_check()
        total = len(self._screens)
        self.count.setText(
            f"{len(mine)} of {total} screen{'' if total == 1 else 's'}" if total else "No screens recorded yet."
        )
        if chosen is None:
            self.chart.clear()
            self.bands.clear()
            return
        s = spec(chosen)
        lowest = s.bands[0]
        points = [(a.taken_on, float(a.score)) for a in mine if a.score is not None]
        latest = next((a for a in reversed(mine) if a.band is not None), None)
        self.chart.set_series(
            f"{chosen.value} {'positive domains' if s.domains else 'score'}",
            "",
            points,
            band=(float(lowest.low), float(lowest.high)),
            target_words=f"shaded: {lowest.label} ({lowest.low}–{lowest.high})",
            latest_words=f"latest {latest.band}" if latest is not None else "",
        )
        self.bands.setText(band_words(chosen))
        self.bands.setToolTip(s.source)
        self._fit_chart()

    def _show_check(self) -> None:
        """The selected screen's safety check in full, or that its flag waits for one."""
        sid = self.table.current_id()
        screen = next((a for a in self._screens if a.id == sid), None)
        check = self._checks.get(sid) if sid is not None else None
        if check is not None and self.ws is not None:
            text = check.summary(self.ws.tz)
            self.check_line.setText(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
        elif screen is not None and screen.safety:
            self.check_line.setText(
                "Safety flag open: no safety check documented yet (Record safety check… in the banner at the top)."
            )
        else:
            self.check_line.clear()
        self.check_line.setVisible(bool(self.check_line.text()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.chart and event.type() == QEvent.Type.Resize:
            self._fit_chart()  # its words wrap onto more or fewer lines at the new width
        return super().eventFilter(watched, event)

    def _fit_chart(self) -> None:
        """The chart's minimum plus the lines its words wrap onto: squeezed to its minimum it
        drew the words over its dates."""
        width = self.chart.width()
        fm = self.chart.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        words = fm.boundingRect(QRect(0, 0, width, 10_000), flags, self.chart.accessibleDescription()).height()
        self.chart.setMinimumHeight(self.chart.minimumSizeHint().height() + max(0, words - fm.height()))
        # The page's minimum counts a wrapped label as one line: give each its lines at this
        # width, or the scroll page was cut short and the chart's words ran over them.
        for label in (self.message, self.bands, self.check_line):
            label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)

    # -- a new screen -----------------------------------------------------------------------
    def new_screening(self) -> InterviewDialog | None:
        """The guided interview for this patient (window-modal); the tab shows what was saved."""
        if self.ws is None or self.patient_id is None:
            return None
        shown = self.shown_instrument()
        start = shown if shown in OFFERED else Instrument.PHQ2
        resume = screens.resumable(self.ws, self.patient_id)
        dialog = InterviewDialog(
            self.ws, self.patient_id, self.name, for_call=False, instrument=start, resume=resume, parent=self
        )
        dialog.screened.connect(self._screened)
        dialog.open()
        return dialog

    def _screened(self, screen: Assessment, minutes: int) -> None:
        # The dialog published the change first: this tab has read the new screen already.
        self.show_instrument(screen.instrument)
        self.table.select_id(screen.id)
        logged = f" {minutes} min logged as assessment time." if minutes else ""
        self.message.show_info(saved_text(screen) + logged)
        self._fit_chart()
