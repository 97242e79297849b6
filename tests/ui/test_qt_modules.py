"""CareDesk imports only PySide6 modules of the Essentials wheel (issue 14: "a fresh `make run` installs
only what CareDesk uses"): pyproject.toml depends on pyside6-essentials alone, so a module of Addons
(QtPdf, QtWebEngine, ...) imported anywhere would fail with ModuleNotFoundError on a fresh install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every caredesk module imported in a fresh interpreter, then pyqtgraph (the trend charts) and a
# preview's page view made: the PySide6 modules then loaded.
_PROBE = """
import importlib, json, pkgutil, sys
import caredesk
skip = ("caredesk.__main__", "caredesk.store.migrations")
for info in pkgutil.walk_packages(caredesk.__path__, "caredesk."):
    if not info.name.startswith(skip):
        importlib.import_module(info.name)
from PySide6.QtWidgets import QApplication
app = QApplication([])
import pyqtgraph  # noqa: F401  (the trend charts load it in the background; it imports QtOpenGL here)
from caredesk.ui.common.pdf_view import PdfPagesView
PdfPagesView()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("PySide6."))))
"""


def essentials_modules() -> set[str]:
    """The Qt modules the pyside6-essentials wheel installs, by its RECORD (PySide6/QtCore.abi3.so ...)."""
    record = files("pyside6_essentials") or []
    return {
        f"PySide6.{f.name.split('.')[0]}"
        for f in record
        if f.parent.as_posix() == "PySide6" and f.name.startswith("Qt") and f.name.endswith((".so", ".pyd"))
    }


def test_every_caredesk_module_imports_only_pyside6_essentials():
    essentials = essentials_modules()
    assert {"PySide6.QtCore", "PySide6.QtWidgets", "PySide6.QtPrintSupport"} <= essentials
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    qt_modules = {m for m in loaded if m.count(".") == 1 and m.startswith("PySide6.Qt")}
    assert "PySide6.QtPrintSupport" in qt_modules  # the probe did reach the printing code
    assert qt_modules <= essentials, f"imported from PySide6 Addons: {sorted(qt_modules - essentials)}"
