"""A trend chart of one vital or lab (blood pressure, A1c, weight...) over the patient's readings.

`TrendChart.set_series(title, unit, [(date, value), ...], band=(low, high))` draws the readings
as a line with points over the patient's target band (a shaded strip; either side may be open),
dates along the bottom (MM/DD/YYYY, or 'Nov 2026' and '2026' ticks over months and years), the
unit on the left. Blood pressure passes the diastolic readings as `second` (a dashed line).

The same facts are said in words: the widget's accessible description and a line under the
chart ('12 readings from 01/05/2024 to 11/20/2026; latest 142/88 mmHg on 11/20/2026; target
90–130 mmHg'). Without readings it says 'No readings yet'.

pyqtgraph (with numpy, ~0.4-0.75 s to import) is imported when the first chart with readings
is drawn, never when this module is imported: the app's start does not pay for it. `preload()`
(called when a chart opens a patient) imports it in the background beforehand, so that the first
Vitals & labs tab shows without that freeze. The chart
takes no mouse input (no zoom, pan or context menu), so nobody gets lost in it. Colours come
from the widget's palette and the app's theme, and follow a palette change.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date
from caredesk.ui.common import theme
from caredesk.ui.common.chart_ticks import date_ticks, number, value_ticks
from caredesk.ui.common.workers import TaskRunner

Points = Sequence[tuple[date, float]]
Band = tuple[float | None, float | None]

EMPTY = "No readings yet"

log = logging.getLogger(__name__)


# -- pyqtgraph imported before the first chart ----------------------------------------------

# The Qt modules pyqtgraph imports (QtSvg and QtTest only where present: the bundle leaves them out).
_QT_MODULES = (
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvg",
    "PySide6.QtTest",
)
_SLICE_S = 0.008  # GUI-thread work per event-loop turn while getting Qt's types ready


class _Preload:
    """Where the preload is: `runner` once started (once per process); `numpy` and `qt` once each
    part is ready; `done` once pyqtgraph is imported in the background (or that failed)."""

    runner: TaskRunner | None = None
    numpy = False
    qt = False
    done = False


def preload() -> None:
    """Import numpy and pyqtgraph in the background (once per process; later calls do nothing), so the
    first chart with readings draws without the ~0.5 s import on the GUI thread. Call it on the GUI
    thread once a patient's chart is open; a chart drawn before it is done waits for the rest.

    How, and why so: the imports run as TaskRunner jobs, which hold Python's automatic garbage
    collection meanwhile (a collection in a worker thread may destroy a Qt widget there and crash).
    numpy (no Qt in it) is imported at once. PySide6 creates most of its Python types on first use,
    and that creation is not safe from two threads at once (shiboken's lazy type creation calls back
    into Python, so a thread switch can land in the middle of it). So the GUI thread first makes
    every type of the Qt modules pyqtgraph uses, a few milliseconds per event-loop turn, and only then
    does a job import pyqtgraph, which creates no QObject and no Qt type while it is imported
    (tests/ui/test_trend_chart.py checks both).
    """
    app = QCoreApplication.instance()
    if app is None or _Preload.runner is not None or "pyqtgraph" in sys.modules:
        return
    _Preload.runner = TaskRunner(app)
    _Preload.runner.run(_import_numpy, lambda _none: _part_ready("numpy"), _failed)
    _make_qt_types(_qt_type_steps())


def _import_numpy() -> None:
    import numpy  # noqa: F401  # ~0.2 s


def _import_pyqtgraph() -> None:
    import pyqtgraph  # type: ignore[import-untyped]  # noqa: F401  # ~0.2-0.4 s once numpy and Qt's types are there


def _part_ready(part: str) -> None:
    setattr(_Preload, part, True)
    if _Preload.numpy and _Preload.qt and _Preload.runner is not None:
        _Preload.runner.run(_import_pyqtgraph, _finished, _failed)


def _finished(_none: object = None) -> None:
    _Preload.done = True


def _failed(exc: BaseException) -> None:
    # The first chart imports it again on the GUI thread, where a failure shows.
    log.warning("preloading the trend charts' pyqtgraph failed: %s", type(exc).__name__)
    _finished()


def _qt_type_steps() -> Iterator[None]:
    """One step per Qt module imported and per name looked up in it (which creates the type if needed)."""
    for name in _QT_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        yield
        for attr in dir(module):
            try:
                getattr(module, attr)
            except Exception:  # a name PySide6 lists but cannot make: pyqtgraph will not need it
                continue
            yield


def _make_qt_types(steps: Iterator[None]) -> None:
    """Run `steps` on the GUI thread for about 8 ms, then again at the next event-loop turn, until done."""
    deadline = time.perf_counter() + _SLICE_S
    for _ in steps:
        if time.perf_counter() > deadline:
            QTimer.singleShot(0, lambda: _make_qt_types(steps))
            return
    _part_ready("qt")


def summary(
    title: str,
    unit: str,
    points: Points,
    band: Band | None = None,
    second: Points | None = None,
    *,
    target_words: str = "",
    latest_words: str = "",
) -> str:
    """What the chart shows, in words (the accessible description and the line under the chart).

    `target_words` ('target below 130/80 mmHg') and `latest_words` ('latest above target') replace
    what the chart would say from `band` alone: the caller knows the measure's rule (a "below"
    target misses at its ceiling; blood pressure is judged on both halves), the chart does not.
    """
    target = target_words or _target(unit, band)
    if not points:
        return f"{EMPTY}; {target}" if target else EMPTY
    ordered = sorted(points, key=lambda p: p[0])
    first, (last_day, last_value) = ordered[0][0], ordered[-1]
    count = f"{len(ordered)} reading{'s' if len(ordered) != 1 else ''}"
    span = f"on {us_date(first)}" if first == last_day else f"from {us_date(first)} to {us_date(last_day)}"
    latest = number(last_value)
    same_day = [value for day, value in (second or ()) if day == last_day]
    if same_day:
        latest += f"/{number(same_day[-1])}"  # blood pressure as written: 142/88
    parts = [f"{count} {span}", f"latest {latest}{_unit(unit)} on {us_date(last_day)}"]
    if target:
        parts.append(f"{target} ({latest_words or _where(last_value, band)})")
    return "; ".join(parts)


def _target(unit: str, band: Band | None) -> str:
    low, high = band or (None, None)
    unit = _unit(unit)
    if low is not None and high is not None:
        return f"target {number(low)}–{number(high)}{unit}"
    if low is not None:
        return f"target at least {number(low)}{unit}"
    if high is not None:
        return f"target at most {number(high)}{unit}"
    return ""


def _unit(unit: str) -> str:
    """The unit as written after a number: '142 mmHg', '6.8%'."""
    return "" if not unit else unit if unit == "%" else f" {unit}"


def _where(value: float, band: Band | None) -> str:
    low, high = band or (None, None)
    if low is not None and value < low:
        return "latest below target"
    if high is not None and value > high:
        return "latest above target"
    return "latest in target"


class TrendChart(QWidget):
    """Title, chart (or 'No readings yet') and the chart said in words, stacked; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel()
        theme.set_role(self._title, "section")
        self._key = QLabel()  # the dashed line's sample, beside its name: a legend that covers no reading
        self._key_name = QLabel()
        theme.set_role(self._key_name, "hint")
        self._empty = QLabel(EMPTY)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setProperty("card", "true")  # the chart's frame, empty
        theme.set_role(self._empty, "hint")
        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty)
        self._stack.setMinimumHeight(self.fontMetrics().height() * 12)
        self._words = QLabel()
        self._words.setWordWrap(True)
        self._words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        theme.set_role(self._words, "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self._title)
        heading.addStretch(1)
        heading.addWidget(self._key, 0, Qt.AlignmentFlag.AlignBottom)  # on the title's line (it has a top margin)
        heading.addWidget(self._key_name, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(heading)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self._words)
        self._plot: Any = None  # pyqtgraph's PlotWidget, made with the first readings
        self._series: tuple[str, str, list[tuple[date, float]], Band | None, list[tuple[date, float]]] | None
        self.clear()

    def set_series(
        self,
        title: str,
        unit: str,
        points: Sequence[tuple[date, float]],
        *,
        band: tuple[float | None, float | None] | None = None,
        second: Sequence[tuple[date, float]] | None = None,
        second_label: str = "",
        target_words: str = "",
        latest_words: str = "",
    ) -> None:
        """Show `points` (date, value in `unit`); `band` = (low, high) target, either may be None (open);
        `second` = a second line on the same axes (diastolic under systolic), named `second_label`;
        `target_words` / `latest_words`: see `summary`."""
        ordered = sorted(points, key=lambda p: p[0])
        others = sorted(second or (), key=lambda p: p[0])
        self._series = (title, unit, ordered, band, others)
        words = summary(title, unit, ordered, band, others, target_words=target_words, latest_words=latest_words)
        self._title.setText(title)
        self._title.setVisible(bool(title))
        self._key_name.setText(second_label)
        keyed = bool(ordered and others and second_label)
        self._key.setVisible(keyed)
        self._key_name.setVisible(keyed)
        self.setAccessibleName(title)
        self.setAccessibleDescription(words)
        self._words.setText(words)
        self._words.setVisible(bool(ordered))  # the empty state says it in the chart's place
        if ordered:
            self._draw()
            self._stack.setCurrentWidget(self._plot)
        else:
            self._stack.setCurrentWidget(self._empty)

    def clear(self) -> None:
        """Forget the series: no title, 'No readings yet'."""
        self._series = None
        self._title.clear()
        self._title.hide()
        self._key.hide()
        self._key_name.hide()
        self._words.clear()
        self._words.hide()
        self.setAccessibleName("")
        self.setAccessibleDescription(EMPTY)
        self._stack.setCurrentWidget(self._empty)
        if self._plot is not None:
            self._plot.getPlotItem().clear()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        redraw = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.FontChange)
        if event.type() in redraw and self._series and self._series[2]:
            self._draw()  # dark <-> light: every item takes the new colours

    # -- drawing -------------------------------------------------------------------------------

    def _make_plot(self) -> Any:
        import pyqtgraph as pg  # ~0.5 s with numpy, unless preload() did it: only when a chart is drawn

        plot = pg.PlotWidget(enableMenu=False)
        plot.setAntialiasing(True)
        plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        plot.setInteractive(False)  # no hover, no clicks: the picture only shows
        item = plot.getPlotItem()
        item.hideButtons()  # the 'A' auto-range button
        item.setMenuEnabled(False)
        # pyqtgraph makes the plot's options menu with no parent. It is never shown here, and
        # parentless it outlived its chart: one menu and six submenus per chart ever drawn.
        item.ctrlMenu.setParent(plot, item.ctrlMenu.windowFlags())
        item.setMouseEnabled(x=False, y=False)  # no wheel zoom, no drag pan
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.getAxis("left").enableAutoSIPrefix(False)  # 'mmHg', never 'kmmHg'
        item.getViewBox().sigResized.connect(self._fit_ticks)
        self._stack.addWidget(plot)
        return plot

    def _fit_ticks(self) -> None:
        """Ticks of our own on both axes, for their current length: dates as US clinics write them,
        and one level of values, so that each grid line has its label (pyqtgraph's minor levels drew
        unlabelled lines through the band)."""
        item = self._plot.getPlotItem()
        (x_lo, x_hi), (y_lo, y_hi) = item.getViewBox().viewRange()
        bottom, left = item.getAxis("bottom"), item.getAxis("left")
        bottom.setTicks([date_ticks(x_lo, x_hi, bottom.width(), self.font())])
        left.setTicks([value_ticks(y_lo, y_hi, left.height(), self.font())])

    def _draw(self) -> None:
        assert self._series is not None
        import pyqtgraph as pg

        title, unit, points, band, second = self._series
        if self._plot is None:
            self._plot = self._make_plot()
        plot = self._plot
        plot.setAccessibleName(title)
        plot.setAccessibleDescription(self.accessibleDescription())
        palette = self.palette()
        colors = theme.DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else theme.LIGHT
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        line = palette.color(QPalette.ColorRole.Link)
        plot.setBackground(palette.color(QPalette.ColorRole.Base))
        item = plot.getPlotItem()
        item.clear()

        font = QFont(self.font())
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(muted))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(font)
        item.getAxis("left").setLabel(unit, color=text.name(), **{"font-size": f"{font.pointSizeF():g}pt"})
        item.showGrid(x=False, y=True, alpha=0.3)

        values = [v for _, v in points] + [v for _, v in second]
        x_lo, x_hi, y_lo, y_hi = _ranges([d for d, _ in points + second], values, band)
        item.getViewBox().disableAutoRange()
        item.setXRange(x_lo, x_hi, padding=0)
        item.setYRange(y_lo, y_hi, padding=0)
        self._fit_ticks()

        if band is not None and (band[0] is not None or band[1] is not None):
            low = band[0] if band[0] is not None else y_lo - (y_hi - y_lo)  # open: past the bottom edge
            high = band[1] if band[1] is not None else y_hi + (y_hi - y_lo)
            edge = pg.mkPen(QColor(colors.low_fg), width=1, style=Qt.PenStyle.DashLine)
            region = pg.LinearRegionItem(
                values=(low, high), orientation="horizontal", brush=QColor(colors.low_bg), movable=False
            )
            for bound, limit in zip(region.lines, (band[0], band[1]), strict=True):
                bound.setPen(edge if limit is not None else pg.mkPen(None))
            region.setZValue(-10)
            item.addItem(region)

        item.addItem(_curve(pg, points, line, dashed=False))
        if second:
            item.addItem(_curve(pg, second, line, dashed=True))
            self._key.setPixmap(_dashed_sample(line, self.fontMetrics().height(), self.devicePixelRatioF()))


