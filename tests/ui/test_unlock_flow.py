"""Creating, unlocking and recovering a store through the window, with a real SQLCipher store."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from caredesk.errors import StoreLocked
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.shell.launch import build_main_window
from caredesk.ui.shell.main_window import DEMO_TITLE
from caredesk.ui.shell.single_instance import ALREADY_OPEN
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.conftest import unlock_with


def snapshot(folder: DataFolder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.files()}


def test_empty_folder_offers_create_and_demo(make_window):
    window = make_window()
    panel = window.unlock_panel
    assert panel.currentWidget() is panel.welcome
    assert panel.welcome.create_button.text() == "Create my store"
    assert "demo panel" in panel.welcome.demo_button.text()


def test_create_store_shows_recovery_code_then_the_workspace(make_window, qtbot, data_dir):
    window = make_window()
    panel = window.unlock_panel
    panel.welcome.create_button.click()
    panel.create_page.passphrase.setText(PASSPHRASE)
    panel.create_page.confirm.setText(PASSPHRASE)
    panel.create_page.create_button.click()
    qtbot.waitUntil(lambda: panel.currentWidget() is panel.code, timeout=10_000)

    code = panel.code.code.text()
    assert len(code.replace("-", "")) == 25
    assert not panel.code.continue_button.isEnabled()
    panel.code.saved.setChecked(True)
    panel.code.continue_button.click()

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.view, timeout=10_000)
    assert window.workspace is not None and window.workspace.is_open
    assert DataFolder(data_dir).has_store()
    # The code shown really opens the store.
    window.close()
    ws, _new = Access(DataFolder(data_dir)).recover(code, "another long passphrase")
    ws.lock()


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (PASSPHRASE, PASSPHRASE + "x", "passphrase and its repetition do not match"),
        ("short", "short", "Passphrase must be at least 10 characters"),
        (
            "password12",
            "password12",
            "Passphrase is too easy to guess (this is a very common password); add two or three uncommon words.",
        ),
    ],
)
def test_bad_new_passphrase_is_named_and_creates_nothing(make_window, qtbot, data_dir, first, second, expected):
    window = make_window()
    panel = window.unlock_panel
    panel.welcome.create_button.click()
    panel.create_page.passphrase.setText(first)
    panel.create_page.confirm.setText(second)
    panel.create_page.create_button.click()
    qtbot.waitUntil(lambda: panel.create_page.message.isVisible() and panel.create_page.create_button.isEnabled())
    assert expected in panel.create_page.message.text()
    assert panel.currentWidget() is panel.create_page
    assert not DataFolder(data_dir).has_store()


def test_remember_is_disabled_without_a_secure_keyring(make_window):
    window = make_window()
    for box in (window.unlock_panel.create_page.remember, window.unlock_panel.unlock.remember):
        assert not box.isEnabled()
        assert "keyring" in box.toolTip()


def test_unlock_existing_store_with_passphrase(make_window, canary_store, qtbot):
    window = make_window()
    unlock_with(qtbot, window)
    assert window.stack.currentWidget() is window.view
    assert window.workspace.is_open
    assert window.windowTitle() == "CareDesk"


def test_wrong_passphrase_shows_message_and_changes_no_file(make_window, canary_store, qtbot, data_dir):
    before = snapshot(DataFolder(data_dir))
    window = make_window()
    page = window.unlock_panel.unlock
    page.passphrase.setText("not the passphrase at all")
    page.unlock_button.click()
    qtbot.waitUntil(lambda: page.message.isVisible() and page.unlock_button.isEnabled())
    assert "passphrase is not correct" in page.message.text()
    assert window.workspace is None
    assert snapshot(DataFolder(data_dir)) == before


def test_repeated_wrong_passphrases_disable_unlock_with_a_countdown(make_window, canary_store, qtbot):
    window = make_window()
    page = window.unlock_panel.unlock
    for _ in range(5):
        qtbot.waitUntil(page.unlock_button.isEnabled)
        page.passphrase.setText("still not the passphrase")
        page.unlock_button.click()
        qtbot.waitUntil(lambda: not window.unlock_panel.tasks.busy)
    assert not page.unlock_button.isEnabled()
    assert "try again in" in page.message.text()


def test_recovery_code_resets_passphrase_and_shows_a_new_code(make_window, qtbot, data_dir, clock):
    ws, code = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF)
    ws.lock()
    window = make_window()
    panel = window.unlock_panel
    panel.unlock.forgot_button.click()
    assert panel.currentWidget() is panel.recover
    panel.recover.code.setText(code.lower())
    panel.recover.passphrase.setText("a brand new passphrase")
    panel.recover.confirm.setText("a brand new passphrase")
    panel.recover.recover_button.click()
    qtbot.waitUntil(lambda: panel.currentWidget() is panel.code, timeout=10_000)
    new_code = panel.code.code.text()
    assert new_code and new_code != code
    assert "NEW recovery code" in panel.code.explain.text()
    panel.code.saved.setChecked(True)
    panel.code.continue_button.click()
    assert window.workspace.is_open
    window.lock()
    unlock_with(qtbot, window, "a brand new passphrase")


def test_a_guessable_new_passphrase_on_the_recovery_page_is_refused_and_retyped(make_window, qtbot, data_dir, clock):
    ws, code = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF)
    ws.lock()
    key = DataFolder(data_dir).key.read_bytes()
    window = make_window()
    panel = window.unlock_panel
    panel.unlock.forgot_button.click()
    panel.recover.code.setText(code)
    panel.recover.passphrase.setText("qwertyuiop")
    panel.recover.confirm.setText("qwertyuiop")
    panel.recover.recover_button.click()
    qtbot.waitUntil(lambda: panel.recover.message.isVisible() and panel.recover.recover_button.isEnabled())
    assert panel.recover.message.text() == (
        "Passphrase is too easy to guess (this is a top-100 common password); add two or three uncommon words."
    )
    assert panel.currentWidget() is panel.recover
    assert DataFolder(data_dir).key.read_bytes() == key
    assert panel.recover.code.text() == code  # the code stays; the passphrase is typed again


def test_wrong_recovery_code_is_explained(make_window, canary_store, qtbot):
    window = make_window()
    panel = window.unlock_panel
    panel.unlock.forgot_button.click()
    panel.recover.code.setText("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    panel.recover.passphrase.setText("a brand new passphrase")
    panel.recover.confirm.setText("a brand new passphrase")
    panel.recover.recover_button.click()
    qtbot.waitUntil(lambda: panel.recover.message.isVisible() and panel.recover.recover_button.isEnabled())
    assert "recovery code is not correct" in panel.recover.message.text()


def test_store_that_cannot_be_opened_is_explained_and_never_replaced(make_window, canary_store, data_dir, qtbot):
    folder = DataFolder(data_dir)
    folder.db.unlink()
    key_before = folder.key.read_bytes()
    window = make_window()
    panel = window.unlock_panel
    # Half a store is explained at once: no passphrase is asked for a database that is gone.
    assert panel.currentWidget() is panel.problem
    assert "database caredesk.db is missing" in panel.problem.message.text()
    assert "backup" in panel.problem.message.text()
    assert folder.key.read_bytes() == key_before
    assert not folder.db.exists()


def test_remembered_key_opens_at_start_and_unchecking_forgets_it(make_window, canary_store, qtbot, memory_keyring):
    window = make_window()
    page = window.unlock_panel.unlock
    assert page.remember.isEnabled()
    page.remember.setChecked(True)
    unlock_with(qtbot, window)
    assert memory_keyring.items
    window.close()

    again = make_window()
    assert again.workspace is not None  # opened from the keyring, no passphrase asked
    again.lock()
    assert again.unlock_panel.unlock.remember.isChecked()
    again.unlock_panel.unlock.remember.setChecked(False)
    unlock_with(qtbot, again)
    assert not memory_keyring.items


def test_demo_panel_opens_in_its_own_folder_with_a_demo_title(make_window, qtbot, data_dir):
    window = make_window()
    window.unlock_panel.welcome.demo_button.click()
    assert window.unlock_panel.currentWidget() is window.unlock_panel.busy
    qtbot.waitUntil(lambda: window.workspace is not None and window.central_page() is window.view, timeout=30_000)
    assert window.windowTitle() == DEMO_TITLE
    assert window.is_demo
    assert not DataFolder(data_dir).has_store()
    assert DataFolder(data_dir / "demo-panel").has_store()
    # The pages' reads take turns after the queue's (ae787f8): the list fills a few turns later.
    patients = window.view.page(PatientsPage)
    qtbot.waitUntil(lambda: patients.proxy.rowCount() == 20, timeout=15_000)
    window.lock()
    assert window.windowTitle() == "CareDesk"
    # Opening it again reuses the same demo store.
    window.unlock_panel.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None and window.central_page() is window.view, timeout=30_000)
    qtbot.waitUntil(lambda: window.view.page(PatientsPage).proxy.rowCount() == 20, timeout=15_000)


def test_second_window_for_the_same_folder_is_refused(make_window, data_dir, settings_path):
    make_window()
    with pytest.raises(StoreLocked, match=ALREADY_OPEN):
        build_main_window(data_dir, settings_path)


def test_lock_left_by_a_crashed_instance_is_taken_over(make_window, data_dir):
    data_dir.mkdir(parents=True)
    # What QLockFile writes: pid, app name, host. No process has this pid.
    import socket

    (data_dir / "caredesk.lock").write_text(f"999999\ncaredesk\n{socket.gethostname()}\n")
    window = make_window()
    assert window.instance_lock.held


def test_closing_releases_the_folder(make_window, data_dir, settings_path, qtbot):
    window = make_window()
    window.close()
    again = build_main_window(data_dir, settings_path)
    qtbot.addWidget(again)  # deleted at the end: a window left alive slowed every later test
    again.close()


def test_a_data_folder_that_is_a_file_is_named_before_any_window(monkeypatch, tmp_path):
    # It was "caredesk: the output could not be written (File exists)" on stderr and no window:
    # logs/ could not be made inside a file (a tester's `caredesk gui --data-dir FILE`).
    from caredesk.ui.shell import launch

    a_file = tmp_path / "caredesk.db"
    a_file.write_text("not a folder")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    monkeypatch.setattr(launch.crash, "install", lambda: None)
    assert launch.main(["--data-dir", str(a_file)]) == 1
    assert shown == [f"The data folder {a_file} is a file, not a folder."]
    assert a_file.read_text() == "not a folder" and sorted(tmp_path.iterdir()) == [a_file]


def test_already_open_message_from_main(monkeypatch, data_dir, make_window):
    from caredesk.ui.shell import launch

    window = make_window()
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    monkeypatch.setattr(launch.crash, "install", lambda: None)
    monkeypatch.setattr(launch.logs, "configure", lambda _dir: None)
    monkeypatch.setattr(launch.logs, "hold", lambda: None)  # no lines kept in this process's logging
    # The open window listens: it is asked to come forward, and the second start ends quietly
    # (tests/ui/test_second_instance.py does it with a real second process).
    assert launch.main(["--data-dir", str(data_dir)]) == 0
    assert shown == []
    # Nobody listening (an older CareDesk holds the folder): the message, as before.
    window.forward_requests.close()
    assert launch.main(["--data-dir", str(data_dir)]) == 1
    assert shown == [ALREADY_OPEN]
