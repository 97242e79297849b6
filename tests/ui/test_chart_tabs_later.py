"""The chart's tabs are made one per event-loop turn after the page is built (issue 14): what the
page looks like must not depend on whether they came before or after it was first sized."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow

from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.chart_view import ChartView


@pytest.fixture(autouse=True)
def tabs_when_idle(monkeypatch):
    """The app's setting (tests/ui/conftest.py turns it off for the other UI tests)."""
    monkeypatch.setattr(ChartView, "make_tabs_when_idle", True)


def test_tabs_made_while_no_patient_is_open_still_give_the_chart_its_minimum_width(qtbot):
    # No patient open: the tabs' page is hidden, and a hidden QTabWidget passes no new minimum
    # size up. The chart then claimed 127 px at 125% instead of the care plan's 494, and the
    # patient list took that room and scrolled sideways (seen in make screenshots).
    window = QMainWindow()
    qtbot.addWidget(window)
    chart = ChartView([CarePlanEditor])
    window.setCentralWidget(chart)
    window.resize(1000, 700)
    with qtbot.waitSignal(chart.tabs_made, timeout=10_000):
        window.show()
    editor = chart.tab(CarePlanEditor)
    assert editor.minimumSizeHint().width() > 300  # the care plan's form is the chart's widest tab
    assert chart.minimumSizeHint().width() >= editor.minimumSizeHint().width()


def test_a_chart_deleted_before_its_tabs_were_placed_leaves_no_tab_behind(qtbot):
    # A tab handed in made has no parent until it is placed, and its own signal connections keep
    # it alive: a chart closed in its first turns left each waiting tab (100-300 widgets) for good,
    # and a test run piled up 3,000 widgets that every later style-sheet change had to walk.
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    def waiting_tabs() -> list[str]:
        names = {"RecordTab", "ClinicalTab", "VitalsTab", "ContactsTab", "CarePlanEditor"}
        return [type(w).__name__ for w in QApplication.topLevelWidgets() if type(w).__name__ in names]

    before = waiting_tabs()
    chart = ChartView([CarePlanEditor()])  # a tab made by the caller, and makers for the rest
    chart._make_next_tab()  # the first record tab, made inside the chart
    assert len(waiting_tabs()) == len(before) + 1  # only the care plan is parentless
    chart.deleteLater()
    del chart
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert waiting_tabs() == before


@pytest.mark.parametrize("made_before_show", [True, False])  # in turns while hidden; at once on show
def test_tabs_are_made_inside_the_tab_widget_and_stay_behind_the_tab_shown(qtbot, made_before_show):
    # Made with the tab widget's page stack as parent, addTab does not move them (moving a built
    # tab re-applied the style sheet to all of it: 68 ms a window, issue 14). A page made in a
    # shown stack must still not show on top of the tab the user is reading.
    from PySide6.QtWidgets import QStackedWidget

    window = QMainWindow()
    qtbot.addWidget(window)
    chart = ChartView([CarePlanEditor])
    window.setCentralWidget(chart)
    chart.pages.setCurrentIndex(1)  # the tabs' page on screen, as with a patient open
    window.resize(1000, 700)
    if made_before_show:
        qtbot.waitUntil(lambda: not chart._to_make, timeout=10_000)
    window.show()
    assert not chart._to_make
    tabs = chart.tabs
    stack = tabs.findChild(QStackedWidget, "qt_tabwidget_stackedwidget")
    assert tabs.currentIndex() == 0 and tabs.widget(0).isVisible()  # Summary, shown
    for tab in chart.feature_tabs:
        assert tab.parentWidget() is stack
        assert not tab.isVisible(), tab.tab_title
    tabs.setCurrentIndex(tabs.indexOf(chart.tab(CarePlanEditor)))
    assert chart.tab(CarePlanEditor).isVisible()
