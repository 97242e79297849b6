"""Backup and restore in the app (issue 11 items 1-3): Back up now with progress and Cancel, the
restore from the welcome page and the File menu, the backup on quit, the last-backup line.

Real SQLCipher stores and real backup files in tmp folders; the clock is tests.conftest's NOW.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox, QWidget

from caredesk.errors import CareDeskError, StoreLocked, WrongSecret
from caredesk.services.access import Access
from caredesk.services.backup import make_backup
from caredesk.services.patients import patient_list
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from caredesk.ui.shell import backup_actions
from caredesk.ui.shell.backup_dialog import STEPS, BackupDialog
from caredesk.ui.shell.launch import build_main_window
from caredesk.ui.shell.restore_dialog import RestoreDialog
from caredesk.ui.shell.settings import AppSettings
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.ui.conftest import unlock_with

NEW_PASSPHRASE = "a brand new passphrase"


def _sha(folder: Path) -> dict[str, str]:
    """SHA-256 of each file of the store (the running app's lock file and the wrong tries counted aside)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in ("caredesk.lock", "caredesk.attempts")  # the back-off's count is not the store
    }


def _mnemonics(widget) -> list[str]:
    """The Alt letters of the widget's visible labels, buttons and boxes."""
    letters = []
    for w in widget.findChildren(QWidget):
        if isinstance(w, QLabel | QAbstractButton) and w.isVisibleTo(widget):
            found = re.search(r"&(\w)", w.text())
            if found:
                letters.append(found.group(1).lower())
    return letters


