"""File > Open my store… leaves the demo panel for a real store (not only Ctrl+L)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from caredesk.ui.queue.page import QueuePage
from tests.ui.test_call_drafts import ALT, answer_call_question


def test_open_my_store_locks_the_demo_and_shows_the_create_page(make_window, qtbot):
    window = make_window()
    panel = window.unlock_panel
    assert panel.currentWidget() is panel.welcome  # no store yet
    assert not window.own_store_action.isVisible()
    panel.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None and window.central_page() is window.view, timeout=60_000)
    assert window.is_demo and window.own_store_action.isVisible() and window.own_store_action.isEnabled()
    demo = window.workspace

    page = window.view.page(QueuePage)
    page.panel.note.setPlainText("a note on a made-up patient")
    answer_call_question(qtbot, Qt.Key.Key_D, ALT)  # the demo's call is discarded
    window.own_store_action.trigger()
    qtbot.waitUntil(lambda: window.workspace is None)
    assert not demo.is_open
    assert window.central_page() is panel and panel.currentWidget() is panel.welcome  # create my store
    assert not window.own_store_action.isVisible()
    assert window.windowTitle() == "CareDesk"
