"""What every screenshot module needs: wait until the app reaches a state, and save a widget's PNG."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Process events until `condition()` holds (TimeoutError after `timeout` s), then let layouts settle."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):  # let layouts and repaints settle
        QApplication.processEvents()


def shoot_widget(widget: QWidget, out: Path, name: str) -> Path:
    """`widget` as `out/<name>.png`; its path (printed, as `make screenshots` lists what it wrote)."""
    QApplication.processEvents()
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path
