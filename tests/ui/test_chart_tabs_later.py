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
