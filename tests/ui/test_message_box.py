"""Questions take no answer from a letter typed without Alt (ui/common/message_box.py).

A fresh tester pressed Ctrl+L with a call unsaved and went on typing the passphrase: the
Unsaved call question came up, and the "d" of the passphrase pressed Discard call (QMessageBox
presses a button for its mnemonic letter alone)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from caredesk.ui.common.message_box import MessageBox, ask
from caredesk.ui.queue.unsaved_call import LOCK, CallChoice, unsaved_call_box

ALT = Qt.KeyboardModifier.AltModifier


def _shown(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    return parent


def test_letters_typed_into_the_unsaved_call_question_press_nothing(qtbot):
    parent = _shown(qtbot)
    box, choices = unsaved_call_box(parent, "Test Patient", LOCK)
    clicked: list[CallChoice] = []
    box.buttonClicked.connect(lambda b: clicked.append(choices[b]))
    box.open()
    qtbot.waitExposed(box)
    qtbot.keyClicks(box, "dks correct horse")  # Discard, Keep, Save: each a button's letter
    qtbot.wait(50)  # a mnemonic's click is animated: it would land by now
    assert clicked == [] and box.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_K, ALT)  # Alt+letter still answers
    qtbot.waitUntil(lambda: clicked == [CallChoice.DRAFT])


def test_space_and_an_enter_typed_ahead_press_nothing_then_enter_keeps_a_draft(qtbot):
    # A second tester went on typing a note after Ctrl+L: the Space pressed the focused default,
    # then Save call, and the app locked with half a note saved. A third moved with k and pressed
    # Enter to open the patient: the call was saved "reached, 0 min". The default is Keep as draft.
    parent = _shown(qtbot)
    box, choices = unsaved_call_box(parent, "Test Patient", LOCK)
    clicked: list[CallChoice] = []
    box.buttonClicked.connect(lambda b: clicked.append(choices[b]))
    box.open()
    qtbot.waitExposed(box)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box.defaultButton())
    focused = QApplication.focusWidget()
    qtbot.keyClicks(focused, " ok and more ")
    qtbot.keyClick(focused, Qt.Key.Key_Return)  # within GUARD_S of the question: typed ahead
    qtbot.wait(50)
    assert clicked == [] and box.isVisible()
    qtbot.wait(int(MessageBox.GUARD_S * 1000))  # read
    qtbot.keyClick(focused, Qt.Key.Key_Space)
    qtbot.wait(50)
    assert clicked == []
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: clicked == [CallChoice.DRAFT])


def test_the_unsaved_call_question_defaults_to_keep_as_draft_and_escape_cancels(qtbot):
    parent = _shown(qtbot)
    box, choices = unsaved_call_box(parent, "Test Patient", LOCK)
    assert choices[box.defaultButton()] is CallChoice.DRAFT
    assert choices[box.escapeButton()] is CallChoice.CANCEL
    clicked: list[CallChoice] = []
    box.buttonClicked.connect(lambda b: clicked.append(choices[b]))
    box.open()
    qtbot.waitExposed(box)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: clicked == [CallChoice.CANCEL])


def test_a_yes_no_question_takes_no_y_and_enter_is_its_default(qtbot):
    parent = _shown(qtbot)
    typed: list[str] = []

    def type_then_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        qtbot.keyClicks(box, "yes")
        typed.append("y" if box.isVisible() else "answered")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(int(MessageBox.GUARD_S * 1000) + 100, type_then_enter)
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = ask(parent, "Remove a reading", "Remove it?", buttons, QMessageBox.StandardButton.No)
    assert typed == ["y"]  # still asking after "yes" was typed
    assert answer == QMessageBox.StandardButton.No
