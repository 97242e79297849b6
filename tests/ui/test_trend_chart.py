"""The trend chart: drawn over the target band in the app's palette, said in words, calm to the mouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from caredesk.ui.common import theme
from caredesk.ui.common.chart_ticks import date_ticks, value_ticks
from caredesk.ui.common.trend_chart import EMPTY, TrendChart, summary

SYSTOLIC = [(date(2024, 1, 5) + timedelta(days=90 * i), 136.0 + (i % 4) * 3) for i in range(11)] + [
    (date(2026, 11, 20), 142.0)
]
DIASTOLIC = [(day, value - 50) for day, value in SYSTOLIC]


def _show(qtbot, chart: TrendChart) -> QImage:
    qtbot.addWidget(chart)
    chart.resize(640, 380)
    chart.show()
    qtbot.waitExposed(chart)
    QApplication.processEvents()
    return chart.grab().toImage()


def _count(image: QImage, colour: str) -> int:
    want = QColor(colour).rgb()
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2) if image.pixel(x, y) == want)


def _pixel_at(chart: TrendChart, image: QImage, day: date, value: float) -> QColor:
    """The colour drawn at (day, value) of the chart's axes."""
    plot = chart._plot
    scene_point = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(day.toordinal(), value))
    point = plot.mapTo(chart, plot.mapFromScene(scene_point))
    ratio = image.devicePixelRatio()
    return QColor(image.pixel(round(point.x() * ratio), round(point.y() * ratio)))


@pytest.fixture
def dark(qapp, monkeypatch):
    """The app as theme.apply makes it on a system set to dark."""
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    theme.apply(qapp)
    yield
    monkeypatch.undo()
    theme.apply(qapp)


def test_importing_the_chart_or_showing_no_readings_does_not_load_pyqtgraph():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from caredesk.ui.common.trend_chart import TrendChart\n"
        "TrendChart().set_series('A1c', '%', [])\n"
        "print(sorted(m for m in ('pyqtgraph', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    assert out.stdout.strip() == "[]"


PRELOAD_IN_A_NEW_PROCESS = """
import importlib.machinery, json, sys, threading, time
from datetime import date
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
app = QApplication([])
from caredesk.ui.common.trend_chart import TrendChart, _Preload, preload
from caredesk.ui.common.workers import TaskRunner

def qt_types():
    return {n: len(m.__dict__) for n, m in list(sys.modules.items()) if n.startswith("PySide6.")}

seen = {}

class Watch:
    # Wraps pyqtgraph's import: which thread ran it, and what Qt made meanwhile.
    def find_spec(self, name, path=None, target=None):
        if name != "pyqtgraph":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            types, wrappers = qt_types(), {id(w) for w in shiboken6.getAllValidWrappers()}
            run(module)
            after = qt_types()
            seen["on_gui_thread"] = threading.current_thread() is threading.main_thread()
            seen["qt_types_made"] = {n: after[n] - types.get(n, 0) for n in after if after[n] != types.get(n)}
            seen["qobjects_made"] = sorted(
                type(w).__name__ for w in shiboken6.getAllValidWrappers() if id(w) not in wrappers and isinstance(w, QObject)
            )
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Watch())
chart = TrendChart()
preload()
preload()  # a second chart opened: nothing more
if "draw at once" in sys.argv:
    chart.set_series("A1c", "%", [(date(2026, 3, 1), 7.4), (date(2026, 9, 1), 6.8)])
deadline = time.monotonic() + 60
while not _Preload.done and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.002)
chart.set_series("A1c", "%", [(date(2026, 3, 1), 7.4), (date(2026, 9, 1), 6.8)])
seen["done"] = _Preload.done
seen["runners"] = len(app.findChildren(TaskRunner))
seen["drawn"] = chart._plot is not None and len(chart._plot.getPlotItem().listDataItems()) == 1
print(json.dumps(seen))
"""


