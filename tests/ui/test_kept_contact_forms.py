"""What is typed in the chart's Contacts & minutes forms survives a lock (SPEC §5).

Log contact…, Log other time…, Correct… and Void… were closed by an idle lock, Ctrl+L or
quitting, and what was typed was dropped without a word. Now the lock keeps it in the store as a
draft of its own (never the patient's call draft), the form is deleted, and after the unlock the
chart's tab says so and Resume opens the form filled as it was left. Esc in Log contact… after
typing asks first, as Add patient does.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QMessageBox, QPlainTextEdit

from caredesk.domain.call_draft import CallDraft
from caredesk.domain.contacts import Outcome
from caredesk.services import call_drafts, contact_corrections, contact_form_drafts
from caredesk.services.calls import log_contact
from caredesk.services.changes import Changes, Kind
from caredesk.services.patients import open_chart
from caredesk.ui.chart.contact_forms import CorrectionForm, VoidForm
from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.log_contact_dialog import LogContactDialog
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.hub import publish
from caredesk.ui.common.time_dialog import LogTimeDialog
from tests.conftest import NOW
from tests.ui.conftest import unlock_with
from tests.ui.test_call_drafts import answer_call_question
from tests.ui.test_chart_log_contact import _key, _open_dialog, _stored, _type

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NOTE = "Qzx called back about her inhaler"


def _contacts_tab(window, qtbot, pid: int) -> ContactsTab:
    patients = window.view.show_page(PatientsPage)
    qtbot.waitUntil(lambda: patients.model.row_of(pid) is not None)
    patients.select_patient(pid)
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid)
    tab = patients.chart.tab(ContactsTab)
    patients.chart.show_tab(tab)
    qtbot.waitUntil(lambda: tab.chart is not None and not tab._stale)
    return tab


def _type_a_contact(qtbot) -> None:
    """Alt+R, the note, 14 minutes: keys only, in the open Log contact."""
    _key(qtbot, Qt.Key.Key_R, ALT)
    _key(qtbot, Qt.Key.Key_O, ALT)
    _type(qtbot, NOTE)
    _key(qtbot, Qt.Key.Key_M, ALT)
    _key(qtbot, Qt.Key.Key_A, CTRL)
    _type(qtbot, "14")


def _idle_lock(window, qtbot) -> None:
    """The real idle path: the inactivity timer runs out with nobody typing."""
    window.set_idle_interval_ms(40)
    qtbot.waitUntil(lambda: window.workspace is None, timeout=5000)
    window.set_idle_interval_ms(10 * 60_000)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _nothing_typed_left(window, qtbot, text: str) -> None:
    """The form is gone and no widget holds what was typed (the lock clears patient data)."""
    qtbot.waitUntil(lambda: not window.findChildren(LogContactDialog) and not window.findChildren(LogTimeDialog))
    for w in QApplication.allWidgets():
        shown = w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text() if isinstance(w, QLineEdit) else ""
        assert text not in shown


def test_idle_lock_keeps_a_typed_contact_and_the_chart_offers_it_back(
    unlocked, canary_store, qtbot, data_dir, settings_path
):
    window, pid = unlocked, canary_store["canary"]
    window.activateWindow()
    patients, _dialog = _open_dialog(window, qtbot, pid)
    _type_a_contact(qtbot)
    before = _stored(window, pid)[:2]

    _idle_lock(window, qtbot)
    _nothing_typed_left(window, qtbot, NOTE)
    # Kept in the encrypted store, not in settings or any other file in the clear.
    assert not settings_path.exists() or NOTE.encode() not in settings_path.read_bytes()
    for f in data_dir.rglob("*"):
        assert not f.is_file() or NOTE.encode() not in f.read_bytes(), f

    unlock_with(qtbot, window)
    # Back where the lock found it: the patient's chart on its Contacts & minutes tab, which says so.
    assert window.view.stack.currentWidget() is patients and patients.chart.patient_id == pid
    tab = patients.chart.tab(ContactsTab)
    assert patients.chart.tabs.currentWidget() is tab
    qtbot.waitUntil(tab.kept.isVisible)
    assert tab.kept.text.text() == "Unsaved contact, kept at 10:30 AM when CareDesk locked."
    assert _stored(window, pid)[:2] == before  # nothing logged by the lock

    window.activateWindow()
    tab.log_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.log_button)
    _key(qtbot, Qt.Key.Key_S, ALT)  # Re&sume…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), LogContactDialog))
    again = QApplication.activeModalWidget()
    assert again.form.note.toPlainText() == NOTE
    assert again.form.outcome() is Outcome.REACHED and again.form.minutes.value() == 14
    assert again.message.text().startswith("Kept at 10:30 AM when CareDesk locked")
    qtbot.waitUntil(lambda: again.isActiveWindow() and again.isAncestorOf(QApplication.focusWidget() or again))
    _key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not again.isVisible())
    (new,) = [c for c in _stored(window, pid)[0] if c not in before[0]]
    assert new.note == NOTE and new.outcome is Outcome.REACHED
    assert contact_form_drafts.kept(window.workspace, pid) == []
    assert not tab.kept.isVisible()


def test_a_kept_contact_leaves_the_patient_s_call_draft_as_it_was(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    call_drafts.save(window.workspace, CallDraft(patient_id=pid, updated_at=NOW, note="The call being worked"))
    window.activateWindow()
    _open_dialog(window, qtbot, pid)
    _type_a_contact(qtbot)
    _idle_lock(window, qtbot)
    unlock_with(qtbot, window)
    assert call_drafts.load(window.workspace, pid).note == "The call being worked"
    (kept,) = contact_form_drafts.kept(window.workspace, pid)
    assert kept.fields["Note"] == NOTE and kept.fields["Minutes"] == 14


def test_esc_after_typing_in_log_contact_asks_and_go_back_keeps_it(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    window.activateWindow()
    _patients, dialog = _open_dialog(window, qtbot, pid)
    _key(qtbot, Qt.Key.Key_Escape)  # untouched: closes at once, nothing asked
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)

    before = _stored(window, pid)[:2]
    _patients, dialog = _open_dialog(window, qtbot, pid)
    _type_a_contact(qtbot)
    seen = answer_call_question(qtbot, Qt.Key.Key_Escape)  # Go back
    _key(qtbot, Qt.Key.Key_Escape)
    assert seen == ["Discard the contact? What you typed is not logged."]
    assert dialog.isVisible() and dialog.form.note.toPlainText() == NOTE

    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    answer_call_question(qtbot, Qt.Key.Key_D, ALT)  # &Discard
    next(b for b in dialog.findChildren(QAbstractButton) if b.accessibleName() == "Cancel").click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(window, pid)[:2] == before
    assert contact_form_drafts.kept(window.workspace, pid) == []


def test_every_field_of_log_contact_has_its_own_alt_key(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    window.activateWindow()
    _patients, dialog = _open_dialog(window, qtbot, pid)
    keys = [
        text[text.index("&") + 1].lower()
        for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
        if "&" in (text := w.text().replace("&&", "")) and w.isVisible()
    ]
    assert len(keys) == len(set(keys)), keys
    fields = {
        Qt.Key.Key_A: dialog.day,
        Qt.Key.Key_T: dialog.time,
        Qt.Key.Key_O: dialog.form.note,
        Qt.Key.Key_M: dialog.form.minutes,
        Qt.Key.Key_G: dialog.form.program,
        Qt.Key.Key_U: dialog.form.follow_up_check,
    }
    for key, field in fields.items():
        _key(qtbot, key, ALT)
        focus = QApplication.focusWidget()
        assert focus is field or field.isAncestorOf(focus), (key, focus)
    for outcome, choice in dialog.form.outcome_buttons.items():  # picked where the cursor is, as in the panel
        _key(qtbot, Qt.Key(ord(outcome.value[0].upper())), ALT)
        assert choice.isChecked(), outcome
    dialog.reject()


def test_quit_keeps_a_typed_contact_and_it_comes_back_after_a_restart(make_window, canary_store, qtbot):
    pid = canary_store["canary"]
    window = make_window()
    unlock_with(qtbot, window)
    window.activateWindow()
    _open_dialog(window, qtbot, pid)
    _type_a_contact(qtbot)
    window.close()
    assert not window.isVisible() and window.workspace is None

    again = make_window()
    unlock_with(qtbot, again)
    # Said at once after the unlock, wherever the day starts (today's queue).
    name = open_chart(again.workspace, pid, audit_view=False).patient.display_name
    assert again.statusBar().currentMessage() == (
        f"Unsaved form kept for {name}: Resume in the patient's Contacts & minutes tab."
    )
    tab = _contacts_tab(again, qtbot, pid)
    assert tab.kept.text.text() == "Unsaved contact, kept at 10:30 AM when CareDesk locked."
    form = tab.kept.resume()
    assert isinstance(form, LogContactDialog) and form.form.note.toPlainText() == NOTE
    form.reject()  # closed by the window's X: the draft stays, offered again
    qtbot.waitUntil(tab.kept.isVisible)
    tab.kept.discard_button.click()  # gone from the store, and from the window's line
    assert not tab.kept.isVisible() and contact_form_drafts.kept(again.workspace, pid) == []
    assert again.statusBar().currentMessage() == ""


def test_ctrl_l_keeps_a_typed_correction_and_a_typed_void_for_their_rows(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    ws = window.workspace
    log_contact(ws, pid, outcome="reached", minutes=45, on=date(2026, 11, 3), note="November call")
    log_contact(ws, pid, outcome="voicemail", minutes=0, on=date(2026, 11, 2))
    publish(Changes.of([pid], Kind.CONTACT, Kind.TIME))
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.select_record(f"contact:{tab.rows[0].record_id}")  # newest first: the 11/03 call
    form = tab.correct_selected()
    form.minutes.setValue(30)
    form.reason.setCurrentText("Wrong minutes typed")
    window.lock()  # Ctrl+L (no call being worked: nothing to ask)
    assert window.workspace is None

    unlock_with(qtbot, window)
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.kept.text.text() == "Unsaved correction, kept at 10:30 AM when CareDesk locked."
    form = tab.kept.resume()
    assert isinstance(form, CorrectionForm) and form.row.on == date(2026, 11, 3)
    assert form.minutes.value() == 30 and form.reason.currentText() == "Wrong minutes typed"
    form.accept()
    assert form.saved is not None and contact_form_drafts.kept(window.workspace, pid) == []

    voicemail = next(r for r in tab.rows if r.on == date(2026, 11, 2))
    assert tab.select_record(f"contact:{voicemail.record_id}")
    form = tab.void_selected()
    form.reason.setCurrentText("Logged on the wrong patient")
    window.lock()
    unlock_with(qtbot, window)
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.kept.text.text() == "Unsaved void, kept at 10:30 AM when CareDesk locked."
    form = tab.kept.resume()
    assert isinstance(form, VoidForm) and form.row.on == date(2026, 11, 2)
    assert form.reason.currentText() == "Logged on the wrong patient"
    form.accept()
    assert next(r for r in tab.rows if r.on == date(2026, 11, 2)).voided is not None


def test_idle_lock_keeps_typed_other_time(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    tab = _contacts_tab(window, qtbot, pid)
    dialog = tab.log_other_time()
    dialog.minutes.setValue(25)
    dialog.note.setText("Qzx faxed the plan to cardiology")
    _idle_lock(window, qtbot)
    _nothing_typed_left(window, qtbot, "Qzx faxed the plan")

    unlock_with(qtbot, window)
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.kept.text.text() == "Unsaved time entry, kept at 10:30 AM when CareDesk locked."
    form = tab.kept.resume()
    assert isinstance(form, LogTimeDialog)
    assert form.minutes.value() == 25 and form.note.text() == "Qzx faxed the plan to cardiology"
    form.reject()


def test_a_kept_correction_whose_entry_was_voided_since_says_so_and_is_dropped(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    logged = log_contact(window.workspace, pid, outcome="reached", minutes=45, on=date(2026, 11, 3))
    publish(Changes.of([pid], Kind.CONTACT, Kind.TIME))
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.select_record(f"contact:{logged.contact.id}")
    form = tab.correct_selected()
    form.reason.setCurrentText("Wrong minutes typed")
    window.lock()
    unlock_with(qtbot, window)
    voided = contact_corrections.void_contact(window.workspace, logged.contact.id, reason="Duplicate entry")
    publish(voided.changes)  # voided from elsewhere (the CLI, another form) meanwhile
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.kept.isVisible()
    assert tab.kept.resume() is None
    assert tab.message.text() == (
        "The unsaved correction was for an entry that is voided or gone now; it was discarded."
    )
    assert contact_form_drafts.kept(window.workspace, pid) == [] and not tab.kept.isVisible()


def test_a_second_contact_kept_never_replaces_the_first(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    tab = _contacts_tab(window, qtbot, pid)
    tab.log_contact().form.note.setPlainText("First call back")
    window.lock()
    unlock_with(qtbot, window)
    tab = _contacts_tab(window, qtbot, pid)
    tab.log_contact().form.note.setPlainText("Second call back")  # a new form, not the first resumed
    window.lock()
    unlock_with(qtbot, window)
    tab = _contacts_tab(window, qtbot, pid)
    assert [d.fields["Note"] for d in contact_form_drafts.kept(window.workspace, pid)] == [
        "First call back",
        "Second call back",
    ]
    assert tab.kept.text.text() == "Unsaved contact, kept at 10:30 AM when CareDesk locked. 1 more kept."
    form = tab.kept.resume()
    assert form.form.note.toPlainText() == "First call back"
    form.reject()


def test_idle_lock_while_the_discard_question_is_up_keeps_the_contact(unlocked, canary_store, qtbot):
    """Esc asked 'Discard the contact?' and nobody answered: the idle lock closes the question and
    the form, and what was typed is kept, not discarded."""
    window, pid = unlocked, canary_store["canary"]
    window.activateWindow()
    _open_dialog(window, qtbot, pid)
    _type_a_contact(qtbot)
    window.set_idle_interval_ms(300)  # runs out while the question waits for an answer
    _key(qtbot, Qt.Key.Key_Escape)  # returns once the lock has closed the question
    qtbot.waitUntil(lambda: window.workspace is None, timeout=5000)
    window.set_idle_interval_ms(10 * 60_000)
    _nothing_typed_left(window, qtbot, NOTE)
    unlock_with(qtbot, window)
    (kept,) = contact_form_drafts.kept(window.workspace, pid)
    assert kept.fields["Note"] == NOTE and kept.fields["Outcome reached"] is True


def test_the_other_contact_forms_ask_too_before_esc_drops_what_was_typed(unlocked, canary_store, qtbot):
    window, pid = unlocked, canary_store["canary"]
    logged = log_contact(window.workspace, pid, outcome="reached", minutes=45, on=date(2026, 11, 3))
    publish(Changes.of([pid], Kind.CONTACT, Kind.TIME))
    tab = _contacts_tab(window, qtbot, pid)
    assert tab.select_record(f"contact:{logged.contact.id}")
    asked = {}
    for title, form in (
        ("Discard the reason?", tab.void_selected()),
        ("Discard the correction?", tab.correct_selected()),
        ("Discard the time entry?", tab.log_other_time()),
    ):
        form.activateWindow()
        qtbot.waitUntil(form.isActiveWindow)
        form.findChildren(QLineEdit)[-1].setText("Qzx typed")  # the reason, the MRN, the note
        seen = answer_call_question(qtbot, Qt.Key.Key_Escape)  # Go back
        QTest.keyClick(form, Qt.Key.Key_Escape)
        assert form.isVisible(), title
        answer_call_question(qtbot, Qt.Key.Key_D, ALT)  # &Discard
        QTest.keyClick(form, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda form=form: not form.isVisible())
        asked[title] = seen
    assert [seen[0] for seen in asked.values()] == [
        "Close without voiding? The reason you typed is not saved.",
        "Discard the correction? What you typed is not saved.",
        "Discard the time entry? What you typed is not logged.",
    ]
    assert contact_form_drafts.kept(window.workspace, pid) == []
