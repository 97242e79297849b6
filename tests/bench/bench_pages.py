"""Building the unlocked window's pages: each page's construction and the longest GUI-thread slice.

Each round is a fresh process (cold Qt style-sheet caches, as at program start): it applies
the app's theme (`launch.application()`), runs the app's preloader to its end before timing
(its imports on its own thread, as in the app, and whatever it does after them), shows a
window holding a `WorkspaceView(pages_later=True)` and builds the pages one per event-loop
turn as `MainWindow(preload=True)` does (`build_next_page()` from a 0 ms single-shot timer),
then waits until the chart has made every tab it makes later (if it defers any). A 0 ms
timer ticking on the GUI thread all along records the longest gap between two ticks: the
longest single GUI-thread slice (a frozen window shows as one long gap; the first gap starts
just before the first page's build, so that build is a slice like the others), in wall-clock time
and in the GUI thread's own CPU time (time.thread_time: without the waiting for a core that
other processes on a busy machine add). `full_gc_cpu` is the longest full (generation 2)
garbage collection meanwhile: it lands in whichever slice allocates at that moment.

Per round it reports: each page's `build_next_page()` (its construction and adding it to the
view; in wall-clock time and, as `cpu`, the GUI thread's CPU), each chart tab's slice where the chart makes its tabs later (wall and `cpu`), the longest slice, the time from the first build to every page and chart tab made,
and, in the same process afterwards, `PatientsPage([CarePlanEditor()])` constructed alone
(as the tests make it) and the time to make every chart tab after that (`chart.tabs`).

`CAREDESK_BENCH_SRC=/path/to/other/src` runs a second side from another checkout's src,
interleaved round by round with this checkout's (the figures are ratios on a shared
machine). Medians go to stdout (-s) and `benchmark.extra_info`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

HERE_SRC = str(Path(__file__).resolve().parents[2] / "src")
OTHER_SRC = os.environ.get("CAREDESK_BENCH_SRC")
ROUNDS = 5

CHILD = textwrap.dedent(
    """
    import gc, importlib, json, time
    gc_pauses, gc_start = [], [0.0]

    def gc_timer(phase, info):  # the GUI thread's CPU in each full collection
        if phase == "start":
            gc_start[0] = time.thread_time()
        elif info["generation"] == 2:
            gc_pauses.append(time.thread_time() - gc_start[0])

    import caredesk
    from caredesk.ui.shell.launch import application
    app = application()
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QMainWindow
    try:  # what the app does after the first paint: the preloader's imports, on its thread, and all it does after them
        from caredesk.ui.shell.preload import Preloader
        Preloader().wait()
    except ImportError:
        pass
    modules = ()
    for name in modules + ("caredesk.ui.queue.page", "caredesk.ui.chart.patients_page",
                           "caredesk.ui.careplan.editor", "caredesk.ui.month.page"):
        importlib.import_module(name)
    from caredesk.ui.shell.workspace_view import WorkspaceView
    from caredesk.ui.chart import chart_view

    tab_slices, tab_cpu = {}, {}
    make_next_tab = getattr(chart_view.ChartView, "_make_next_tab", None)
    if make_next_tab is not None:  # a chart making its tabs later: time each one's slice
        def timed_make_next_tab(self, **kw):
            made, start, start_cpu = len(self._made), time.perf_counter(), time.thread_time()
            make_next_tab(self, **kw)
            took, took_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            if len(self._made) > made:  # put in place (or made and put in place at once)
                title = self._made[-1].tab_title
            else:  # made, to be put in place in the next turn
                title = self._to_make[0].tab_title + " (made)"
            tab_slices[title], tab_cpu[title] = took, took_cpu
        chart_view.ChartView._make_next_tab = timed_make_next_tab

    window = QMainWindow()
    window.resize(1280, 800)
    view = WorkspaceView(pages_later=True)
    window.setCentralWidget(view)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)  # painted and settled
    loop.exec()

    ticks = []
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    pages = {}
    marks = {}

    def tabs_pending():
        return any(getattr(getattr(p, "chart", None), "_to_make", None) for p in view._pages)

    pages_cpu = {}

    def step():
        start, start_cpu = time.perf_counter(), time.thread_time()
        if not view.build_next_page():
            wait_for_tabs()
            return
        pages[view._pages[-1].title] = time.perf_counter() - start
        pages_cpu[view._pages[-1].title] = time.thread_time() - start_cpu
        QTimer.singleShot(0, step)

    def first_step():
        # The ticker's first tick may come after this call (a 0 ms single shot is a posted
        # event, the ticker a timer): the slice before it starts here, so the first page's
        # build is one of the slices measured like the others.
        marks["start"] = time.perf_counter()
        ticks.append((marks["start"], time.thread_time()))
        step()

    def wait_for_tabs():
        if tabs_pending():
            QTimer.singleShot(0, wait_for_tabs)
            return
        marks["all_made"] = time.perf_counter()
        QTimer.singleShot(100, loop.quit)

    gc.callbacks.append(gc_timer)
    ticker.start()
    QTimer.singleShot(0, first_step)
    loop.exec()
    ticker.stop()
    if make_next_tab is not None:
        chart_view.ChartView._make_next_tab = make_next_tab
    gc.callbacks.remove(gc_timer)
    gaps = [b[0] - a[0] for a, b in zip(ticks, ticks[1:])]
    cpu_gaps = [b[1] - a[1] for a, b in zip(ticks, ticks[1:])]

    from caredesk.ui.careplan.editor import CarePlanEditor
    from caredesk.ui.chart.patients_page import PatientsPage
    start = time.perf_counter()
    page = PatientsPage([CarePlanEditor()])
    alone = time.perf_counter() - start
    start = time.perf_counter()
    page.chart.tabs
    rest = time.perf_counter() - start
    print(json.dumps({
        "src": caredesk.__file__,
        "pages": pages,
        "pages_cpu": pages_cpu,
        "tabs": tab_slices,
        "tabs_cpu": tab_cpu,
        "longest_slice": max(gaps),
        "longest_slice_cpu": max(cpu_gaps),
        "full_gc_cpu": max(gc_pauses, default=0.0),
        "all_made": marks["all_made"] - marks["start"],
        "patients_alone": alone,
        "patients_alone_tabs_after": rest,
    }))
    """
)


def _child(src: str) -> dict:
    env = {**os.environ, "PYTHONPATH": src, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["src"].startswith(src), result["src"]  # the side asked for, not the installed copy
    return result


def _medians(results: list[dict]) -> dict[str, float]:
    keys = {f"page {t}": [r["pages"][t] for r in results] for t in results[0]["pages"]}
    if all("pages_cpu" in r for r in results):
        keys.update({f"page {t} cpu": [r["pages_cpu"][t] for r in results] for t in results[0]["pages_cpu"]})
    keys.update({f"  tab {t}": [r["tabs"][t] for r in results] for t in results[0]["tabs"]})
    if all("tabs_cpu" in r for r in results):
        keys.update({f"  tab {t} cpu": [r["tabs_cpu"][t] for r in results] for t in results[0]["tabs_cpu"]})
    for k in (
        "longest_slice",
        "longest_slice_cpu",
        "full_gc_cpu",
        "all_made",
        "patients_alone",
        "patients_alone_tabs_after",
    ):
        keys[k] = [r[k] for r in results]
    return {k: round(1000 * statistics.median(v), 1) for k, v in keys.items()}


def test_page_construction_and_longest_slice(benchmark):
    sides = {"here": HERE_SRC, **({"other": OTHER_SRC} if OTHER_SRC else {})}
    results: dict[str, list[dict]] = {side: [] for side in sides}

    def one_round() -> None:
        for side, src in sides.items():  # interleaved: both sides see the same load
            results[side].append(_child(src))

    benchmark.pedantic(one_round, rounds=ROUNDS)
    for side, src in sides.items():
        medians = _medians(results[side])
        benchmark.extra_info[side] = {"src": src, "ms": medians}
        print(f"\n{side} ({src}), medians of {ROUNDS} rounds, ms:")
        for key, value in medians.items():
            print(f"  {key:32} {value:8.1f}")