def _preload_in_new_process(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PRELOAD_IN_A_NEW_PROCESS, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "QObject" not in out.stderr, out.stderr
    return json.loads(out.stdout)


def test_preload_imports_pyqtgraph_off_the_gui_thread_and_qt_makes_nothing_there():
    # PySide6 makes its Python types on first use, which is not safe from two threads at once: the GUI
    # thread makes them all first, so the background import finds them made (and creates no QObject).
    seen = _preload_in_new_process()
    assert seen == {
        "on_gui_thread": False,
        "qt_types_made": {},
        "qobjects_made": [],
        "done": True,
        "runners": 1,
        "drawn": True,
    }


def test_a_chart_drawn_before_the_preload_is_done_still_draws():
    seen = _preload_in_new_process("draw at once")
    assert seen["done"] and seen["drawn"]
    assert seen["on_gui_thread"]  # the chart did not wait for the background: it imported pyqtgraph itself


def test_the_chart_is_said_in_words_for_screen_readers_and_under_the_picture(qtbot):
    chart = TrendChart()
    chart.set_series("Systolic blood pressure", "mmHg", SYSTOLIC, band=(90, 130))
    _show(qtbot, chart)
    words = "12 readings from 01/05/2024 to 11/20/2026; latest 142 mmHg on 11/20/2026; target 90–130 mmHg (latest above target)"
    assert chart.accessibleName() == "Systolic blood pressure"
    assert chart.accessibleDescription() == words
    assert chart._words.text() == words and chart._words.isVisible()


def test_blood_pressure_is_said_as_systolic_over_diastolic():
    said = summary("Blood pressure", "mmHg", SYSTOLIC, (None, 130), DIASTOLIC)
    assert "latest 142/92 mmHg on 11/20/2026" in said
    assert said.endswith("target at most 130 mmHg (latest above target)")


def test_open_bands_and_percent_units_read_naturally():
    a1c = [(date(2026, 3, 1), 7.4), (date(2026, 9, 1), 6.8)]
    assert summary("A1c", "%", a1c, (None, 7.0)) == (
        "2 readings from 03/01/2026 to 09/01/2026; latest 6.8% on 09/01/2026; target at most 7% (latest in target)"
    )
    assert summary("Weight", "kg", [(date(2026, 1, 2), 61.0)], (65.0, None)) == (
        "1 reading on 01/02/2026; latest 61 kg on 01/02/2026; target at least 65 kg (latest below target)"
    )


def test_the_band_is_shaded_where_the_target_is_and_the_readings_drawn_in_the_palette_colours(qtbot):
    chart = TrendChart()
    high_readings = [(day, 140.0 + i % 3 * 4) for i, (day, _) in enumerate(SYSTOLIC)]  # all above the band
    chart.set_series("Systolic blood pressure", "mmHg", high_readings, band=(90, 130))
    image = _show(qtbot, chart)
    colours = theme.LIGHT
    middle = date(2025, 6, 1)
    assert _pixel_at(chart, image, middle, 110).name() == colours.low_bg  # inside the band
    assert _pixel_at(chart, image, middle, 86).name() == colours.base  # below it: the plain background
    assert _count(image, colours.low_bg) > 5_000
    assert (
        _count(image, chart.palette().color(chart.palette().ColorRole.Link).name()) > 100
    )  # the line and points (every 4th pixel sampled)


def test_no_readings_show_an_empty_state_without_a_chart(qtbot):
    chart = TrendChart()
    chart.set_series("Glucose", "mg/dL", [], band=(80, 130))
    image = _show(qtbot, chart)
    assert chart._stack.currentWidget() is chart._empty and chart._empty.text() == EMPTY
    assert chart.accessibleDescription() == "No readings yet; target 80–130 mg/dL"
    assert not chart._words.isVisible()
    assert _count(image, theme.LIGHT.low_bg) == 0


def test_clear_goes_back_to_the_empty_state(qtbot):
    chart = TrendChart()
    chart.set_series("A1c", "%", [(date(2026, 1, 5), 8.1)], band=(None, 7.0))
    _show(qtbot, chart)
    chart.clear()
    QApplication.processEvents()
    assert chart._stack.currentWidget() is chart._empty
    assert chart.accessibleName() == "" and chart.accessibleDescription() == EMPTY
    assert _count(chart.grab().toImage(), theme.LIGHT.low_bg) == 0


def _drawn_labels(axis) -> list[tuple[float, float, str]]:
    """(left, right, text) of each tick label pyqtgraph draws on a horizontal axis."""
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return sorted((rect.left(), rect.right(), text) for rect, _flags, text in texts)


def test_three_years_of_weekly_readings_get_month_ticks_that_do_not_overlap(qtbot):
    start = date(2023, 11, 20)
    readings = [(start + timedelta(days=7 * i), 120.0 + (i * 7) % 25) for i in range(156)]
    chart = TrendChart()
    chart.set_series("Blood pressure", "mmHg", readings, band=(90, 130), second=DIASTOLIC, second_label="Diastolic")
    image = _show(qtbot, chart)
    labels = _drawn_labels(chart._plot.getPlotItem().getAxis("bottom"))
    assert 3 <= len(labels) <= 12
    assert all(text[:3] in ("Jan", "Apr", "Jul", "Oct") and text[-4:].isdigit() for _l, _r, text in labels)
    assert all(right < left for (_l, right, _t), (left, _r, _t2) in pairwise(labels))  # none overlaps the next
    assert chart._key.isVisible() and chart._key_name.text() == "Diastolic"
    assert _count(image, theme.LIGHT.low_bg) > 5_000


def test_a_month_of_readings_is_labelled_with_us_dates(qtbot):
    chart = TrendChart()
    chart.set_series("Weight", "lb", [(date(2026, 11, 1) + timedelta(days=3 * i), 180.0 - i) for i in range(10)])
    _show(qtbot, chart)
    labels = [text for _l, _r, text in _drawn_labels(chart._plot.getPlotItem().getAxis("bottom"))]
    assert labels and all(len(t) == 10 and t[2] == t[5] == "/" and t.startswith("11/") for t in labels)


@pytest.mark.parametrize(
    ("first", "last", "pixels", "label"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), 600, "11/16/2026"),  # a month: weeks, one on the middle day
        (date(2023, 11, 20), date(2026, 11, 20), 600, "Jan 2025"),  # three years: months
        (date(2006, 1, 1), date(2026, 1, 1), 300, "2010"),  # twenty years on a narrow chart: years
    ],
)
def test_date_ticks_pick_the_finest_step_whose_labels_fit(first, last, pixels, label):
    font = QFont()
    ticks = date_ticks(first.toordinal(), last.toordinal(), pixels, font)
    labels = [text for _day, text in ticks]
    assert label in labels
    widest = max(QFontMetricsF(font).horizontalAdvance(s) for s in labels)
    assert len(labels) * widest < pixels


