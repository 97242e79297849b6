"""The patient chart: a header (who, how to reach them, programs, consent, risk) and tabs.

Widgets are built once and refilled, so clear() can empty every one of them on lock
and no patient text lingers in a hidden widget. The header and Summary are built at once;
the other tabs one per event-loop turn after that (issue 14: built together they held the
GUI thread for 0.5-1 s), or all at once as soon as anything asks for them (`tabs`,
`feature_tabs`, `tab()`, showing a patient).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import ClassVar, TypeVar, cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import delete, isValid

from caredesk.domain.calendar import age_on, us_date
from caredesk.domain.patients import Chart, Status
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.safety_banner import SafetyBanner
from caredesk.ui.chart.summary_table import SummaryTable, latest_observations
from caredesk.ui.common import theme, trend_chart
from caredesk.ui.common.chart_tab import ChartTab
from caredesk.ui.common.forms import InlineMessage, heading, info_label
from caredesk.ui.common.tab_keys import add_tab_keys

T = TypeVar("T")

PLACEHOLDER = "Select a patient in the list to open the chart."


# Makes a chart tab inside the given parent (the tab widget's page stack): every record tab and
# the care plan take it as their first argument.
TabMaker = Callable[[QWidget | None], ChartTab]


def _delete_unplaced(waiting: deque[ChartTab | TabMaker], _chart: object = None) -> None:
    """The chart is gone with tabs still waiting for their turn: delete them. A tab handed in
    made (not a maker) has no parent until it is placed, and the lambdas it connects to its own
    children's signals keep its Python wrapper alive, so nothing else would ever free it (a window
    closed within its first turns left 100-300 widgets behind per tab; the tests' windows piled up
    to 3,000). Tabs the chart made itself are made inside it and go with it."""
    for item in waiting:
        if isinstance(item, QWidget) and isValid(item):
            delete(item)
    waiting.clear()


# What a made tab's place needs to size the chart as the tab does (see _TabPlace).
TabSize = tuple[QSize, QSize, QSizePolicy, QSize, QSize]


class _TabPlace(QWidget):
    """Holds a tab's place until it is made (ChartView.tabs_made_at_show): sized as that tab was
    when first made with the same font and style sheet, so the chart is sized as with the tab."""

    def __init__(self, parent: QWidget | None, size: TabSize):
        super().__init__(parent)
        self._minimum_hint, self._hint, policy, minimum, maximum = size
        self.setSizePolicy(policy)
        self.setMinimumSize(minimum)
        self.setMaximumSize(maximum)

    def minimumSizeHint(self) -> QSize:
        return self._minimum_hint

    def sizeHint(self) -> QSize:
        return self._hint


def _size_key(maker: object) -> tuple[object, str, int]:
    """A tab's size depends on its class, the font and the style sheet (the tests change both)."""
    app = cast(QApplication, QApplication.instance())
    return (maker, app.font().toString(), hash(app.styleSheet()))