# -- Back up now -----------------------------------------------------------------------
def test_ctrl_shift_b_backs_up_with_progress_and_says_what_was_verified(unlocked, qtbot, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    indicator = unlocked.backups.indicator
    assert indicator.text() == "No backup yet — File > Back up now"
    assert indicator.property("role") == "warning"
    qtbot.keyClick(unlocked, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = unlocked.backups.dialog
    assert isinstance(dialog, BackupDialog) and dialog.isVisible()
    assert dialog.start_button.isDefault()
    assert sorted(_mnemonics(dialog)) == sorted(set(_mnemonics(dialog)))  # every Alt letter its own
    seen: list[int] = []
    dialog.run.relay.changed.connect(lambda done, _total: seen.append(done))
    dialog.folder.setText(str(usb))
    qtbot.keyClick(dialog.folder, Qt.Key.Key_Return)  # Enter backs up (the default button)
    qtbot.waitUntil(lambda: not dialog.run.running and dialog.start_button.isEnabled(), timeout=30_000)
    files = list(usb.iterdir())
    assert [p.name for p in files] == ["caredesk-backup-2026-11-24-1030.cdbk"]
    assert dialog.message.text().startswith("Backup verified: caredesk-backup-2026-11-24-1030.cdbk, 4 patients, ")
    assert seen == sorted(seen) and seen[-1] == STEPS and dialog.bar.value() == STEPS
    # The window's line changed at once, and the folder is remembered (a path, no patient data).
    assert indicator.text() == "Last verified backup: 11/24/2026 (today)"
    assert indicator.property("role") == "hint"
    assert unlocked.settings.backup_folder == usb
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_cancel_stops_the_backup_and_leaves_no_file(workspace, qtbot, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = BackupDialog(workspace, AppSettings(tmp_path / "s.ini"))
    qtbot.addWidget(dialog)
    dialog.show()
    # Hold the job at its first progress report until Cancel has been clicked, as a user would.
    reported, go_on = threading.Event(), threading.Event()

    def hold(_done: int, _total: int) -> None:  # on the worker thread
        reported.set()
        go_on.wait(10)

    dialog.run.relay.changed.connect(hold, Qt.ConnectionType.DirectConnection)
    dialog.folder.setText(str(usb))
    dialog.start_button.click()
    qtbot.waitUntil(reported.is_set, timeout=10_000)
    assert dialog.close_button.text() == "Cancel" and dialog.close_button.hasFocus()
    dialog.close_button.click()
    assert dialog.isVisible()  # stays open to say what happened
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.run.running and dialog.start_button.isEnabled(), timeout=10_000)
    assert dialog.message.text() == "Backup cancelled; nothing was written."
    assert list(usb.iterdir()) == []  # no backup, no temporary file


def test_locking_during_a_backup_stops_it_first_and_leaves_no_file(unlocked, qtbot, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = unlocked.backups.back_up_now()
    relay = dialog.run.relay
    reported = threading.Event()

    def hold(_done: int, _total: int) -> None:  # on the worker thread: wait until someone cancels
        reported.set()
        for _ in range(1000):
            if relay.cancelled:
                return
            time.sleep(0.01)

    relay.changed.connect(hold, Qt.ConnectionType.DirectConnection)
    dialog.folder.setText(str(usb))
    dialog.start_button.click()
    qtbot.waitUntil(reported.is_set, timeout=10_000)
    unlocked.lock()  # Ctrl+L (or the idle lock) while the backup runs
    assert unlocked.workspace is None and not dialog.isVisible()
    assert not dialog.run.running
    assert list(usb.iterdir()) == []
    # An Alt+B queued behind the lock (GUI tester: the app hung) starts nothing on the locked store.
    dialog.start()
    assert not dialog.run.running and list(usb.iterdir()) == []


def test_an_absent_folder_is_a_clear_message_not_an_error(workspace, qtbot, tmp_path):
    dialog = BackupDialog(workspace, AppSettings(tmp_path / "s.ini"))
    qtbot.addWidget(dialog)
    unplugged = tmp_path / "media" / "USB DRIVE"
    dialog.folder.setText(str(unplugged))
    dialog.start_button.click()
    assert dialog.message.text() == f"The folder {unplugged} is not there — is the drive plugged in?"
    assert dialog.message.property("role") == "error"
    assert not dialog.run.running and not unplugged.exists()


def test_the_last_backup_line_warns_after_seven_days(make_window, canary_store, qtbot, data_dir, clock, tmp_path):
    ws = Access(DataFolder(data_dir), clock).unlock(PASSPHRASE)
    clock.instant = NOW - timedelta(days=8)
    make_backup(ws, tmp_path)
    clock.instant = NOW
    ws.lock()
    window = make_window()
    unlock_with(qtbot, window)
    indicator = window.backups.indicator
    assert indicator.text() == "Last verified backup: 11/16/2026 (8 days ago) — File > Back up now"
    assert indicator.property("role") == "warning" and indicator.isVisible()
    window.lock()
    assert not indicator.isVisible() and indicator.text() == ""  # nothing of the store shows while locked


# -- restore ---------------------------------------------------------------------------
def _fill(dialog: RestoreDialog, file: Path, *, passphrase: str | None = None, code: str | None = None) -> None:
    dialog.file.setText(str(file))
    if code is not None:
        dialog.with_code.setChecked(True)
        dialog.code.setText(code)
        dialog.new_passphrase.setText(NEW_PASSPHRASE)
        dialog.confirm.setText(NEW_PASSPHRASE)
    else:
        dialog.passphrase.setText(passphrase or PASSPHRASE)


def _replace(qtbot, dialog: RestoreDialog, *, choose: bool = True) -> str:
    """Answer the question asked before a store is replaced (Cancel the default); its text."""
    qtbot.waitUntil(lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible(), timeout=30_000)
    box = dialog.confirm_box
    assert box is not None and box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    text = box.informativeText()
    replace = next(b for b in box.buttons() if b.text() == "&Replace it")
    (replace if choose else box.button(QMessageBox.StandardButton.Cancel)).click()
    return text


def test_restore_from_the_welcome_page_on_an_empty_folder_with_the_recovery_code(make_window, qtbot, tmp_path, clock):
    folder = DataFolder(tmp_path / "old laptop")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)  # another laptop's store
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb").path
    ws.lock()

    window = make_window()
    panel = window.unlock_panel
    assert panel.currentWidget() is panel.welcome
    window.backups.welcome_restore.click()
    dialog = window.backups.restoring
    assert isinstance(dialog, RestoreDialog) and dialog.isVisible()
    assert "put into" in dialog.form.findChildren(QLabel)[1].text()
    _fill(dialog, backup, code=code)
    assert sorted(_mnemonics(dialog)) == sorted(set(_mnemonics(dialog)))
    assert dialog.restore_button.isDefault()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.outcome.isVisible(), timeout=30_000)
    text = dialog.outcome.text.text()
    assert text.startswith("Restored the backup made 11/24/2026 into ") and "0 patients" in text
    assert "replaced" not in text  # nothing was there to replace
    new_code = dialog.outcome.code.text()
    assert re.fullmatch(r"[A-Z0-9-]{20,}", new_code) and new_code != code
    assert not dialog.outcome.open_button.isEnabled()  # the new code is marked saved first
    # Shown, not yet in effect: the typed code still opens the restored store (issue 11 item 5).
    key_file = window.context.folder.key
    KeyFile.read(key_file).unwrap_with_recovery(code)
    assert "If you close this window before that, nothing changes" in dialog.outcome.code_intro.text()
    kit = dialog.outcome.view.save_kit(tmp_path / "kit.pdf")  # Save recovery kit… (Copy, Print… beside it)
    assert kit is not None and kit.exists() and dialog.outcome.view.print_button.isVisible()
    assert dialog.outcome.saved.text().replace("&", "") == "I have saved my new recovery code"
    dialog.outcome.saved.setChecked(True)
    KeyFile.read(key_file).unwrap_with_recovery(code)  # ticking the box commits nothing either
    qtbot.keyClick(dialog.outcome.open_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None and window.central_page() is window.view, timeout=15_000)
    assert window.instance_lock.held
    with pytest.raises(WrongSecret):
        KeyFile.read(key_file).unwrap_with_recovery(code)  # Open put the new code in effect
    KeyFile.read(key_file).unwrap_with_recovery(new_code)
    window.lock()
    unlock_with(qtbot, window, NEW_PASSPHRASE)  # the new passphrase opens it from now on


GUESSABLE = "New passphrase: is too easy to guess (this is a very common password); add two or three uncommon words."


def test_a_restore_with_the_code_refuses_a_guessable_new_passphrase(make_window, qtbot, tmp_path, clock):
    folder = DataFolder(tmp_path / "old laptop")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb").path
    ws.lock()
    window = make_window()
    window.backups.welcome_restore.click()
    dialog = window.backups.restoring
    _fill(dialog, backup, code=code)
    dialog.new_passphrase.setText("password12")
    dialog.confirm.setText("password12")
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled() and GUESSABLE in dialog.message.text(), timeout=30_000)
    assert dialog.focusWidget() is dialog.new_passphrase
    assert not window.context.folder.has_store()


