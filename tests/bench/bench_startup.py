"""Start to a usable window, as whole processes: CareDesk vs an empty PySide6 window.

`test_startup_ratios` (issue 14) runs, interleaved round by round, an empty PySide6 window
(the floor: process start to its first paint), CareDesk to its unlock page painted, and
CareDesk with a remembered key to today's queue on screen ("queue_shown") and interactive (the
event loop's next turn after that paint: "queue"), at 170 and 2,000 patients (with, at 2,000,
when the first paint came). "Painted" is the window's first paintEvent, "unlock" the unlock
page's (CAREDESK_PAINTED says why not an event filter); times run from the parent's clock just
before it starts the process (passed in argv), so interpreter start-up counts. CareDesk
runs its real `launch.main()` over a real data folder; the remembered key sits in a
file-backed keyring module put on PYTHONPATH and chosen with PYTHON_KEYRING_BACKEND.
Medians and ratios are printed and kept in `benchmark.extra_info`.

`test_store_stack_import_floor`: importing caredesk.services.access (SQLAlchemy, sqlcipher3,
cryptography) alone in a fresh process, interleaved with the empty window: the floor of the
remembered-key path, which cannot show the store before these are in.

The other two: the process start to the demo panel's 170-patient list on screen, including
the Argon2id unlock calibrated to about half a second, as a user of `make run` who opens the
demo panel gets it; and the resident size with the 2,000-patient panel loaded and a chart open.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from caredesk.services.access import Access
from caredesk.services.demo_store import DEMO_PASSPHRASE, create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, ZONE

# The children run this checkout's src, or $CAREDESK_BENCH_SRC's (another checkout's, to compare
# a change with what came before it in one interleaved run on the same machine).
SRC = os.environ.get("CAREDESK_BENCH_SRC") or str(Path(__file__).resolve().parents[2] / "src")
ROUNDS = 5

EMPTY_WINDOW = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show()
app.processEvents()
"""

CAREDESK_WINDOW = """
import sys, time
from pathlib import Path
from caredesk.ui.shell.launch import application, build_main_window
from caredesk.ui.chart.patients_page import PatientsPage
app = application()
w = build_main_window(Path(sys.argv[1]), Path(sys.argv[1]) / "settings.ini")
w.show()
w.unlock_panel.open_demo()
page = w.view.page(PatientsPage)
while page.proxy.rowCount() < int(sys.argv[2]):
    app.processEvents()
    time.sleep(0.002)
if len(sys.argv) > 3:
    page.select_patient(page.proxy.source_id(0))
    app.processEvents()
    rss = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]
    print(int(rss) // 1024)
w.shutdown()
"""

# argv: the parent's time.time() before it started this process. Prints "painted SECONDS".
# The paint is seen by the window's own paintEvent, as CareDesk's is (CAREDESK_PAINTED says why).
EMPTY_PAINTED = """
import sys, time
T0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    done = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.done:
            self.done = True
            print(f"painted {time.time() - T0:.4f}", flush=True)
            QTimer.singleShot(0, app.quit)

app = QApplication([sys.argv[0]])
w = Window(); w.resize(1280, 800); w.show()
app.exec()
"""

# argv: T0, the data folder, what to wait for ("unlock": the unlock page painted; "queue":
# today's queue shown, painted and the event loop free again). Prints "painted SECONDS" at
# the first paint of anything, then "unlock SECONDS" or "queue_painted SECONDS" (the queue on
# screen) and "queue SECONDS" (the next turn of the event loop: interactive), then closes the
# window as a user would (File > Quit) and the process exits through launch.main(), which makes
# the QApplication as on a user's start (made here first, the app was not started as `caredesk
# gui` starts it: see theme.apply).
# Up to the first paint the paints are seen by the main window's and the unlock page's own
# paintEvent (both classes are loaded before it anyway): an application-wide event filter in
# Python, as this probe was until session 22, is handed Qt's private objects too, and the first
# of them (QAnimationTimer) makes PySide6 set up every QObject class it has (~130 enums, 12-20 ms
# CPU before the unlock page's paint) - a cost of the probe that no user's start has. The filter
# is installed after the first paint, for the queue.
CAREDESK_PAINTED = """
import sys, time
T0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.unlock_pages import UnlockPage

def mark(what):
    print(f"{what} {time.time() - T0:.4f}", flush=True)

class Probe(QObject):
    painted = finished = shown = False
    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint or self.finished:
            return False
        win = next((w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)
        # By type name: reading win.view would make the view now, ahead of the app's own schedule.
        if win is not None and type(win.stack.currentWidget()).__name__ == "WorkspaceView" and not self.shown:
            self.shown = True
            mark("queue_painted")  # today's queue on screen ...
            QTimer.singleShot(0, lambda: self.finish("queue"))  # ... and the event loop free: interactive
        return False
    def finish(self, what):
        if not self.finished:
            self.finished = True
            mark(what)
            QTimer.singleShot(0, QApplication.instance().closeAllWindows)

probe = Probe()
window_paint, page_paint = MainWindow.paintEvent, UnlockPage.paintEvent

def first_paint(self, event):
    window_paint(self, event)
    if not probe.painted:
        probe.painted = True
        mark("painted")
        if sys.argv[3] == "queue":
            QApplication.instance().installEventFilter(probe)

def unlock_paint(self, event):
    page_paint(self, event)
    if sys.argv[3] == "unlock":
        probe.finish("unlock")

MainWindow.paintEvent = first_paint
UnlockPage.paintEvent = unlock_paint
from caredesk.ui.shell import launch
sys.exit(launch.main(["--data-dir", sys.argv[2]]))
"""

