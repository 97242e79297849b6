"""The UI tests' charts make a tab when it is chosen or asked for (tests/ui/conftest.py,
ChartView.tabs_made_at_show), a placeholder sized as the tab holding its place until then: a chart
so made must be sized, chosen and filled as the app's."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow

from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.chart_view import ChartView
from caredesk.ui.chart.clinical_tab import ClinicalTab
from caredesk.ui.chart.patients_page import PatientsPage
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


@pytest.fixture
def tab_sizes_known(qtbot, monkeypatch):
    """A chart shown once in this test: each tab made, so its size is known (a later chart's tabs
    then wait behind placeholders)."""
    _shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)


def _assert_sized_as_with_every_tab(qtbot, monkeypatch) -> None:
    waiting = _shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)
    assert waiting._made == []  # each tab behind its placeholder
    every = _shown_chart(qtbot, monkeypatch, None)  # the app's: every tab made
    assert every.tabs.count() == 11
    assert waiting.minimumSizeHint() == every.minimumSizeHint()
    assert waiting.sizeHint() == every.sizeHint()


def test_a_chart_whose_tabs_wait_behind_placeholders_is_sized_as_with_every_tab(qtbot, monkeypatch):
    # The Patients page gives the list what the chart leaves (PatientsPage._split): a chart whose
    # placeholders made it narrower would give the tests' lists room the app's do not have.
    monkeypatch.setattr(ChartView, "_tab_sizes", {})
    first = _shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)
    assert len(first._made) == 10  # no size known yet: each tab made, and its size kept
    _assert_sized_as_with_every_tab(qtbot, monkeypatch)
    # A larger font (125%): the sizes kept are not for it, so each tab is made again first.
    font = QApplication.font()
    larger = QFont(font)
    larger.setPointSizeF(font.pointSizeF() * 1.25)
    QApplication.setFont(larger)
    try:
        assert len(_shown_chart(qtbot, monkeypatch, CHART_TABS_AT_SHOW)._made) == 10
        _assert_sized_as_with_every_tab(qtbot, monkeypatch)
    finally:
        QApplication.setFont(font)


def test_a_tab_is_made_where_it_stands_when_chosen_and_the_same_tab_stays_chosen(qtbot, monkeypatch, tab_sizes_known):
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


def test_a_tab_made_after_the_chart_opened_shows_that_patient_as_it_is_now(
    tab_sizes_known, unlocked, canary_store, qtbot
):
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
