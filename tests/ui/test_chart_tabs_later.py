"""The chart's tabs are made one per event-loop turn after the page is built (issue 14): what the
page looks like must not depend on whether they came before or after it was first sized."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.chart_view import ChartView


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
    # A tab waiting for its turn has no parent, and its own signal connections keep it alive: a
    # chart closed in its first turns left each waiting tab (100-300 widgets) for good, and a test
    # run piled up 3,000 widgets that every later style-sheet change had to walk.
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    def waiting_tabs() -> list[str]:
        names = {"RecordTab", "ClinicalTab", "VitalsTab", "ContactsTab", "CarePlanEditor"}
        return [type(w).__name__ for w in QApplication.topLevelWidgets() if type(w).__name__ in names]

    before = waiting_tabs()
    chart = ChartView([CarePlanEditor()])  # a tab made by the caller, and makers for the rest
    chart._make_next_tab()  # the first record tab made, not yet placed
    assert len(waiting_tabs()) == len(before) + 2  # that tab and the care plan, both parentless
    chart.deleteLater()
    del chart
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert waiting_tabs() == before