# argv: T0. Prints "imported SECONDS" once the store's way in (SQLAlchemy, sqlcipher3, cryptography:
# caredesk.services.access) is imported in a fresh process with nothing else: with a remembered
# key nothing of the store can be read sooner, so this over the empty window is the floor of
# "queue on screen" for this stack (issue 14).
STORE_STACK_IMPORTED = """
import sys, time
T0 = float(sys.argv[1])
import caredesk.services.access
print(f"imported {time.time() - T0:.4f}", flush=True)
"""

# A keyring the child processes share through a file: secure-looking (priority > 0, not a
# fail/null/plaintext module), so CareDesk's try-the-remembered-key path runs as on a desktop.
FILE_KEYRING = """
import json, os
from keyring.backend import KeyringBackend

class FileKeyring(KeyringBackend):
    priority = 10

    def _items(self):
        try:
            with open(os.environ["BENCH_KEYRING_FILE"]) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _save(self, items):
        with open(os.environ["BENCH_KEYRING_FILE"], "w") as f:
            json.dump(items, f)

    def get_password(self, service, username):
        return self._items().get(service + "/" + username)

    def set_password(self, service, username, password):
        items = self._items()
        items[service + "/" + username] = password
        self._save(items)

    def delete_password(self, service, username):
        items = self._items()
        items.pop(service + "/" + username, None)
        self._save(items)
"""


def _env(**extra: str) -> dict[str, str]:
    base = {
        "PYTHONPATH": SRC,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CAREDESK_CLOCK": NOW.isoformat(),
    }
    return {**os.environ, **base, **extra}


