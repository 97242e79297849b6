"""The patient list per keystroke (budget < 16 ms) over the 170 and 2,000-patient panels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from caredesk.services.patients import patient_list
from caredesk.ui.chart.patient_table import NAME, PatientFilterProxy, PatientTableModel

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])


def _list(panels, panel):
    ws = panels[panel]
    model = PatientTableModel()
    model.set_rows(patient_list(ws), ws.today())
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(NAME, Qt.SortOrder.AscendingOrder)
    return model, proxy


def test_first_keystroke_filters_every_row(benchmark, qapp, panels, panel):
    _model, proxy = _list(panels, panel)
    benchmark.pedantic(proxy.set_query, args=("k",), setup=lambda: proxy.set_query(""), rounds=60)
    assert 0 < proxy.rowCount() < int(panel.split("x")[0])


def test_a_further_keystroke(benchmark, qapp, panels, panel):
    _model, proxy = _list(panels, panel)
    benchmark.pedantic(proxy.set_query, args=("mar",), setup=lambda: proxy.set_query("ma"), rounds=60)
    assert proxy.rowCount() > 0


def test_clearing_the_filter_shows_every_row_sorted(benchmark, qapp, panels, panel):
    _model, proxy = _list(panels, panel)
    benchmark.pedantic(proxy.set_query, args=("",), setup=lambda: proxy.set_query("mar"), rounds=60)
    assert proxy.rowCount() == int(panel.split("x")[0])
