"""What is typed in Add patient survives a lock (SPEC §5).

A fresh tester typed an MRN, names and a phone into Ctrl+N's form, left the laptop, and the idle
lock threw it all away without a word (Esc in the same form asks first). Now the lock keeps it in
the store as a new patient draft, the form is deleted, and after the unlock the Patients page
says so ("Unsaved new patient, kept at 10:30 AM when CareDesk locked.") with Resume… and Discard.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QPlainTextEdit

from caredesk.services import new_patient_drafts
from caredesk.services.patients import open_chart, patient_list
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patients_page import PatientsPage
from tests.ui.conftest import unlock_with

CTRL = Qt.KeyboardModifier.ControlModifier
MRN, GIVEN, FAMILY, PHONE, PHONE2 = "QZX-7710", "Zoe", "Qzxnewpatient", "5550106060", "(555) 010-7070"


def _ctrl_n(window, qtbot) -> AddPatientDialog:
    """Ctrl+N from today's queue, as the tester did; the form opens over Patients."""
    window.activateWindow()
    from caredesk.ui.queue.page import QueuePage

    queue = window.view.show_page(QueuePage)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(AddPatientDialog)), timeout=15_000)
    (dialog,) = [d for d in window.findChildren(AddPatientDialog) if d.isVisible()]
    return dialog


def _type_a_new_patient(dialog: AddPatientDialog, qtbot) -> None:
    """MRN, names, two phones: typed, half a form (no birth date yet)."""
    qtbot.keyClicks(dialog.mrn, MRN)
    qtbot.keyClicks(dialog.given, GIVEN)
    qtbot.keyClicks(dialog.family, FAMILY)
    qtbot.keyClicks(dialog.phone, PHONE)
    dialog.patient_fields.phones.more.click()
    qtbot.keyClicks(dialog.patient_fields.phones.rows[1][0], PHONE2)


def _idle_lock(window, qtbot) -> None:
    """The real idle path: the inactivity timer runs out with nobody typing."""
    window.set_idle_interval_ms(40)
    qtbot.waitUntil(lambda: window.workspace is None, timeout=15_000)
    window.set_idle_interval_ms(10 * 60_000)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _nothing_typed_left(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.findChildren(AddPatientDialog))
    for w in QApplication.allWidgets():
        shown = w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text() if isinstance(w, QLineEdit) else ""
        assert FAMILY not in shown and MRN not in shown


def test_idle_lock_keeps_a_half_typed_new_patient_and_patients_offers_it_back(
    unlocked, canary_store, qtbot, data_dir, settings_path
):
    window = unlocked
    dialog = _ctrl_n(window, qtbot)
    _type_a_new_patient(dialog, qtbot)

    _idle_lock(window, qtbot)
    _nothing_typed_left(window, qtbot)
    # Kept in the encrypted store, not in settings or any other file in the clear.
    assert not settings_path.exists() or FAMILY.encode() not in settings_path.read_bytes()
    for f in data_dir.rglob("*"):
        assert not f.is_file() or FAMILY.encode() not in f.read_bytes(), f

    unlock_with(qtbot, window)
    page = window.view.page(PatientsPage)
    assert window.view.stack.currentWidget() is page  # back where the lock found it
    bar = page.kept_new
    qtbot.waitUntil(bar.isVisible)
    assert bar.text.text() == "Unsaved new patient, kept at 10:30 AM when CareDesk locked."
    assert FAMILY not in window.statusBar().currentMessage()  # named nowhere but in the form
    assert "Unsaved new patient kept (Patients page)." in window.statusBar().currentMessage()
    assert MRN not in [p.mrn for p in patient_list(window.workspace)]  # nothing added by the lock

    again = bar.resume()
    qtbot.waitUntil(again.isVisible)
    assert not bar.isVisible()
    assert (again.mrn.text(), again.given.text(), again.family.text()) == (MRN, GIVEN, FAMILY)
    assert again.phone.text() == PHONE and again.patient_fields.phones.rows[1][0].text() == PHONE2
    assert again.message.text().startswith("Kept at 10:30 AM when CareDesk locked")
    qtbot.keyClicks(again.birth, "03/04/1948")
    again.save_button.click()
    assert again.result() == QDialog.DialogCode.Accepted
    chart = open_chart(window.workspace, again.saved.id)
    assert chart.patient.mrn == MRN and len(chart.patient.phones) == 2
    assert new_patient_drafts.kept(window.workspace) == []
    assert not bar.isVisible()


