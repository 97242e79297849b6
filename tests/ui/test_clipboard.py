"""What CareDesk copies leaves the clipboard: after 30 s, on lock and on quit (SPEC §4).

The real QClipboard of the offscreen platform (in-process, so every change is the app's);
the guard's delay is shortened so no test waits 30 s.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLineEdit

from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common import clipboard
from caredesk.ui.common.clipboard import CLEAR_AFTER_MS, ClipboardGuard
from tests.ui.conftest import CANARY_MRN, unlock_with

SHORT_MS = 60


@pytest.fixture
def board() -> QClipboard:
    cb = QGuiApplication.clipboard()
    cb.clear()
    yield cb
    cb.clear()


@pytest.fixture
def app_guard(board) -> ClipboardGuard:
    """The application's guard with a short delay (restored after the test)."""
    g = clipboard.guard()
    g.set_clear_after_ms(SHORT_MS)
    yield g
    g.set_clear_after_ms(CLEAR_AFTER_MS)
    g.clear_now()


def test_the_app_clears_after_thirty_seconds_by_default():
    assert CLEAR_AFTER_MS == 30_000


def test_copied_text_is_cleared_after_the_delay(qtbot, board, app_guard):
    clipboard.copy_text("MRN QZX90001")
    assert board.text() == "MRN QZX90001"
    with qtbot.waitSignal(app_guard.cleared, timeout=2_000):
        pass
    assert board.text() == ""


def another_program_guard() -> ClipboardGuard:
    """A guard that sees every later change as another program's (offscreen has no other)."""
    return ClipboardGuard(clear_after_ms=SHORT_MS, owns=lambda mode: False)


def test_text_the_user_copied_afterwards_is_never_wiped(qtbot, board):
    g = another_program_guard()
    try:
        g.copy_text("QZX90001")
        board.setText("from my email")
        g.clear_now()
        qtbot.wait(SHORT_MS * 3)
        assert board.text() == "from my email"
    finally:
        g.deleteLater()


def test_the_delay_restarts_with_each_copy(qtbot, board):
    g = ClipboardGuard(clear_after_ms=300)
    try:
        g.copy_text("first")
        qtbot.wait(200)
        g.copy_text("second")
        qtbot.wait(200)
        assert board.text() == "second"  # 400 ms after the first copy, 200 after the second
        qtbot.waitUntil(lambda: board.text() == "", timeout=2_000)
    finally:
        g.deleteLater()


def test_ctrl_c_in_a_field_is_tracked_and_cleared(qtbot, board, app_guard):
    field = QLineEdit(CANARY_MRN)
    field.setReadOnly(True)
    qtbot.addWidget(field)
    field.show()
    field.selectAll()
    qtbot.keySequence(field, QKeySequence.StandardKey.Copy)
    assert board.text() == CANARY_MRN
    with qtbot.waitSignal(app_guard.cleared, timeout=2_000):
        pass
    assert board.text() == ""


def test_a_copied_table_cell_is_cleared_on_lock(unlocked, qtbot, board, app_guard):
    app_guard.set_clear_after_ms(CLEAR_AFTER_MS)  # only the lock may clear it here
    page = unlocked.view.show_page(PatientsPage)
    page.filter.setText(CANARY_MRN)
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keySequence(page.table, QKeySequence.StandardKey.Copy)  # QAbstractItemView copies the cell
    copied = board.text()
    assert copied, "the table copied nothing"
    unlocked.lock()
    assert board.text() == ""


def test_a_copied_note_is_cleared_on_quit(make_window, canary_store, qtbot, board, app_guard):
    app_guard.set_clear_after_ms(CLEAR_AFTER_MS)
    window = make_window()
    unlock_with(qtbot, window)
    clipboard.copy_text("Spoke with daughter about insulin")
    window.shutdown()
    assert board.text() == ""


def test_lock_leaves_what_another_program_copied(make_window, canary_store, qtbot, board, monkeypatch):
    monkeypatch.setattr(clipboard, "_guard", another_program_guard())  # before the window takes it
    window = make_window()
    unlock_with(qtbot, window)
    clipboard.copy_text(CANARY_MRN)
    board.setText("grocery list")  # the user's own text, copied later in another program
    window.lock()
    assert board.text() == "grocery list"
