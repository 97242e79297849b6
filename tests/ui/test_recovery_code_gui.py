"""The recovery code in the app: on screen before the keyring is asked and before the old code
stops working; Copy, Save recovery kit, Print; a new code and kit from the File menu; changing
the passphrase in the app. Issue 11 items 5 and 11. Real stores, real widgets."""

from __future__ import annotations

import os
import stat

import keyring
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from caredesk.domain import audit as actions
from caredesk.errors import WrongSecret
from caredesk.services.access import Access
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, MemoryKeyring
from tests.keyring_faults import BrokenKeyring
from tests.ui.conftest import unlock_with

NEW = "a brand new passphrase"


class WatchingKeyring(MemoryKeyring):
    """Notes what the window showed when the key was handed to it."""

    def __init__(self, panel) -> None:
        super().__init__()
        self.panel = panel
        self.code_on_screen: str | None = None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.code_on_screen = self.panel.code.code.text()
        super().set_password(service, username, password)


def create_in_window(window, qtbot, *, remember: bool):
    panel = window.unlock_panel
    panel.welcome.create_button.click()
    panel.create_page.passphrase.setText(PASSPHRASE)
    panel.create_page.confirm.setText(PASSPHRASE)
    panel.create_page.remember.setChecked(remember)
    panel.create_page.create_button.click()
    qtbot.waitUntil(lambda: panel.currentWidget() is panel.code, timeout=10_000)
    return panel


def test_a_new_stores_code_is_on_screen_before_the_keyring_is_asked(make_window, qtbot):
    window = make_window()
    backend = WatchingKeyring(window.unlock_panel)
    keyring.set_keyring(backend)
    panel = create_in_window(window, qtbot, remember=True)
    qtbot.waitUntil(lambda: bool(backend.items))
    assert backend.code_on_screen == panel.code.code.text() != ""


def test_a_keyring_that_raises_leaves_the_code_on_screen_and_says_so(make_window, qtbot, data_dir):
    keyring.set_keyring(BrokenKeyring())
    window = make_window()
    panel = create_in_window(window, qtbot, remember=True)
    qtbot.waitUntil(lambda: panel.code.message.isVisible())
    assert "ask for the passphrase each time" in panel.code.message.text()
    code = panel.code.code.text()
    panel.code.saved.setChecked(True)
    panel.code.continue_button.click()
    qtbot.waitUntil(lambda: window.central_page() is window.view, timeout=15_000)
    KeyFile.read(DataFolder(data_dir).key).unwrap_with_recovery(code)


def test_copy_and_save_the_recovery_kit_from_the_code_page(make_window, qtbot, data_dir, tmp_path, monkeypatch):
    window = make_window()
    panel = create_in_window(window, qtbot, remember=False)
    code = panel.code.code.text()
    view = panel.code.view
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == code
    chosen = tmp_path / "kit.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(chosen), "PDF (*.pdf)"))
    view.save_button.click()  # the button, as a user presses it (it crashed: clicked's False was the path)
    kit = chosen if chosen.exists() else None
    assert kit is not None and "Saved to" in view.message.text()
    text = "\n".join(p.extract_text() for p in PdfReader(kit).pages)
    assert code in text and str(data_dir) in text


def test_saving_the_kit_over_a_pipe_says_so_and_writes_nothing(make_window, qtbot, tmp_path, monkeypatch):
    """services.files.write_atomic refuses what is not a regular file; the page says which, in a sentence."""
    window = make_window()
    panel = create_in_window(window, qtbot, remember=False)
    view = panel.code.view
    pipe = tmp_path / "kit.pdf"
    os.mkfifo(pipe)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(pipe), "PDF (*.pdf)"))
    view.save_button.click()
    assert view.message.text() == f"Cannot write {pipe}: it is not a regular file; give a file name."
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_print_sends_the_kit_to_the_chosen_printer(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window()
    panel = create_in_window(window, qtbot, remember=False)
    out = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    panel.code.view.print_button.click()
    assert len(PdfReader(out).pages) == 1
    assert "printer" in panel.code.view.message.text()


def _reset_to_the_code_page(make_window, qtbot, folder: DataFolder, clock):
    """A store made, then "Forgot passphrase?" with its code up to the new code's page:
    (window, the old code, the key file's bytes before)."""
    ws, old = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF)
    ws.lock()
    before = folder.key.read_bytes()
    window = make_window()
    panel = window.unlock_panel
    panel.unlock.forgot_button.click()
    panel.recover.code.setText(old)
    panel.recover.passphrase.setText(NEW)
    panel.recover.confirm.setText(NEW)
    panel.recover.recover_button.click()
    qtbot.waitUntil(lambda: panel.currentWidget() is panel.code, timeout=10_000)
    return window, old, before


