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

from PySide6.QtCore import Qt

from caredesk import logs
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import enum, json, sys
from pathlib import Path

made = []  # PySide6 makes a Qt class's enums (Python enums) when the class is first used
_create = enum.EnumType._create_
def _record(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return _create(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = _record

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from caredesk.ui.shell.unlock_pages import UnlockPage

LOG = Path(sys.argv[1]) / "logs" / "caredesk.log"
seen = {}
paint = UnlockPage.paintEvent

def first_paint(self, event):  # the page's own paintEvent: launch.main makes the app, as a user's start does
    paint(self, event)
    if not seen:
        seen["imported"] = sorted(sys.modules)
        seen["enums"] = list(made)
        seen["log"] = LOG.read_text() if LOG.exists() else ""
        QTimer.singleShot(0, QApplication.instance().closeAllWindows)

UnlockPage.paintEvent = first_paint
from caredesk.ui.shell import launch
code = launch.main(["--data-dir", sys.argv[1]])
seen["imported_at_exit"] = sorted(sys.modules)
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
    "PySide6.QtDBus",  # the OS session-lock watch: started after the paint (no store is open before)
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
    if sys.platform.startswith("linux"):
        assert "PySide6.QtDBus" in seen["imported_at_exit"]  # the watch did start, after the paint
    # Fusion named on Qt's command line, not set from Python: QStyle's enums are not made before it
    assert "PixelMetric" not in seen["enums"] and "ControlElement" not in seen["enums"]
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


def test_a_role_set_before_the_first_show_and_one_changed_after_both_style_the_label(themed, qtbot):
    # theme.set_role leaves a widget not yet polished alone (it reads the sheet when shown) and
    # re-polishes one already shown.
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QLabel

    from caredesk.ui.common import theme

    colors = theme.current()
    before_show = QLabel("Type your passphrase.")
    qtbot.addWidget(before_show)
    theme.set_role(before_show, "error")
    assert not before_show.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)
    before_show.show()
    assert before_show.palette().color(QPalette.ColorRole.WindowText).name() == colors.error
    theme.set_role(before_show, "hint")
    assert before_show.palette().color(QPalette.ColorRole.WindowText).name() == colors.muted
