"""The UI tests' charts make a tab when it is chosen or asked for (tests/ui/conftest.py,
ChartView.tabs_made_at_show): a chart so made must be sized, chosen and filled as the app's."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow

from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.chart_view import ChartView
from caredesk.ui.chart.clinical_tab import ClinicalTab
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.vitals_tab import VitalsTab
from tests.ui.conftest import CHART_TABS_AT_SHOW

_windows: list[QMainWindow] = []  # each test's, kept alive until its end (qtbot closes them)


@pytest.fixture(autouse=True)
def _drop_windows():
    yield
    _windows.clear()


def _shown_chart(qtbot, monkeypatch, at_show) -> ChartView:
    monkeypatch.setattr(ChartView, "tabs_made_at_show", at_show)
    window = QMainWindow()
    qtbot.addWidget(window)
    _windows.append(window)
    chart = ChartView([CarePlanEditor])
    window.setCentralWidget(chart)
    chart.pages.setCurrentIndex(1)  # the tabs' page, as with a patient open
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    return chart


def test_a_chart_with_only_the_tabs_named_made_is_as_large_as_with_every_tab(qtbot, monkeypatch):
    # The Patients page gives the list what the chart leaves (PatientsPage._split): a chart whose
    # placeholders made it narrower would give the tests' lists room the app's do not have.
    assert CarePlanEditor.tab_title in CHART_TABS_AT_SHOW and VitalsTab.tab_title in CHART_TABS_AT_SHOW
    every = _shown_chart(qtbot, monkeypatch, None)
    assert every.tabs.count() == 11
    chosen = _shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)
    assert len(chosen._made) == len(CHART_TABS_AT_SHOW)  # those only
    assert chosen.minimumSizeHint() == every.minimumSizeHint()
    assert chosen.sizeHint() == every.sizeHint()


def test_a_tab_is_made_where_it_stands_when_chosen_and_the_same_tab_stays_chosen(qtbot, monkeypatch):
    chart = _shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)
    titles = [chart._tabs.tabText(i) for i in range(chart._tabs.count())]
    seen: list[int] = []
    chart._tabs.currentChanged.connect(seen.append)
    clinical_at = titles.index(ClinicalTab.tab_title)
    assert not any(isinstance(t, ClinicalTab) for t in chart._made)
    chart._tabs.setCurrentIndex(clinical_at)
    assert isinstance(chart._tabs.currentWidget(), ClinicalTab)
    assert chart._tabs.currentWidget().isVisible()
    assert seen == [clinical_at]  # told once, of the tab made, not of the placeholder swapped out
    assert chart.tab(ClinicalTab) is chart._tabs.currentWidget()
    assert [chart.tabs.tabText(i) for i in range(chart.tabs.count())] == titles  # every tab made, in order
    assert [type(t).__name__ for t in chart.feature_tabs] == [type(chart.tabs.widget(i)).__name__ for i in range(1, 11)]


def test_a_tab_made_after_the_chart_opened_shows_that_patient_as_it_is_now(unlocked, canary_store, qtbot):
    # The Record tab shows the chart read when it opened; one made after a change was published
    # (the page re-read the chart and refilled it) must show the change, as the app's tab does.
    from caredesk.services.patient_records import edit_patient
    from caredesk.ui.chart.record_tab import RecordTab
    from caredesk.ui.common.hub import publish

    page = unlocked.view.show_page(PatientsPage)
    pid = canary_store["canary"]
    page.select_patient(pid)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    assert not any(isinstance(t, RecordTab) for t in page.chart._made)  # still behind its placeholder
    publish(edit_patient(unlocked.workspace, pid, preferred_name="Willa").changes)
    qtbot.waitUntil(lambda: "Willa" in page.chart.preferred.text())
    tab = page.chart.tab(RecordTab)
    page.chart.show_tab(tab)
    assert tab.values["Preferred name"].text() == "Willa"
