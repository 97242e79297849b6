"""Start to a usable window, as whole processes: CareDesk vs an empty PySide6 window.

The CareDesk figure is the process start to the demo panel's 170-patient list on screen,
including the Argon2id unlock calibrated to about half a second, as a user of `make run`
who opens the demo panel gets it. Memory is the resident size with the 2,000-patient
panel loaded and a chart open.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, ZONE

SRC = str(Path(__file__).resolve().parents[2] / "src")

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


def _run(code: str, *args: str) -> str:
    env = dict(
        os.environ, PYTHONPATH=SRC, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"
    )
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A data folder whose demo-panel sub-folder already holds the 170-patient demo (real KDF)."""
    home = tmp_path_factory.mktemp("home")
    ws, _ = create_demo_store(DataFolder(home / "demo-panel"), patients=170, seed=1, zone=ZONE)
    ws.lock()
    return home


def test_empty_pyside6_window(benchmark):
    benchmark.pedantic(_run, args=(EMPTY_WINDOW,), rounds=5, warmup_rounds=1)


def test_caredesk_to_the_demo_patient_list(benchmark, demo_home):
    benchmark.pedantic(_run, args=(CAREDESK_WINDOW, str(demo_home), "170"), rounds=5, warmup_rounds=1)


def test_resident_memory_with_2000_patients(benchmark, tmp_path_factory):
    home = tmp_path_factory.mktemp("big")
    ws, _ = create_demo_store(DataFolder(home / "demo-panel"), patients=2000, years=3, seed=1, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    out = benchmark.pedantic(_run, args=(CAREDESK_WINDOW, str(home), "2000", "rss"), rounds=1)
    benchmark.extra_info["rss_mb"] = int(out.strip().splitlines()[-1])
    print(f"\nresident memory with 2,000 patients loaded and a chart open: {benchmark.extra_info['rss_mb']} MB")