def test_ctrl_l_keeps_it_too_and_discard_drops_it(unlocked, canary_store, qtbot):
    window = unlocked
    dialog = _ctrl_n(window, qtbot)
    _type_a_new_patient(dialog, qtbot)
    # Ctrl+L typed in the form, as a tester did (no unsaved call to ask about): the main window's
    # own Ctrl+L is blocked by the modal form (caredesk.ui.shell.lock_key_in_dialogs).
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: window.workspace is None, timeout=15_000)
    _nothing_typed_left(window, qtbot)
    unlock_with(qtbot, window)
    bar = window.view.page(PatientsPage).kept_new
    qtbot.waitUntil(bar.isVisible)
    assert "Unsaved new patient kept" in window.statusBar().currentMessage()
    bar.discard_button.click()
    assert not bar.isVisible()
    assert "Unsaved new patient" not in window.statusBar().currentMessage()
    assert new_patient_drafts.kept(window.workspace) == []


def test_an_untouched_add_patient_keeps_nothing(unlocked, canary_store, qtbot):
    window = unlocked
    _ctrl_n(window, qtbot)
    _idle_lock(window, qtbot)
    unlock_with(qtbot, window)
    assert new_patient_drafts.kept(window.workspace) == []
    assert not window.view.page(PatientsPage).kept_new.isVisible()


def test_a_resumed_new_patient_locked_again_is_kept_once(unlocked, canary_store, qtbot):
    window = unlocked
    _type_a_new_patient(_ctrl_n(window, qtbot), qtbot)
    _idle_lock(window, qtbot)
    unlock_with(qtbot, window)
    page = window.view.page(PatientsPage)
    qtbot.waitUntil(page.kept_new.isVisible)
    again = page.kept_new.resume()
    qtbot.waitUntil(again.isVisible)
    qtbot.keyClicks(again.birth, "03/04/1948")
    _idle_lock(window, qtbot)
    unlock_with(qtbot, window)
    (kept,) = new_patient_drafts.kept(window.workspace)
    assert kept.fields["MRN"] == MRN and kept.fields["Date of birth"] == "03/04/1948"


def test_the_line_s_alt_keys_are_its_own_beside_every_chart_tab(unlocked, canary_store, qtbot):
    from tests.ui.test_mnemonics import _every_tab, clashes, keyless

    window = unlocked
    _type_a_new_patient(_ctrl_n(window, qtbot), qtbot)
    window.lock()
    unlock_with(qtbot, window)
    page = window.view.show_page(PatientsPage)
    qtbot.waitUntil(page.kept_new.isVisible)
    assert page.select_patient(canary_store["canary"])
    for tab in _every_tab(page.chart.tabs):
        assert clashes(window) == {}, tab
        own = {page.kept_new.resume_button.text(), page.kept_new.discard_button.text()}
        assert not own & set(keyless(window)), tab  # (other buttons' keys are test_mnemonics')


def test_quit_keeps_it_and_it_is_offered_after_a_restart(make_window, canary_store, qtbot):
    window = make_window()
    unlock_with(qtbot, window)
    _type_a_new_patient(_ctrl_n(window, qtbot), qtbot)
    window.close()
    assert not window.isVisible() and window.workspace is None

    again = make_window()
    unlock_with(qtbot, again)
    assert again.statusBar().currentMessage() == "Unsaved new patient kept (Patients page)."
    bar = again.view.show_page(PatientsPage).kept_new
    qtbot.waitUntil(bar.isVisible)
    form = bar.resume()
    assert form.family.text() == FAMILY
    form.reject()  # the window's X: the draft stays, offered again
    qtbot.waitUntil(bar.isVisible)
    assert len(new_patient_drafts.kept(again.workspace)) == 1


def test_idle_lock_while_the_discard_question_is_up_keeps_the_new_patient(unlocked, canary_store, qtbot):
    """Esc asked 'Discard the new patient?' and nobody answered: the idle lock closes the question
    and the form, and what was typed is kept, not discarded."""
    window = unlocked
    dialog = _ctrl_n(window, qtbot)
    _type_a_new_patient(dialog, qtbot)
    window.set_idle_interval_ms(300)  # runs out while the question waits for an answer
    qtbot.keyClick(dialog.mrn, Qt.Key.Key_Escape)  # returns once the lock has closed the question
    qtbot.waitUntil(lambda: window.workspace is None, timeout=15_000)
    window.set_idle_interval_ms(10 * 60_000)
    _nothing_typed_left(window, qtbot)
    unlock_with(qtbot, window)
    (kept,) = new_patient_drafts.kept(window.workspace)
    assert kept.fields["Family name"] == FAMILY and kept.fields["Phone 2"] == PHONE2
