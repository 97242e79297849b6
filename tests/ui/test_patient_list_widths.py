"""The patient list's columns fit their values as Qt's own fit over the same sample of rows did
(PatientsPage._content_widths asks Qt only for each column's widest texts, issue 14)."""

from __future__ import annotations

import pytest

from caredesk.ui.chart import patients_page
from caredesk.ui.chart.patients_page import PatientsPage


def _qt_fit(page: PatientsPage) -> list[int]:
    page.table.horizontalHeader().setResizeContentsPrecision(patients_page.SIZE_SAMPLE_ROWS)
    return [page.table.sizeHintForColumn(col) for col in range(page.model.columnCount())]


@pytest.mark.parametrize("sample", [50, 7])  # 7: fewer than the rows shown, and than the panel's
def test_the_columns_widths_are_qt_own_fit_of_the_same_rows(demo_unlocked, qtbot, monkeypatch, sample):
    monkeypatch.setattr(patients_page, "SIZE_SAMPLE_ROWS", sample)
    page = demo_unlocked.view.show_page(PatientsPage)
    qtbot.waitUntil(lambda: not page.loading)
    demo_unlocked.resize(demo_unlocked.width(), 480)  # fewer rows shown than the panel has
    qtbot.waitUntil(lambda: page.table.rowAt(page.table.viewport().height()) != -1)
    assert page.proxy.rowCount() > 10
    assert page._content_widths() == _qt_fit(page)
    for row in (page.proxy.rowCount() // 2, page.proxy.rowCount() - 1):  # the sample follows the rows shown
        page.table.scrollTo(page.proxy.index(row, 0))
        assert page._content_widths() == _qt_fit(page)
    assert page.table.rowAt(0) > 0  # scrolled: the sample starts there
    page.hide()  # hidden: Qt samples from the first row shown down
    assert page._content_widths() == _qt_fit(page)
    page.show()
    page.filter.setText("a")
    assert page.proxy.rowCount() > 0 and page._content_widths() == _qt_fit(page)
    page.filter.setText("qzxqzx")  # nobody: Qt's fit of no rows
    assert page.proxy.rowCount() == 0 and page._content_widths() == _qt_fit(page)