def test_over_a_store_a_guessable_new_passphrase_is_refused_before_the_question(unlocked, qtbot, tmp_path, data_dir):
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = make_backup(unlocked.workspace, usb).path
    before = DataFolder(data_dir).key.read_bytes()
    unlocked.backups.restore_action.trigger()
    dialog = unlocked.backups.restoring
    _fill(dialog, backup, code="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")  # not even tried
    dialog.new_passphrase.setText("password12")
    dialog.confirm.setText("password12")
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled() and GUESSABLE in dialog.message.text(), timeout=30_000)
    assert dialog.confirm_box is None  # no question about replacing the store
    assert DataFolder(data_dir).key.read_bytes() == before
    dialog.reject()


def test_closing_the_restore_before_confirming_the_new_code_keeps_the_typed_code(make_window, qtbot, tmp_path, clock):
    folder = DataFolder(tmp_path / "old laptop")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb").path
    ws.lock()
    window = make_window()
    window.backups.welcome_restore.click()
    dialog = window.backups.restoring
    _fill(dialog, backup, code=code)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.outcome.isVisible(), timeout=30_000)
    shown = dialog.outcome.code.text()
    dialog.outcome.saved.setChecked(True)  # ticked, but the window is closed instead of Open
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and window.workspace is None
    assert window.unlock_panel.currentWidget() is window.unlock_panel.unlock
    key_file = KeyFile.read(window.context.folder.key)
    key_file.unwrap_with_recovery(code)  # the code that was typed still opens the restored store
    key_file.unwrap_with_passphrase(PASSPHRASE)  # and the backup's passphrase
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(shown)  # the code shown never took effect


