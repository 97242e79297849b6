"""What runs before the unlock page's first paint at program start (issue 14: "the unlock page
painted within 2x the empty window"), and that the log deferred past it loses no line.

A real `launch.main()` in its own process over a real store: an event filter sees the unlock
page's first paint, notes what is imported and what the log file holds then, and closes the
window as File > Quit does.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from caredesk import logs
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

LOG = Path(sys.argv[1]) / "logs" / "caredesk.log"
seen = {}

class Probe(QObject):
    def eventFilter(self, obj, event):
        if not seen and event.type() == QEvent.Type.Paint and type(obj).__name__ == "UnlockPage":
            seen["imported"] = sorted(sys.modules)
            seen["log"] = LOG.read_text() if LOG.exists() else ""
            QTimer.singleShot(0, app.closeAllWindows)
        return False

app = QApplication([sys.argv[0]])
probe = Probe()
app.installEventFilter(probe)
from caredesk.ui.shell import launch
code = launch.main(["--data-dir", sys.argv[1]])
print(json.dumps(seen))
sys.exit(code)
"""

# Not needed for the unlock page's first frame: loaded after it (the log file, the store's side of
# the outside-write watch, the recovery code's print and save dialogs).
LATER = (
    "logging.handlers",
    "caredesk.log_file",
    "caredesk.services.outside_changes",
    "caredesk.domain.audit",
    "caredesk.ui.shell.recovery_code_view",
)


def test_the_unlock_page_paints_before_the_log_file_and_the_store_side_load(canary_store, data_dir, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CAREDESK_CLOCK": NOW.isoformat(),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data_dir)], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    assert [m for m in LATER if m in seen["imported"]] == []
    assert "starting" not in seen["log"]  # kept in memory until after the paint ...
    lines = (data_dir / "logs" / "caredesk.log").read_text().splitlines()
    events = [line.split(": ", 1)[1] for line in lines]
    # ... and written then, in order, each once, before the lines that came after
    assert events[0] == "starting" and events[-1] == "stopped"
    assert events.count("starting") == 1 and "instance lock acquired" in events
    stamps = [line[:23] for line in lines]
    assert stamps == sorted(stamps)


def _fresh_root() -> list[logging.Handler]:
    root = logging.getLogger()
    before = root.handlers[:]
    root.handlers = []
    return before


def test_lines_held_before_the_log_opens_are_written_first_and_none_is_lost(tmp_path):
    before, level = _fresh_root(), logging.getLogger().level
    log = logging.getLogger("caredesk.test_first_paint")
    try:
        logs.hold()
        assert logs.holding()
        log.info("one")
        log.warning("two")
        stop = threading.Event()
        count = [0]

        def chatter() -> None:  # another thread logs while the file opens (the preload does)
            while not stop.is_set() or count[0] < 50:
                count[0] += 1
                log.info("line %d", count[0])

        worker = threading.Thread(target=chatter)
        worker.start()
        path = logs.configure(tmp_path / "logs")
        stop.set()
        worker.join()
        log.info("after")
        assert path is not None and not logs.holding() and logs.active()
        for h in logging.getLogger().handlers:
            h.flush()
        events = [line.split(": ", 1)[1] for line in path.read_text().splitlines()]
        assert events[:2] == ["one", "two"] and events[-1] == "after"
        assert events[2:-1] == [f"line {n}" for n in range(1, count[0] + 1)]  # each once, in order
    finally:
        for h in logging.getLogger().handlers:
            h.close()
        logging.getLogger().handlers = before
        logging.getLogger().setLevel(level)


def test_held_lines_are_dropped_when_the_log_folder_cannot_be_made(tmp_path):
    before, level = _fresh_root(), logging.getLogger().level
    try:
        logs.hold()
        logging.getLogger("caredesk.test_first_paint").info("kept")
        a_file = tmp_path / "a file"
        a_file.write_text("")
        assert logs.configure(a_file / "logs") is None
        assert not logs.holding() and logging.getLogger().handlers == []  # nothing keeps growing
    finally:
        logging.getLogger().handlers = before
        logging.getLogger().setLevel(level)
