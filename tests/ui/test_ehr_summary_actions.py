"""The month page's EHR summary actions through real widgets over a real store
(tests/interop/ehr_panel.py): the selected patient's PDF saved from the keyboard with a file
name that never carries the name, the text copied and cleared from the clipboard, the month's
batch in the background with progress and cancel, and a lock while it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from caredesk.domain.calendar import Month
from caredesk.interop.ehr_summary import month_summary
from caredesk.interop.ehr_summary_text import summary_text
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from caredesk.ui.common import clipboard
from caredesk.ui.month.page import MonthPage
from caredesk.ui.month.table_model import MRN
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.interop.ehr_panel import make_panel
from tests.ui.conftest import unlock_with
from tests.ui.test_month_page import settle

NOVEMBER = Month(2026, 11)


@pytest.fixture
def window(make_window, data_dir, clock, qtbot):
    ws, _ = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    make_panel(ws)
    ws.lock()
    w = make_window()
    unlock_with(qtbot, w)
    return w


def _page(window) -> MonthPage:
    page = window.view.show_page(MonthPage)
    settle(page)
    return page


def _select(page: MonthPage, mrn: str) -> None:
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, MRN).data() == mrn)
    page.table.setFocus()
    page.table.selectionModel().setCurrentIndex(
        page.proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_the_buttons_are_named_and_wait_for_a_selected_row(window):
    page = _page(window)
    ehr = page.ehr
    assert [b.accessibleName() for b in ehr.buttons] == [
        "Save the selected patient's EHR summary as PDF",
        "Copy the selected patient's EHR summary text",
        "Save the month's EHR summaries in a folder",
    ]
    assert not ehr.save_button.isEnabled() and not ehr.copy_button.isEnabled() and ehr.batch_button.isEnabled()
    _select(page, "000123")
    assert ehr.save_button.isEnabled() and ehr.copy_button.isEnabled()


def test_alt_u_saves_the_selected_patients_pdf_under_a_name_without_the_patients(window, qtbot, tmp_path, monkeypatch):
    page = _page(window)
    _select(page, "000123")
    offered: list[str] = []
    chosen = tmp_path / "for-the-ehr"  # no suffix typed: .pdf is added

    def ask(_parent, _caption, default, _filters):
        offered.append(default)
        return str(chosen), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    qtbot.keyClick(page.table, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # the button's mnemonic
    qtbot.waitUntil(lambda: not page.ehr.tasks.busy and page.message.text() != "", timeout=15_000)
    assert Path(offered[0]).name == "ehr-summary-2026-11.pdf"
    saved = tmp_path / "for-the-ehr.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert page.message.text().startswith(f"EHR summary for MRN 000123, November 2026, saved to {saved}.")
    assert "holds patient data" in page.message.text() and "Example" not in page.message.text()


def test_copy_puts_the_text_on_the_clipboard_and_it_is_cleared(window, qtbot):
    page = _page(window)
    _select(page, "000123")
    guard = clipboard.guard()
    guard.set_clear_after_ms(300)
    try:
        page.ehr.copy_button.click()
        qtbot.waitUntil(lambda: not page.ehr.tasks.busy and page.message.text() != "", timeout=15_000)
        expected = summary_text(month_summary(window.workspace, page.selected_row().patient_id, NOVEMBER))
        assert QApplication.clipboard().text() == expected
        assert "copied" in page.message.text() and "30 seconds" in page.message.text()
        with qtbot.waitSignal(guard.cleared, timeout=5_000):
            pass
        assert QApplication.clipboard().text() == ""
    finally:
        guard.set_clear_after_ms(clipboard.CLEAR_AFTER_MS)


def test_the_months_batch_runs_in_the_background_with_progress(window, qtbot, tmp_path, monkeypatch):
    page = _page(window)
    folder = tmp_path / "summaries"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(folder)))
    seen: list[tuple[int, int]] = []
    page.ehr.batch_button.click()
    assert page.ehr.tasks.busy and not page.ehr.batch_button.isEnabled() and page.ehr.progress is not None
    page.ehr.relay.changed.connect(lambda done, total: seen.append((done, total)))  # queued: none missed
    qtbot.waitUntil(lambda: not page.ehr.tasks.busy and page.message.text() != "", timeout=30_000)
    assert sorted(p.name for p in folder.iterdir()) == [
        "ehr-summary-2026-11-000123.pdf",
        "ehr-summary-2026-11-000124.pdf",
    ]
    assert seen[-1] == (2, 2)
    assert page.message.text() == (
        f"2 EHR summaries for November 2026 saved in {folder} (one PDF per patient). Each file holds patient data."
    )
    assert page.ehr.progress is None and page.ehr.batch_button.isEnabled()


def test_a_cancelled_batch_says_how_far_it_got(window, qtbot, tmp_path):
    page = _page(window)
    page.ehr.save_batch(tmp_path / "out")
    page.ehr.relay.cancel()  # what the dialog's Cancel does
    qtbot.waitUntil(lambda: not page.ehr.tasks.busy and page.message.text() != "", timeout=30_000)
    assert page.message.text().startswith("Cancelled after 0 of 2: 0 EHR summaries for November 2026")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_lock_during_the_batch_waits_then_clears(window, qtbot, tmp_path):
    page = _page(window)
    page.ehr.save_batch(tmp_path / "out")
    window.lock()  # waits for the running batch to stop at its next patient
    assert page.ehr.progress is None and page.workspace is None
    qtbot.waitUntil(lambda: not page.ehr.tasks.busy, timeout=5_000)  # its result is dropped, not shown
    assert page.message.text() == "" and not page.ehr.batch_button.isEnabled()