class ChartView(QWidget):
    """The chart: header, Summary tab, then the tabs other features hand in (`tabs`: each a
    tab, or a TabMaker, so it too is made after the page is on screen, inside the tab widget)."""

    # Every tab is in place: the chart's minimum width is now its widest tab's (the care plan),
    # so a page that sized itself against a chart still being made sizes again.
    tabs_made = Signal()
    # Off in the UI tests (tests/ui/conftest.py): a window that never shows a chart then never
    # makes its tabs (~0.1 s of CPU a window); shown or asked for, they are made at once as here.
    make_tabs_when_idle: ClassVar[bool] = True
    # Not None (the UI tests: tests/ui/conftest.py), with the idle making off: a chart shown makes
    # the tabs titled here and each tab of a class not made before; every other tab is made when
    # chosen or asked for by `tab()` (`tabs`, `feature_tabs` still make every one), and until then
    # a placeholder as large as that tab was when first made holds its place, so the chart is
    # sized as the app's (tests/ui/test_chart_tabs_chosen.py checks it). None, the app's: every
    # tab at once.
    tabs_made_at_show: ClassVar[tuple[str, ...] | None] = None
    # The size each tab class had when first made (then a placeholder stands in for it sized so).
    _tab_sizes: ClassVar[dict[tuple[object, str, int], TabSize]] = {}

    def __init__(self, tabs: Sequence[ChartTab | TabMaker] = (), parent: QWidget | None = None):
        super().__init__(parent)
        from caredesk.ui.chart.tabs import record_tab_makers  # the tabs import this module

        self._to_make: deque[ChartTab | TabMaker] = deque([*record_tab_makers(), *tabs])
        self._made: list[ChartTab] = []
        # Tabs not made yet behind a placeholder page, by the placeholder (tabs_made_at_show), and
        # the patient the tabs made meanwhile are opened on (show_chart, fill; None once cleared).
        self._placeholders: dict[QWidget, ChartTab | TabMaker] = {}
        self._open: tuple[Workspace, Chart] | None = None
        self.destroyed.connect(partial(_delete_unplaced, self._to_make))
        self._next_tab = QTimer(self)
        self._next_tab.setSingleShot(True)
        self._next_tab.setInterval(0)
        self._next_tab.timeout.connect(self._make_next_tab)
        self.setAccessibleName("Patient chart")
        self.patient_id: int | None = None
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        # Containers first, then what goes in them: a widget moved into a new parent has the
        # style sheet re-applied to it and all it holds, so each part is moved once (issue 14).
        self.placeholder = heading(PLACEHOLDER, "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = InlineMessage("Chart message")
        empty = QWidget()
        self.pages.addWidget(empty)
        ev = QVBoxLayout(empty)
        ev.addStretch(1)
        ev.addWidget(self.placeholder)
        ev.addWidget(self.message, 0, Qt.AlignmentFlag.AlignHCenter)
        ev.addStretch(2)

        content = QWidget()
        self.pages.addWidget(content)
        cv = QVBoxLayout(content)
        cv.setContentsMargins(0, 0, 0, 0)
        self.safety_banner = SafetyBanner()  # at the very top while a safety flag is open
        cv.addWidget(self.safety_banner)
        card = QFrame()
        cv.addWidget(card)
        self._build_header(card)
        self._tabs = QTabWidget()
        self._tabs.setAccessibleName("Chart sections")
        add_tab_keys(self._tabs)  # Ctrl+Tab, Ctrl+PageDown... from wherever the focus is in the chart
        # The tab widget's own page stack: the tabs made later are made in it (_make_next_tab).
        self._tab_stack = self._tabs.findChild(
            QStackedWidget, "qt_tabwidget_stackedwidget", Qt.FindChildOption.FindDirectChildrenOnly
        )
        cv.addWidget(self._tabs, 1)
        summary = QScrollArea()
        self._tabs.addTab(summary, "Summary")
        self._build_summary(summary)
        self.clear()
        if self.make_tabs_when_idle:
            self._next_tab.start()

    # -- the tabs after Summary, made one per event-loop turn ------------------
    def _make_next_tab(self) -> None:
        """Make the next tab and put it in the tab widget, in one slice."""
        self._add_tab(self._to_make.popleft())
        if self._to_make:
            self._next_tab.start()
        else:
            self.tabs_made.emit()

    def _add_tab(self, item: ChartTab | TabMaker) -> None:
        if not isinstance(item, QWidget):
            item = cast(TabMaker, item)(self._tab_stack)
        tab: ChartTab = item
        assert isinstance(tab, QWidget)
        # Made inside the tab widget's own stack, addTab does not move the tab (QLayout only
        # reparents a widget that has another parent), so the style sheet is not applied to the
        # whole tab a second time: that move was 68 ms of the ~210 ms the tabs took per window
        # (issue 14). QStackedLayout hides every page but the current one as it is inserted.
        self._tabs.addTab(tab, tab.tab_title)
        # A hidden QTabWidget (no patient open) defers its layout and passes no new minimum size
        # up, so the chart kept the size it had before this tab (the patient list then took the
        # care plan's room and scrolled sideways at 125%): pass it up here.
        self._tabs.updateGeometry()
        self.pages.updateGeometry()
        self._made.append(tab)

    def _make_all_tabs(self) -> None:
        self._next_tab.stop()
        for placeholder in [self._tabs.widget(i) for i in range(self._tabs.count())]:
            if placeholder in self._placeholders:
                self._make_in_place(placeholder)
        while self._to_make:
            self._make_next_tab()
        self._next_tab.stop()

    def showEvent(self, event: QShowEvent) -> None:
        # On screen early (the Patients page opened within the first few turns): every tab at
        # once, so the page sizes its list by the chart's widest tab (the care plan).
        if self._when_chosen:
            self._place_holders()  # the UI tests: those named now, the others behind placeholders
        else:
            self._make_all_tabs()
        super().showEvent(event)

    @property
    def _when_chosen(self) -> bool:
        return not self.make_tabs_when_idle and self.tabs_made_at_show is not None

    # -- the UI tests' tabs made when chosen (tabs_made_at_show) ---------------
    def _place_holders(self) -> None:
        """Make the tabs named in tabs_made_at_show and those of a size not known yet, a
        placeholder page for each other one."""
        if not self._to_make:
            return
        at_show = self.tabs_made_at_show or ()
        while self._to_make:
            item = self._to_make.popleft()
            title = cast(ChartTab, item).tab_title  # a maker is the tab's class
            size = self._tab_sizes.get(_size_key(item))
            if title in at_show or isinstance(item, QWidget) or size is None:  # made: placed as it is
                self._add_tab(item)
                self._remember_size(item, self._made[-1])
                continue
            placeholder = _TabPlace(self._tab_stack, size)
            self._placeholders[placeholder] = item
            self._tabs.addTab(placeholder, title)
        self._tabs.currentChanged.connect(self._chosen)
        self._tabs.updateGeometry()
        self.pages.updateGeometry()
        self.tabs_made.emit()  # each tab has its place; the chart is as wide as it will be

    def _remember_size(self, maker: ChartTab | TabMaker, tab: ChartTab) -> None:
        """Remember a tab's size as made, before any patient fills it (a placeholder's later)."""
        if isinstance(maker, QWidget):
            return  # handed in made: not made again
        widget = cast(QWidget, tab)
        widget.ensurePolished()  # the style sheet's margins and fonts are in its size
        self._tab_sizes.setdefault(
            _size_key(maker),
            (
                widget.minimumSizeHint(),
                widget.sizeHint(),
                widget.sizePolicy(),
                widget.minimumSize(),
                widget.maximumSize(),
            ),
        )

    def _chosen(self, index: int) -> None:
        placeholder = self._tabs.widget(index)
        if placeholder in self._placeholders:
            self._make_in_place(placeholder)

    def _make_in_place(self, placeholder: QWidget) -> ChartTab:
        """Make the tab behind `placeholder` where it stands, opened on the patient shown."""
        item = self._placeholders.pop(placeholder)
        tab = cast(TabMaker, item)(self._tab_stack)
        self._remember_size(item, tab)
        if self._open is not None:
            tab.open(*self._open)
        index = self._tabs.indexOf(placeholder)
        current = self._tabs.currentIndex()
        self._tabs.blockSignals(True)  # the same tab stays chosen: nothing to tell
        self._tabs.insertTab(index, cast(QWidget, tab), tab.tab_title)
        self._tabs.removeTab(index + 1)
        self._tabs.setCurrentIndex(current)
        self._tabs.blockSignals(False)
        placeholder.deleteLater()  # not now: it may be the page the tab widget is switching from
        self._made.append(tab)
        order = [self._tabs.widget(i) for i in range(self._tabs.count())]
        self._made.sort(key=lambda t: order.index(cast(QWidget, t)))
        return tab

    def show_tab(self, tab: ChartTab) -> None:
        """Bring one feature tab (from `tab()`) to the front, the others left as they are."""
        self._tabs.setCurrentWidget(cast(QWidget, tab))

    @property
    def tabs(self) -> QTabWidget:
        """Summary and every feature tab (made now if some were still to come)."""
        self._make_all_tabs()
        return self._tabs

    @property
    def feature_tabs(self) -> list[ChartTab]:
        """The tabs after Summary, left to right (made now if some were still to come)."""
        self._make_all_tabs()
        return self._made

    # -- building --------------------------------------------------------------
    def _build_header(self, card: QFrame) -> None:
        card.setProperty("card", True)
        grid = QGridLayout(card)
        m = self.fontMetrics().height()
        grid.setContentsMargins(m, int(0.8 * m), m, int(0.8 * m))
        grid.setHorizontalSpacing(m)
        self.name = info_label("Patient name", "title")
        self.preferred = info_label("Preferred name", "muted")
        self.risk = QLabel()
        self.risk.setAccessibleName("Risk tier")
        self.status = info_label("Status", "warning")
        self.status.setWordWrap(False)  # "Deceased 11/02/2026" on one line
        top = QHBoxLayout()
        top.setSpacing(m // 2)  # 'Anderson, James  Prefers "Jim"': the two read apart, not as one word
        top.addWidget(self.name)
        top.addWidget(self.preferred, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.risk)
        grid.addLayout(top, 0, 0)
        # One fact per line: the chart pane is often narrow, and lines read top to bottom.
        self.identity = info_label("Age, date of birth and MRN")
        self.phones = info_label("Phone numbers")
        self.programs = info_label("Programs")
        self.consent = info_label("Consent")
        for row, label in enumerate((self.identity, self.phones, self.programs, self.consent), start=1):
            grid.addWidget(label, row, 0)
        grid.setVerticalSpacing(m // 4)

    def _build_summary(self, scroll: QScrollArea) -> None:
        body = QWidget()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        self.conditions = SummaryTable("Conditions", ("ICD-10", "Condition"), 1)
        self.medications = SummaryTable("Medications", ("Medication", "Dose", "Frequency", "Adherence"), 2)
        self.allergies = SummaryTable("Allergies", ("Substance", "Reaction"), 1)
        self.care_team = SummaryTable("Care team", ("Role", "Name", "Phone"), 1)
        self.observations = SummaryTable("Latest observations", ("Measure", "Value", "Date"), 0)
        self._empty: dict[SummaryTable, QLabel] = {}
        for title, table, none_text in (
            ("Conditions", self.conditions, "No conditions recorded."),
            ("Medications", self.medications, "No current medications recorded."),
            ("Allergies", self.allergies, "No allergies recorded: not asked yet."),  # not "NKA", a fact of its own
            ("Care team", self.care_team, "No care-team members recorded."),
            ("Latest observations", self.observations, "No observations recorded."),
        ):
            lay.addWidget(heading(title, "section"))
            empty = heading(none_text, "muted")
            self._empty[table] = empty
            lay.addWidget(table)
            lay.addWidget(empty)
        lay.addStretch(1)

    # -- filling and clearing --------------------------------------------------
    def tab(self, cls: type[T]) -> T:
        """The feature tab of this class (e.g. the care-plan editor)."""
        made = next((t for t in self._made if isinstance(t, cls)), None)
        if made is None:
            waiting = next(
                (p for p, m in self._placeholders.items() if isinstance(m, type) and issubclass(m, cls)), None
            )
            if waiting is not None:
                return cast(T, self._make_in_place(waiting))
        return made if made is not None else next(t for t in self.feature_tabs if isinstance(t, cls))

    def show_chart(self, chart: Chart, today: date, workspace: Workspace | None = None) -> None:
        """Fill the chart; with a workspace the feature tabs open the patient too."""
        self._open = (workspace, chart) if workspace is not None else None
        if self._when_chosen:
            self._place_holders()
        for tab in self._made if self._when_chosen else self.feature_tabs:
            if workspace is not None:
                tab.open(workspace, chart)  # the care plan saves the previous patient's draft first
            else:
                tab.clear()
        self.fill(chart, today)
        if workspace is not None:
            self.safety_banner.show_patient(workspace, chart.patient.id)
        else:
            self.safety_banner.clear()
        self._tabs.setCurrentIndex(0)
        self.pages.setCurrentIndex(1)
        trend_chart.preload()  # Vitals & labs' plotting library, in the background before that tab is shown

    def fill(self, chart: Chart, today: date) -> None:
        """The header and the Summary tab (again after a change: the tab shown stays)."""
        p = chart.patient
        self.patient_id = p.id
        if self._open is not None:  # a tab made later opens on the chart as it is now
            self._open = (self._open[0], chart)
        self.message.clear()
        self.name.setText(f"{p.family_name}, {p.given_name}")
        self.preferred.setText(
            f'Prefers "{p.preferred_name}"' if p.preferred_name and p.preferred_name != p.given_name else ""
        )
        self.identity.setText(f"Age {age_on(p.birth_date, today)} · DOB {us_date(p.birth_date)} · MRN {p.mrn}")
        self.phones.setText(
            " · ".join(f"{ph.number} ({ph.kind})" for ph in p.phones) if p.phones else "No phone on file"
        )
        active = chart.active_enrollments(today)
        self.programs.setText("Programs: " + (", ".join(e.program.value for e in active) or "none active"))
        consents = [
            f"{e.program.value} consent {e.consent_method.value if e.consent_method else ''} {us_date(e.consent_date)}"
            for e in active
            if e.consent_date is not None and e.consent_date <= today
        ]
        if consents:
            self.consent.setText(" · ".join(consents))
            theme.set_role(self.consent, "")
        elif not active:  # someone to enroll, not a consent missing (a warning only for a program)
            self.consent.setText(chart.not_enrolled_text(today))
            theme.set_role(self.consent, "")
        else:
            self.consent.setText("No consent on file")
            theme.set_role(self.consent, "warning")
        self.risk.setText(f"{p.risk_tier.value.capitalize()} risk")
        theme.set_risk(self.risk, p.risk_tier.value)
        self.risk.show()
        status = p.status.value.capitalize()
        if p.status is Status.DECEASED and p.died_on is not None:
            status = f"{status} {us_date(p.died_on)}"  # "Deceased 11/02/2026": no call after it
        self.status.setText("" if p.status == Status.ACTIVE else status)
        self.conditions.fill([(c.icd10, c.display) for c in chart.conditions])
        self.medications.fill(
            [(m.name, m.dose, m.frequency, m.adherence.value) for m in chart.medications if m.active_on(today)]
        )
        self.allergies.fill([(a.substance, a.reaction) for a in chart.allergies])
        self.care_team.fill([(c.role, c.name, c.phone) for c in chart.care_team])
        self.observations.fill(latest_observations(chart.observations))
        for table, empty in self._empty.items():
            empty.setVisible(table.rowCount() == 0)

    def show_message(self, text: str) -> None:
        self.clear()
        self.message.show_error(text)

    def clear(self) -> None:
        """Empty every widget that showed patient data and return to the placeholder."""
        self.patient_id = None
        self._open = None
        self.safety_banner.clear()
        for tab in self._made:  # a tab still to be made has nothing to drop
            tab.clear()  # the care plan saves a pending draft while the store is still open
        for label in (self.name, self.preferred, self.identity, self.phones, self.programs, self.consent, self.status):
            label.clear()
            label.setAccessibleDescription("")
        self.risk.clear()
        self.risk.hide()
        for table in (self.conditions, self.medications, self.allergies, self.care_team, self.observations):
            table.fill([])
        self.message.clear()
        self.pages.setCurrentIndex(0)
