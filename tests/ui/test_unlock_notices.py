"""What an unlock found is shown in the window (services.access.Access.notices): failed
attempts as a warning bar, an audit problem as a red bar saying to restore and tell IT.
Real stores, the real unlock page; the audit tail is cut as someone holding the key would."""

from __future__ import annotations

from PySide6.QtCore import Qt

from caredesk.store.vault import DataFolder
from tests.conftest import PASSPHRASE
from tests.store.test_audit_anchor import _sql
from tests.ui.conftest import unlock_with


def _wrong(qtbot, window, passphrase: str) -> None:
    page = window.unlock_panel.unlock
    page.passphrase.setText(passphrase)
    page.unlock_button.click()
    qtbot.waitUntil(lambda: "not correct" in page.message.text(), timeout=15_000)
    page.message.clear()


def test_failed_attempts_before_the_unlock_are_shown_until_dismissed(make_window, canary_store, qtbot):
    window = make_window()
    for n in range(3):
        _wrong(qtbot, window, f"not the passphrase {n}")
    assert not window.notices.isVisible()  # nothing on the unlock page
    unlock_with(qtbot, window)
    bar = window.notices
    assert bar.isVisible() and not bar.serious
    text = bar.text.text()
    assert text.startswith("3 failed unlock attempts since 11/24 10:30") and "practice's IT" in text
    assert bar.geometry().bottom() <= window.view.mapTo(window, window.view.rect().topLeft()).y()  # above it
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    window.lock()
    unlock_with(qtbot, window)
    assert not window.notices.isVisible()  # counted once: the next unlock has nothing to say


def test_removed_audit_events_are_a_red_bar_that_says_restore_and_tell_it(make_window, canary_store, qtbot, data_dir):
    _sql(
        DataFolder(data_dir),
        "DROP TRIGGER audit_events_no_delete",
        "DELETE FROM audit_events WHERE seq > (SELECT max(seq) - 2 FROM audit_events)",
    )
    window = make_window()
    unlock_with(qtbot, window, PASSPHRASE)
    bar = window.notices
    assert bar.isVisible() and bar.serious and bar.property("role") == "serious"
    text = bar.text.text()
    assert "the newest 2 events were removed" in text
    assert "Restore from your last backup (File > Restore from backup…)" in text and "practice's IT" in text
    window.lock()
    assert not bar.isVisible()  # patient-free, but it belongs to the session that found it
