"""Keys typed while a secret is checked in the background are not added to it: the unlock
page takes them as the next try, the create and recovery pages refuse them.

A keyboard-only tester pressed Enter on a wrong passphrase and, while Argon2id ran (~0.5 s),
typed the right one: it was appended to the wrong one in the box, so the retry failed too.
The check's answer comes back through the event loop, so keys sent right after the submit
and before any wait arrive while the check is running, every time.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE

WRONG = "not the passphrase at all"


def submit_with(qtbot, how: str, field, button) -> None:
    """Enter in the field, or Tab to the button and Space, as a keyboard-only user does."""
    if how == "enter":
        qtbot.keyClick(field, Qt.Key.Key_Return)
    else:
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)


@pytest.mark.parametrize("how", ["enter", "button"])
def test_a_passphrase_retyped_during_the_unlock_check_is_the_next_try_whole(make_window, canary_store, qtbot, how):
    # The box is emptied at the submit and keeps taking keys: a fresh tester's quick retype
    # into a read-only box lost its first keys, and the fragment left was sent and counted.
    window = make_window()
    panel = window.unlock_panel
    page = panel.unlock
    qtbot.keyClicks(page.passphrase, WRONG)
    submit_with(qtbot, how, page.passphrase, page.unlock_button)

    assert panel.tasks.busy  # the check is running: its answer waits for the event loop
    assert page.passphrase.text() == ""
    assert page.message.isVisible() and page.message.text() == "Checking the passphrase…"
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    assert page.passphrase.text() == PASSPHRASE

    qtbot.waitUntil(lambda: not panel.tasks.busy and page.unlock_button.isEnabled())
    assert "passphrase is not correct" in page.message.text()
    assert window.focusWidget() is page.passphrase
    assert page.passphrase.text() == PASSPHRASE and not page.passphrase.hasSelectedText()  # kept, to go on
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=15_000)
    assert page.passphrase.text() == "" and not page.message.isVisible()


def test_enter_on_a_retype_during_the_check_tries_it_once_the_first_is_refused(
    make_window, canary_store, data_dir, qtbot
):
    window = make_window()
    panel = window.unlock_panel
    page = panel.unlock
    qtbot.keyClicks(page.passphrase, WRONG)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    assert panel.tasks.busy
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)  # while the first is still checked
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=15_000)
    # One wrong passphrase, one failure counted (the tester's fragment made it two).
    assert "1 failed unlock attempt" in window.notices.text.text()


def test_enter_on_an_empty_box_during_the_check_tries_nothing_more(make_window, canary_store, qtbot):
    window = make_window()
    panel = window.unlock_panel
    page = panel.unlock
    qtbot.keyClicks(page.passphrase, WRONG)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)  # nothing typed yet
    qtbot.waitUntil(lambda: not panel.tasks.busy and page.unlock_button.isEnabled())
    qtbot.wait(50)
    assert not panel.tasks.busy and window.workspace is None
    assert "passphrase is not correct" in page.message.text()


def test_typing_while_the_store_is_created_is_refused_and_a_refusal_selects_the_passphrase(
    make_window, qtbot, data_dir
):
    window = make_window()
    panel = window.unlock_panel
    panel.welcome.create_button.click()
    page = panel.create_page
    qtbot.keyClicks(page.passphrase, "short")
    qtbot.keyClicks(page.confirm, "short")
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)

    assert panel.tasks.busy
    qtbot.keyClicks(page.confirm, " and more")
    assert page.confirm.text() == "short"
    assert page.passphrase.isReadOnly() and page.confirm.isReadOnly()
    assert page.message.text() == "Creating the store…"

    qtbot.waitUntil(lambda: not panel.tasks.busy and page.create_button.isEnabled())
    assert "at least 10 characters" in page.message.text()
    assert not page.passphrase.isReadOnly() and not page.confirm.isReadOnly()
    assert window.focusWidget() is page.passphrase
    assert page.passphrase.selectedText() == "short"
    assert not DataFolder(data_dir).has_store()


def test_typing_while_the_recovery_code_is_checked_is_refused_and_a_wrong_code_is_selected(
    make_window, qtbot, data_dir, clock
):
    ws, _code = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF)
    ws.lock()
    window = make_window()
    panel = window.unlock_panel
    panel.unlock.forgot_button.click()
    page = panel.recover
    wrong_code = "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"
    qtbot.keyClicks(page.code, wrong_code)
    qtbot.keyClicks(page.passphrase, "a brand new passphrase")
    qtbot.keyClicks(page.confirm, "a brand new passphrase")
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)

    assert panel.tasks.busy
    qtbot.keyClicks(page.confirm, "x")
    assert page.confirm.text() == "a brand new passphrase"
    assert all(f.isReadOnly() for f in (page.code, page.passphrase, page.confirm))
    assert page.message.text() == "Checking the recovery code…"

    qtbot.waitUntil(lambda: not panel.tasks.busy and page.recover_button.isEnabled())
    assert "recovery code is not correct" in page.message.text()
    assert not any(f.isReadOnly() for f in (page.code, page.passphrase, page.confirm))
    assert window.focusWidget() is page.code
    assert page.code.selectedText() == wrong_code


def test_passphrases_entered_ahead_are_tried_in_turn_each_whole(make_window, canary_store, qtbot):
    # A second tester typed wrong1 Enter wrong2 Enter, then the right one and Enter, quickly:
    # the right one was typed onto "wrong2" in the box and refused with it.
    window = make_window()
    panel = window.unlock_panel
    page = panel.unlock
    for typed in ("wrong passphrase one", "wrong passphrase two", PASSPHRASE):
        qtbot.keyClicks(page.passphrase, typed)
        qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)  # the first starts a check; the rest queue
        assert page.passphrase.text() == ""
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=15_000)
    assert "2 failed unlock attempts" in window.notices.text.text()  # the two wrong ones, no fragment