def test_restore_from_the_file_menu_over_an_open_store(unlocked, canary_store, qtbot, tmp_path, data_dir):
    usb = tmp_path / "usb"
    usb.mkdir()
    ws = unlocked.workspace
    backup = make_backup(ws, usb).path
    from datetime import date

    from caredesk.domain.patients import Patient
    from tests.conftest import add_patient

    add_patient(ws, Patient(mrn="LATE1", given_name="Added", family_name="Later", birth_date=date(1960, 1, 1)))
    assert len(patient_list(ws)) == 5
    unlocked.backups.restore_action.trigger()
    assert unlocked.workspace is None  # locked first
    dialog = unlocked.backups.restoring
    assert "replaces the store" in dialog.form.findChildren(QLabel)[1].text()
    _fill(dialog, backup)
    dialog.restore_button.click()
    asked = _replace(qtbot, dialog, choose=False)  # Cancel: nothing is replaced
    assert asked.startswith(
        "This folder holds a store with 5 patients, last changed 11/24/2026; the backup was made 11/24/2026 "
        "and holds 4 patients. Restoring replaces it"
    ), asked
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled(), timeout=5_000)
    assert "Nothing was restored" in dialog.message.text() and not list(data_dir.glob("replaced-*"))
    dialog.restore_button.click()
    _replace(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.outcome.isVisible(), timeout=30_000)
    text = dialog.outcome.text.text()
    assert "4 patients" in text and (
        f"Kept, unchanged, in {data_dir}/replaced-2026-11-24-103000: the store this restore replaced, "
        "5 patients, last changed 11/24/2026." in text
    )
    assert text.endswith(
        "The store now opens with the passphrase it had when the backup was made (11/24/2026), "
        "and with that day's recovery code."
    )
    assert dialog.outcome.open_button.isEnabled() and not dialog.outcome.code.isVisible()
    dialog.outcome.open_button.click()
    qtbot.waitUntil(lambda: unlocked.workspace is not None and unlocked.central_page() is unlocked.view, timeout=15_000)
    assert len(patient_list(unlocked.workspace)) == 4
    # The window holds its folder again: a second CareDesk is refused.
    with pytest.raises(StoreLocked):
        build_main_window(data_dir, tmp_path / "other.ini", kdf=FAST_KDF)


