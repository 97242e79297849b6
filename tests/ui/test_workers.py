"""Background jobs whose window closed while they ran (as on quit) end quietly."""

from __future__ import annotations

import gc
import logging
import threading

import shiboken6

from caredesk.ui.common.workers import TaskRunner, _GcHold


def test_a_job_finishing_after_its_relay_is_gone_is_no_crash(qapp, capfd, caplog):
    """A tester's Ctrl+Q logged 'ERROR caredesk.crash ... RuntimeError workers.py:88' and printed
    'Error calling Python override of QRunnable::run()': the job emitted on a deleted relay."""
    release = threading.Event()
    delivered: list[object] = []
    runner = TaskRunner()
    runner.run(lambda: release.wait(5) and "result", delivered.append, delivered.append)
    (relay,) = runner._relays
    shiboken6.delete(relay)  # what closing the window does to it
    with caplog.at_level(logging.DEBUG, logger="caredesk.ui.common.workers"):
        release.set()
        runner.wait()
        qapp.processEvents()
        qapp.processEvents()
    assert delivered == []  # nobody was waiting for it
    assert "Error calling Python override" not in capfd.readouterr().err
    assert any("after its window closed" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert gc.isenabled() and _GcHold.running == 0  # collection resumed, as after a delivered job
