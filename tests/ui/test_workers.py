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


def test_a_result_for_an_owner_deleted_while_its_job_ran_is_discarded_not_delivered(qapp, qtbot):
    """Add condition closed while the ICD-10 code set loaded: the load's result reached the code
    field's callback after the field was deleted, and Qt's event loop raised 'Internal C++ object
    already deleted' (a test that closed the dialog at once). The runner goes with its owner."""
    from PySide6.QtWidgets import QWidget

    release = threading.Event()
    owner = QWidget()
    delivered: list[object] = []
    discarded: list[object] = []
    runner = TaskRunner(owner)
    runner.run(lambda: release.wait(5) and "result", delivered.append, delivered.append, discarded.append)
    release.set()
    runner.wait()  # the job is done and its result queued for the GUI thread...
    shiboken6.delete(owner)  # ... which deletes the dialog before it gets there
    qtbot.waitUntil(lambda: discarded == ["result"], timeout=5_000)
    assert delivered == []
    assert gc.isenabled() and _GcHold.running == 0