def test_a_reset_takes_effect_only_on_continue(make_window, qtbot, data_dir, clock):
    folder = DataFolder(data_dir)
    window, old, before = _reset_to_the_code_page(make_window, qtbot, folder, clock)
    panel = window.unlock_panel
    new = panel.code.code.text()
    assert folder.key.read_bytes() == before  # the new code is seen while the old one still works
    panel.code.saved.setChecked(True)
    panel.code.continue_button.click()
    key_file = KeyFile.read(folder.key)
    key_file.unwrap_with_recovery(new)
    key_file.unwrap_with_passphrase(NEW)
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(old)
    qtbot.waitUntil(lambda: window.central_page() is window.view, timeout=15_000)


def test_leaving_a_reset_at_the_code_page_changes_nothing(make_window, qtbot, data_dir, clock):
    folder = DataFolder(data_dir)
    window, _old, before = _reset_to_the_code_page(make_window, qtbot, folder, clock)
    window.close()
    assert folder.key.read_bytes() == before


def test_a_new_recovery_code_and_kit_from_the_file_menu(unlocked, qtbot, data_dir, tmp_path, canary_store):
    window = unlocked
    folder = DataFolder(data_dir)
    dialog = window.key_actions.open_new_recovery_code()
    dialog.passphrase.setText("not the passphrase")
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.make_button.isEnabled() and dialog.ask_message.isVisible())
    assert dialog.ask_message.text() == "Passphrase: is not correct. Nothing was changed."
    before = folder.key.read_bytes()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=10_000)
    code = dialog.view.code.text()
    assert dialog.view.save_kit(tmp_path / "kit.pdf") is not None
    assert folder.key.read_bytes() == before  # not in effect before Done
    assert not dialog.done_button.isEnabled()
    dialog.view.saved.setChecked(True)
    dialog.done_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    KeyFile.read(folder.key).unwrap_with_recovery(code)
    with window.workspace.uow() as uow:
        last = uow.audit_log.all()[-1]
    assert (last.action, last.detail) == (actions.KEY_CHANGED, "new recovery code issued")


def test_change_passphrase_refuses_a_guessable_one_naming_the_new_field(unlocked, qtbot, data_dir):
    window = unlocked
    before = DataFolder(data_dir).key.read_bytes()
    dialog = window.key_actions.open_change_passphrase()
    dialog.current.setText(PASSPHRASE)
    dialog.new.setText("caredesk2026")
    dialog.repeat.setText("caredesk2026")
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.change_button.isEnabled() and "New passphrase" in dialog.message.text())
    assert dialog.message.text().startswith('New passphrase: is too easy to guess (it is built on "caredesk"')
    assert dialog.message.text().endswith("; add two or three uncommon words.")
    assert dialog.new.hasFocus() or dialog.focusWidget() is dialog.new
    assert DataFolder(data_dir).key.read_bytes() == before
    dialog.reject()


def test_change_passphrase_in_the_app(unlocked, qtbot, data_dir):
    window = unlocked
    dialog = window.key_actions.open_change_passphrase()
    dialog.current.setText(PASSPHRASE)
    dialog.new.setText(NEW)
    dialog.repeat.setText(NEW + "x")
    dialog.change_button.click()
    assert dialog.message.text() == "Repeat new passphrase: does not match the new passphrase."
    dialog.repeat.setText("short")
    dialog.new.setText("short")
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.change_button.isEnabled() and "New passphrase" in dialog.message.text())
    assert dialog.message.text() == "New passphrase: must be at least 10 characters long."
    dialog.current.setText("not the passphrase")
    dialog.new.setText(NEW)
    dialog.repeat.setText(NEW)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.change_button.isEnabled() and "Current" in dialog.message.text())
    assert "Current passphrase: is not correct" in dialog.message.text()
    dialog.current.setText(PASSPHRASE)
    # Enter retries after the refusal (GUI tester: Cancel had become the default and Enter closed it).
    qtbot.keyClick(dialog.current, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Passphrase changed" in dialog.message.text(), timeout=10_000)
    with window.workspace.uow() as uow:
        last = uow.audit_log.all()[-1]
    assert (last.action, last.detail) == (actions.KEY_CHANGED, "passphrase changed")
    dialog.reject()
    window.lock()
    unlock_with(qtbot, window, NEW)


def test_key_items_are_off_while_locked_and_in_the_demo(make_window, canary_store):
    window = make_window()
    window.key_actions.update()
    assert not window.key_actions.change_passphrase.isEnabled()
    assert window.key_actions.open_new_recovery_code() is None
