"""One long GUI session in its own process: unlock, work, look at every view, lock - again and again.

Run by tests/soak/test_long_session.py (python -m tests.soak.gui_session ...), offscreen.
Each cycle: unlock through the unlock page (typed passphrase, the Unlock button), log a
call through the service and publish it on the hub (as the call panel does), show every
page - today's queue, the patient list, a patient's chart and each of its tabs, this month -
and paint each `--repaints` times with grab(), then lock (Ctrl+L's path). At the end the
window is closed (quit: lock, settings, instance lock released) and the process exits.

Prints one JSON line: cycles done, grabs painted, the process's resident memory (RSS, KiB)
after each cycle, and the number of objects Python's garbage collector tracks then.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from caredesk.clock import FixedClock
from caredesk.services.calls import log_contact
from caredesk.services.patients import patient_list
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.hub import publish
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.shell.launch import application, build_main_window
from caredesk.ui.shell.main_window import MainWindow
from tests.conftest import FAST_KDF, NOW, PASSPHRASE

OUTCOMES = ("reached", "voicemail", "no answer")


def rss_kib() -> int:
    """Resident memory now (Linux /proc); elsewhere the peak, which can only overstate growth."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def wait_until(app: QApplication, done: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise SystemExit(f"soak: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.002)


def unlock(app: QApplication, window: MainWindow) -> None:
    page = window.unlock_panel.unlock
    wait_until(app, lambda: window.unlock_panel.currentWidget() is page, "the unlock page")
    page.passphrase.setText(PASSPHRASE)
    page.unlock_button.click()
    wait_until(app, lambda: window.workspace is not None and window.central_page() is window.view, "the unlock")
    wait_until(app, lambda: not any(getattr(p, "loading", False) for p in window.view.pages), "the pages")


def work(window: MainWindow, cycle: int) -> int:
    """Log one call (a different patient each cycle) as the call panel would; its patient id."""
    ws = window.workspace
    assert ws is not None
    patients = [p for p in patient_list(ws) if p.programs and p.died_on is None]
    pid = patients[cycle % len(patients)].id
    logged = log_contact(ws, pid, outcome=OUTCOMES[cycle % 3], minutes=cycle % 7, note=f"soak call {cycle}")
    publish(logged.changes)
    return pid


def paint(app: QApplication, window: MainWindow, repaints: int) -> int:
    app.processEvents()
    for _ in range(repaints):
        window.grab()
    return repaints


def look_at_everything(app: QApplication, window: MainWindow, pid: int, repaints: int) -> int:
    grabs = 0
    window.view.show_page(QueuePage)
    grabs += paint(app, window, repaints)
    patients = window.view.show_page(PatientsPage)
    grabs += paint(app, window, repaints)
    patients.select_patient(pid)
    patients.open_chart(pid)
    tabs = patients.chart.tabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        grabs += paint(app, window, repaints)
    window.view.show_page(MonthPage)
    grabs += paint(app, window, repaints)
    return grabs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--repaints", type=int, default=2)
    args = parser.parse_args(argv)

    app = application()
    window = build_main_window(args.data_dir, args.settings, FixedClock(NOW), kdf=FAST_KDF)
    window.resize(1280, 800)
    window.show()
    gc.collect()
    rss: list[int] = [rss_kib()]
    objects: list[int] = [len(gc.get_objects())]
    grabs = 0
    for cycle in range(args.cycles):
        unlock(app, window)
        pid = work(window, cycle)
        grabs += look_at_everything(app, window, pid, args.repaints)
        window.lock()
        wait_until(app, lambda: window.workspace is None, "the lock")
        app.processEvents()
        gc.collect()
        rss.append(rss_kib())
        objects.append(len(gc.get_objects()))
    window.close()  # quit: what Ctrl+Q does
    app.processEvents()
    print(
        json.dumps(
            {
                "cycles": args.cycles,
                "grabs": grabs,
                "rss_kib": rss,
                "objects": objects,
                "closed": window.instance_lock is None or not window.isVisible(),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