DENSE = 400  # readings in one chart beyond which the points are not marked


def _curve(pg: Any, points: list[tuple[date, float]], colour: QColor, *, dashed: bool) -> Any:
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    size = 7 if len(points) <= 60 else 4  # years of readings: points small enough not to merge
    # Past DENSE points (daily readings for years) the marks touch and a 2 px antialiased line
    # costs ~110 ms to paint (1,096 readings); a 1 px line and no marks paint in ~7 ms and read the same.
    dense = len(points) > DENSE
    return pg.PlotDataItem(
        [d.toordinal() for d, _ in points],
        [v for _, v in points],
        pen=pg.mkPen(colour, width=1 if dense else 2, style=style),
        symbol=None if dense else "o",
        symbolSize=size - 1 if dashed else size,
        symbolPen=pg.mkPen(colour, width=1.5),
        symbolBrush=pg.mkBrush(None) if dashed else pg.mkBrush(colour),  # hollow points: not told by colour only
        antialias=True,
    )


def _dashed_sample(colour: QColor, height: int, ratio: float) -> QPixmap:
    """The second line as the chart draws it (dashed, a hollow point), `height` pixels high."""
    width = height * 3
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(1, height / 2), QPointF(width - 1, height / 2))
    painter.setPen(QPen(colour, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(width / 2, height / 2), 3, 3)
    painter.end()
    return pixmap


def _ranges(days: list[date], values: list[float], band: Band | None) -> tuple[float, float, float, float]:
    """The axes' ranges: every reading and the closed sides of the band, with a margin."""
    first, last = min(days).toordinal(), max(days).toordinal()
    pad_x = max(3.0, (last - first) * 0.04)
    limits = values + [b for b in (band or ()) if b is not None]
    low, high = min(limits), max(limits)
    pad_y = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
    return first - pad_x, last + pad_x, low - pad_y, high + pad_y
