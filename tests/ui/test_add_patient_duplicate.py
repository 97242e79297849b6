"""Add patient asks before a second chart for one person (domain.same_person, asked in
services.patients.add_patient): a fresh keyboard-only tester added "Kim, Bo" born 01/01/1950
twice (MRN-1004, MRN-1005) and nothing was said. Go back is the default; a letter typed on
answers nothing; Add anyway saves. Each answer is read back from the store."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from caredesk.services.patients import patient_list
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.message_box import MessageBox

QUESTION = (
    "A patient with the same name and birth date is already in your panel: Kim, Bo (MRN MRN-1004, born "
    "01/01/1950). Add this patient anyway?"
)


def _add_kim(window, mrn: str) -> AddPatientDialog:
    dialog = window.view.show_page(PatientsPage).add_patient()
    for name, text in {"mrn": mrn, "given": "Bo", "family": "Kim", "birth": "01/01/1950"}.items():
        getattr(dialog, name).setText(text)
    return dialog


def _kims(window) -> list[str]:
    return sorted(p.mrn for p in patient_list(window.workspace) if p.display_name.startswith("Kim,"))


def _answer(qtbot, keys: list[tuple[Qt.Key, Qt.KeyboardModifier]], seen: list[str]) -> None:
    """When the question is up: note its text and default, type 'a' (no answer), read it, then
    press `keys`."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, MessageBox):
            seen.append(f"no question: {box!r}")
            return
        seen.append(box.text())
        seen.append(box.defaultButton().text())
        qtbot.keyClicks(box, "a")  # the "A" of Add anyway typed alone: not an answer
        seen.append("still asking" if box.isVisible() else "answered by a letter")
        if any(key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) for key, _ in keys):
            qtbot.wait(int(MessageBox.GUARD_S * 1000) + 100)  # read first: Enter answers only after GUARD_S
        else:  # a mnemonic needs the question to be the active window, as it is for a person
            qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=2_000)
        for key, modifier in keys:
            qtbot.keyClick(box, key, modifier)
        try:
            qtbot.waitUntil(lambda: not box.isVisible(), timeout=2_000)  # a mnemonic's click is animated
        except Exception:  # never left hanging: the test fails on `seen` instead
            seen.append("not answered by the keys")
            box.reject()

    QTimer.singleShot(50, answer)


def test_enter_goes_back_and_saves_nothing(unlocked, qtbot):
    first = _add_kim(unlocked, "MRN-1004")
    first.save_button.click()
    assert first.result() == QDialog.DialogCode.Accepted  # the first Kim, Bo: nothing to ask
    dialog = _add_kim(unlocked, "MRN-1005")
    qtbot.waitExposed(dialog)
    seen: list[str] = []
    _answer(qtbot, [(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)], seen)
    dialog.save_button.click()
    assert seen == [QUESTION, "&Go back", "still asking"]
    assert dialog.isVisible() and dialog.saved is None
    assert _kims(unlocked) == ["MRN-1004"]
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.family)  # back at the names


def test_add_anyway_saves_the_second_chart(unlocked, qtbot):
    _add_kim(unlocked, "MRN-1004").save_button.click()
    dialog = _add_kim(unlocked, "MRN-1005")
    seen: list[str] = []
    _answer(qtbot, [(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)], seen)
    dialog.save_button.click()
    assert seen == [QUESTION, "&Go back", "still asking"]
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved is not None
    assert _kims(unlocked) == ["MRN-1004", "MRN-1005"]


def test_esc_goes_back_too(unlocked, qtbot):
    _add_kim(unlocked, "MRN-1004").save_button.click()
    dialog = _add_kim(unlocked, "MRN-1005")
    seen: list[str] = []
    _answer(qtbot, [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)], seen)
    dialog.save_button.click()
    assert dialog.isVisible() and _kims(unlocked) == ["MRN-1004"]


def test_the_question_has_its_buttons_named(unlocked, qtbot):
    _add_kim(unlocked, "MRN-1004").save_button.click()
    dialog = _add_kim(unlocked, "MRN-1005")
    names: list[str] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        names.extend(sorted(b.accessibleName() for b in box.buttons()))
        names.append(box.accessibleName())
        box.defaultButton().click()

    QTimer.singleShot(50, look)
    dialog.save_button.click()
    assert names == ["Add anyway", "Go back", "Possible duplicate patient"]