def _run(code: str, *args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], env=_env(), capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def _timed(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    """Run one child; its marks ({"painted": s, "unlock"|"queue": s}) since just before the spawn."""
    t0 = time.time()
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(t0), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    marks = dict(
        line.split()
        for line in r.stdout.splitlines()
        if line.split()[0] in ("painted", "unlock", "queue_painted", "queue", "imported")
    )
    return {k: float(v) for k, v in marks.items()}


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A data folder whose demo-panel sub-folder already holds the 170-patient demo (real KDF)."""
    home = tmp_path_factory.mktemp("home")
    ws, _ = create_demo_store(DataFolder(home / "demo-panel"), patients=170, seed=1, zone=ZONE)
    ws.lock()
    return home


@pytest.fixture(scope="module")
def big_home(tmp_path_factory):
    """A data folder whose demo-panel sub-folder holds 2,000 patients over 3 years (fast KDF)."""
    home = tmp_path_factory.mktemp("big")
    ws, _ = create_demo_store(DataFolder(home / "demo-panel"), patients=2000, years=3, seed=1, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    return home


@pytest.fixture(scope="module")
def file_keyring(tmp_path_factory) -> Iterator[Path]:
    """The folder holding the keyring module (bench_keyring.FileKeyring); this process's keyring
    is restored after."""
    where = tmp_path_factory.mktemp("keyring")
    (where / "bench_keyring.py").write_text(textwrap.dedent(FILE_KEYRING))
    path = where / "items.json"
    os.environ["BENCH_KEYRING_FILE"] = str(path)
    before = keyring.get_keyring()
    yield where
    keyring.set_keyring(before)
    os.environ.pop("BENCH_KEYRING_FILE", None)


def _remembered(source: Path, target: Path, keyring_module: Path) -> Path:
    """A copy of the demo store `source` as `target`'s own store, its key in the file keyring."""
    shutil.copytree(source, target)
    spec = importlib.util.spec_from_file_location("bench_keyring", keyring_module / "bench_keyring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    keyring.set_keyring(module.FileKeyring())
    ws = Access(DataFolder(target)).unlock(DEMO_PASSPHRASE)
    assert ws.remember_key()
    ws.lock()
    return target


def test_empty_pyside6_window(benchmark):
    benchmark.pedantic(_run, args=(EMPTY_WINDOW,), rounds=5, warmup_rounds=1)


def test_caredesk_to_the_demo_patient_list(benchmark, demo_home):
    benchmark.pedantic(_run, args=(CAREDESK_WINDOW, str(demo_home), "170"), rounds=5, warmup_rounds=1)


def test_startup_ratios(benchmark, demo_home, big_home, file_keyring, tmp_path):
    where = file_keyring
    locked = tmp_path / "locked"
    shutil.copytree(demo_home / "demo-panel", locked)  # a store, no key remembered: the unlock page
    small = _remembered(demo_home / "demo-panel", tmp_path / "small", where)
    big = _remembered(big_home / "demo-panel", tmp_path / "large", where)
    # CareDesk's settings (the window, the remembered-key hint), not the user's; one per data folder
    # as on a computer with one store, or the hint left by the remembered runs would start the
    # locked one on "Opening your panel".
    plain = _env(XDG_CONFIG_HOME=str(tmp_path / "config-locked"))
    with_key = _env(
        XDG_CONFIG_HOME=str(tmp_path / "config-remembered"),
        PYTHONPATH=os.pathsep.join([SRC, str(where)]),
        PYTHON_KEYRING_BACKEND="bench_keyring.FileKeyring",
    )
    names = ("empty", "unlock", "queue_170", "queue_shown_170", "queue_2000", "queue_shown_2000", "painted_2000")
    runs: dict[str, list[float]] = {k: [] for k in names}

    def one_round() -> None:
        runs["empty"].append(_timed(EMPTY_PAINTED, env=plain)["painted"])
        runs["unlock"].append(_timed(CAREDESK_PAINTED, str(locked), "unlock", env=plain)["unlock"])
        marks = _timed(CAREDESK_PAINTED, str(small), "queue", env=with_key)
        runs["queue_170"].append(marks["queue"])
        runs["queue_shown_170"].append(marks["queue_painted"])
        marks = _timed(CAREDESK_PAINTED, str(big), "queue", env=with_key)
        runs["queue_2000"].append(marks["queue"])
        runs["queue_shown_2000"].append(marks["queue_painted"])
        runs["painted_2000"].append(marks["painted"])

    one_round()  # warm-up: the OS file cache, the .pyc files
    for values in runs.values():
        values.clear()
    benchmark.pedantic(one_round, rounds=ROUNDS)
    med = {k: statistics.median(v) for k, v in runs.items()}
    floor = med["empty"]
    info = benchmark.extra_info
    for k, v in med.items():
        info[f"{k}_s"] = round(v, 4)
        info[f"{k}_ratio"] = round(v / floor, 2)
    lines = [f"{k:>13}: {v:.3f} s  {v / floor:5.2f}x the empty window   (runs {runs[k]})" for k, v in med.items()]
    print("\nstart-up, medians of", ROUNDS, "interleaved rounds:\n" + "\n".join(lines))


def test_resident_memory_with_2000_patients(benchmark, big_home):
    out = benchmark.pedantic(_run, args=(CAREDESK_WINDOW, str(big_home), "2000", "rss"), rounds=1)
    benchmark.extra_info["rss_mb"] = int(out.strip().splitlines()[-1])
    print(f"\nresident memory with 2,000 patients loaded and a chart open: {benchmark.extra_info['rss_mb']} MB")


def test_store_stack_import_floor(benchmark):
    """The store stack's import alone (a fresh process) vs the empty window, interleaved."""
    env = _env()
    runs: dict[str, list[float]] = {"empty": [], "store_stack": []}

    def one_round() -> None:
        runs["empty"].append(_timed(EMPTY_PAINTED, env=env)["painted"])
        runs["store_stack"].append(_timed(STORE_STACK_IMPORTED, env=env)["imported"])

    one_round()  # warm-up
    for values in runs.values():
        values.clear()
    benchmark.pedantic(one_round, rounds=ROUNDS)
    med = {k: statistics.median(v) for k, v in runs.items()}
    for k, v in med.items():
        benchmark.extra_info[f"{k}_s"] = round(v, 4)
        benchmark.extra_info[f"{k}_ratio"] = round(v / med["empty"], 2)
    print(
        f"\nempty window painted {med['empty']:.3f} s; import caredesk.services.access alone "
        f"{med['store_stack']:.3f} s = {med['store_stack'] / med['empty']:.2f}x (runs {runs})"
    )