def test_value_ticks_are_round_numbers_a_few_lines_apart():
    assert [text for _v, text in value_ticks(62.4, 158.7, 300, QFont())] == ["80", "100", "120", "140"]
    assert [text for _v, text in value_ticks(6.2, 9.3, 300, QFont())] == ["6.5", "7", "7.5", "8", "8.5", "9"]


def test_the_mouse_cannot_zoom_pan_or_open_a_menu(qtbot):
    chart = TrendChart()
    chart.set_series("Weight", "kg", [(date(2026, 1, 1) + timedelta(days=30 * i), 80.0 - i) for i in range(8)])
    _show(qtbot, chart)
    plot = chart._plot
    view = plot.getPlotItem().getViewBox()
    before = view.viewRange()
    centre = plot.viewport().rect().center()
    wheel = QWheelEvent(
        QPointF(centre),
        QPointF(plot.viewport().mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, 480),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(plot.viewport(), wheel)
    qtbot.mouseMove(plot.viewport(), centre)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(plot.viewport(), centre + QPoint(120, 60))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=centre + QPoint(120, 60))
    assert view.viewRange() == before
    assert not view.menuEnabled() and not plot.getPlotItem().menuEnabled()
    assert plot.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_chart_deleted_takes_its_plot_menus_with_it(qtbot):
    # pyqtgraph makes the plot's options menu with no parent: each chart drawn left one menu and
    # six submenus alive for good (the UI tests piled them up by the hundred).
    from PySide6.QtCore import QEvent

    def menus() -> int:
        return sum(1 for w in QApplication.topLevelWidgets() if type(w).__name__ == "QMenu")

    before = menus()
    chart = TrendChart()
    chart.set_series("Weight", "kg", [(date(2026, 1, 1) + timedelta(days=30 * i), 80.0 - i) for i in range(8)])
    _show(qtbot, chart)
    assert menus() > before  # the menu is made (hidden) with the plot
    chart.close()
    chart.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert menus() == before


def test_dark_palette_draws_dark_background_and_dark_band(qtbot, dark):
    chart = TrendChart()
    chart.set_series("Systolic blood pressure", "mmHg", SYSTOLIC, band=(90, 130))
    image = _show(qtbot, chart)
    assert _pixel_at(chart, image, date(2025, 6, 1), 110).name() == theme.DARK.low_bg
    assert _count(image, theme.DARK.base) > 1_000
    assert _count(image, theme.LIGHT.low_bg) == 0 and _count(image, theme.LIGHT.base) == 0


def test_a_palette_change_recolours_a_chart_already_drawn(qtbot, qapp, monkeypatch):
    chart = TrendChart()
    chart.set_series("Systolic blood pressure", "mmHg", SYSTOLIC, band=(90, 130))
    light = _show(qtbot, chart)
    assert _count(light, theme.LIGHT.low_bg) > 5_000
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    theme.apply(qapp)  # the system switched to dark while the chart was open
    QApplication.processEvents()
    dark = chart.grab().toImage()
    assert _count(dark, theme.DARK.low_bg) > 5_000 and _count(dark, theme.LIGHT.low_bg) == 0
    monkeypatch.undo()
    theme.apply(qapp)