def test_a_wrong_passphrase_leaves_the_live_store_unchanged(make_window, canary_store, qtbot, tmp_path, data_dir):
    ws = Access(DataFolder(data_dir)).unlock(PASSPHRASE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb").path
    ws.lock()
    before = _sha(data_dir)
    window = make_window()
    window.backups.restore_action.trigger()
    dialog = window.backups.restoring
    _fill(dialog, backup, passphrase="not the passphrase at all")
    dialog.restore_button.click()
    assert "a store that the passphrase given does not open" in _replace(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled(), timeout=30_000)
    assert "It must be the one the store had when this backup was made." in dialog.message.text()
    assert dialog.message.property("role") == "error"
    qtbot.waitUntil(dialog.passphrase.hasFocus, timeout=5_000)
    # A damaged file: one flipped byte in the middle.
    damaged = tmp_path / "damaged.cdbk"
    raw = bytearray(backup.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    _fill(dialog, damaged)
    # Enter retries after a refusal (GUI tester: no button was the default any more).
    assert dialog.restore_button.isDefault()
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    asked = lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible()  # noqa: E731
    qtbot.waitUntil(lambda: "damaged" in dialog.message.text() or asked(), timeout=30_000)
    if asked():  # the manifest was readable: the question first, then the check refuses it
        _replace(qtbot, dialog)
    qtbot.waitUntil(lambda: "damaged" in dialog.message.text(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled(), timeout=30_000)
    assert "damaged" in dialog.message.text() and "nothing was changed" in dialog.message.text()
    assert _sha(data_dir) == before
    assert window.instance_lock.held
    dialog.reject()
    assert window.unlock_panel.currentWidget() is window.unlock_panel.unlock


def test_a_restore_that_cannot_open_at_once_still_says_it_restored(
    make_window, canary_store, qtbot, tmp_path, data_dir
):
    ws = Access(DataFolder(data_dir)).unlock(PASSPHRASE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb").path
    ws.lock()
    window = make_window()
    for _ in range(6):  # wrong tries at the unlock page: the next unlock must wait
        with pytest.raises(CareDeskError):
            window.context.access.unlock("wrong passphrase, again")
    window.backups.restore_action.trigger()
    dialog = window.backups.restoring
    _fill(dialog, backup)
    dialog.restore_button.click()
    assert "cannot be opened now (too many wrong tries" in _replace(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.outcome.isVisible(), timeout=30_000)
    assert dialog.outcome.text.text().endswith("It did not open by itself: unlock it with its passphrase.")
    assert dialog.outcome.open_button.text() == "&Close"
    dialog.outcome.open_button.click()
    assert window.workspace is None
    assert window.unlock_panel.currentWidget() is window.unlock_panel.unlock
    assert window.instance_lock.held


# -- backup on quit --------------------------------------------------------------------
def _quit(qtbot, window) -> None:
    window.close()
    qtbot.waitUntil(lambda: window._closed, timeout=30_000)


def test_quitting_backs_up_once_a_day_keeping_the_last_n(
    make_window, canary_store, qtbot, tmp_path, clock, settings_path
):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "holiday photos.jpg").write_bytes(b"not ours")
    settings = AppSettings(settings_path)
    settings.backup_folder = usb
    settings.backups_kept = 2
    settings.sync()
    days = []
    for _day in range(4):
        for _quit_again in range(2):
            window = make_window()
            unlock_with(qtbot, window)
            _quit(qtbot, window)
        days.append(sorted(p.name for p in usb.glob("*.cdbk")))
        clock.advance(days=1)
    assert [len(d) for d in days] == [1, 2, 2, 2]  # once a day, then the newest two
    assert days[-1] == ["caredesk-backup-2026-11-26-1030.cdbk", "caredesk-backup-2026-11-27-1030.cdbk"]
    assert (usb / "holiday photos.jpg").read_bytes() == b"not ours"


def test_quitting_with_the_drive_unplugged_says_so_and_quits(
    make_window, canary_store, qtbot, tmp_path, settings_path, monkeypatch
):
    monkeypatch.setattr(backup_actions, "NOTE_MS", 200)
    unplugged = tmp_path / "USB DRIVE"
    settings = AppSettings(settings_path)
    settings.backup_folder = unplugged
    settings.sync()
    window = make_window()
    unlock_with(qtbot, window)
    notes: list[str] = []

    def read_note() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            notes.append(box.text())
        else:
            QTimer.singleShot(20, read_note)

    QTimer.singleShot(20, read_note)
    _quit(qtbot, window)
    assert notes == [
        f"No backup on quit: The folder {unplugged} is not there — is the drive plugged in? CareDesk quits now."
    ]
    assert not unplugged.exists()


def test_backup_on_quit_can_be_turned_off_in_settings(unlocked, qtbot, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    unlocked.settings.backup_folder = usb

    def untick() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog.on_quit.isChecked() and dialog.keep.value() == 10
        dialog.on_quit.setChecked(False)
        dialog.keep.setValue(3)
        dialog.accept()

    QTimer.singleShot(50, untick)
    unlocked.open_settings()
    assert not unlocked.settings.backup_on_quit and unlocked.settings.backups_kept == 3
    _quit(qtbot, unlocked)
    assert list(usb.iterdir()) == []


def test_the_demo_panel_is_not_backed_up_on_quit(make_window, qtbot, tmp_path, settings_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings = AppSettings(settings_path)
    settings.backup_folder = usb
    settings.sync()
    window = make_window()
    window.unlock_panel.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=60_000)
    assert window.is_demo
    _quit(qtbot, window)
    assert list(usb.iterdir()) == []


def test_a_lock_during_the_backup_on_quit_stops_it_and_still_quits(
    make_window, canary_store, qtbot, tmp_path, settings_path
):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings = AppSettings(settings_path)
    settings.backup_folder = usb
    settings.sync()
    window = make_window()
    unlock_with(qtbot, window)
    relay = window.backups.quit_run.relay
    reported = threading.Event()

    def hold(_done: int, _total: int) -> None:  # on the worker thread: wait until someone cancels
        reported.set()
        for _ in range(1000):
            if relay.cancelled:
                return
            time.sleep(0.01)

    relay.changed.connect(hold, Qt.ConnectionType.DirectConnection)
    window.close()
    qtbot.waitUntil(reported.is_set, timeout=10_000)
    window._os_session_locked("the lid was closed")  # as the OS session lock or the idle lock does
    qtbot.waitUntil(lambda: window._closed, timeout=10_000)
    assert list(usb.iterdir()) == []
