"""The chart's keys through real widgets: the tab keys and the section keys from inside the chart.

A keyboard-only tester found that the chart's tabs switched only with Ctrl+Tab, and not even that from
a Summary table or the Vitals & labs date field (the focused widget kept the key, so QTabWidget never
saw it); Ctrl+PageDown / Ctrl+PageUp (browsers', many editors' convention) did nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.fit_scroll import FitScroll
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.vitals_tab import VitalsTab

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = CTRL | SHIFT
NEXT = ((Qt.Key.Key_Tab, CTRL), (Qt.Key.Key_PageDown, CTRL))
PREVIOUS = ((Qt.Key.Key_Backtab, CTRL_SHIFT), (Qt.Key.Key_PageUp, CTRL))


def _open_chart(window, qtbot, pid: int) -> PatientsPage:
    window.activateWindow()
    page = window.view.show_page(PatientsPage)
    page.select_patient(pid)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    return page


def _focusable(tab: QWidget) -> list[QWidget]:
    return [
        w
        for w in tab.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def test_tab_keys_switch_the_chart_tabs_wherever_the_focus_is_in_the_chart(unlocked, canary_store, qtbot):
    page = _open_chart(unlocked, qtbot, canary_store["canary"])
    tabs = page.chart.tabs
    plan = tabs.indexOf(page.chart.tab(CarePlanEditor))
    for index in range(tabs.count()):
        if index == plan:
            continue  # the plan has tabs of its own: see the next test
        tabs.setCurrentIndex(index)
        qtbot.wait(10)
        places = [tabs.tabBar(), *_focusable(tabs.widget(index))]
        for widget in places:
            for (key, mods), step in [*((k, 1) for k in NEXT), *((k, -1) for k in PREVIOUS)]:
                tabs.setCurrentIndex(index)
                widget.setFocus()
                focused = QApplication.focusWidget()
                assert focused is not None and page.chart.isAncestorOf(focused), tabs.tabText(index)
                qtbot.keyClick(focused, key, mods)
                expected = (index + step) % tabs.count()
                assert tabs.currentIndex() == expected, (
                    tabs.tabText(index),
                    type(widget).__name__,
                    widget.accessibleName(),
                    key,
                )


def test_tab_keys_in_the_care_plan_switch_its_own_tabs(unlocked, canary_store, qtbot):
    """Inside the plan's own tab widget the keys step its tabs (as Qt's Ctrl+Tab did there)."""
    page = _open_chart(unlocked, qtbot, canary_store["canary"])
    editor = page.chart.tab(CarePlanEditor)
    page.chart.tabs.setCurrentWidget(editor)
    inner = editor.inner
    for key, mods in (*NEXT, *PREVIOUS):
        inner.setCurrentIndex(0)
        inner.tabBar().setFocus()
        qtbot.keyClick(inner.tabBar(), key, mods)
        assert inner.currentIndex() == (1 if key in (Qt.Key.Key_Tab, Qt.Key.Key_PageDown) else inner.count() - 1)
        assert page.chart.tabs.currentWidget() is editor


def test_section_keys_work_from_every_control_of_the_vitals_tab(unlocked, canary_store, qtbot):
    """Ctrl+1/2/3 from each control of Vitals & labs (a tester found them dead there; not reproduced
    with these widgets, nor under xvfb with X key events: kept as a check)."""
    view = unlocked.view
    page = _open_chart(unlocked, qtbot, canary_store["canary"])
    tab = page.chart.tab(VitalsTab)
    page.chart.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    for widget in _focusable(tab):
        for row in (0, 2, 1):
            view.nav.setCurrentRow(1)
            page.chart.tabs.setCurrentWidget(tab)
            widget.setFocus()
            qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{row + 1}"), CTRL)
            assert view.nav.currentRow() == row, widget.accessibleName()


def test_tab_and_shift_tab_never_stop_on_a_tab_s_scroll_area(unlocked, canary_store, qtbot):
    """Shift+Tab out of the Conditions table went to the Clinical tab's scroll area, which shows no
    focus (a keyboard-only tester lost the cursor there); the Record tab's was already no stop."""
    page = _open_chart(unlocked, qtbot, canary_store["canary"])
    tabs = page.chart.tabs
    stops = []
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(10)
        inside = [w for w in _focusable(tabs.widget(index)) if not isinstance(w, QScrollArea)]
        for key, mods in ((Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Backtab, SHIFT)):
            inside[0].setFocus()
            for _ in range(60):
                qtbot.keyClick(QApplication.focusWidget(), key, mods)
                focused = QApplication.focusWidget()
                if focused is None or not tabs.currentWidget().isAncestorOf(focused):
                    break
                if type(focused) is QScrollArea or isinstance(focused, FitScroll):
                    stops.append((tabs.tabText(index), type(focused).__name__))
    assert sorted(set(stops)) == []
