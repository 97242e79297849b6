"""Phones typed in the app's forms (Add patient, the Record tab's Edit details) are checked as
the CLI and the imports check them (domain.phone_entry), through the real widgets.

A tester's find: 555-0142, a 7-digit local number, was saved with no area code. A North
American (NANP) number has 10 digits (3 of area code, 7 of local number); libphonenumber's US
metadata reads 7 digits as IS_POSSIBLE_LOCAL_ONLY. Area code 555 is NANPA's unassigned one,
the fiction these tests use. Rows stored before the rule keep showing as they are, and an edit
asks about a number or type only when it is changed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from caredesk.domain.patients import Phone
from caredesk.services import patient_records, practice
from caredesk.services.patients import patient_list
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_dialogs import EditPatientDialog
from tests.ui.test_record_tab import _open, _record, _save, _stored, _type

# Stored before the rule: a local number of a type of its own, and a relative's number.
LEGACY = (Phone(number="555-0142", kind="cell"), Phone(number="(555) 010-4477", kind="daughter"))


def test_add_patient_refuses_a_number_without_its_area_code_and_saves_nothing(unlocked, qtbot):
    page = unlocked.view.show_page(PatientsPage)
    before = sorted(p.mrn for p in patient_list(unlocked.workspace))
    dialog = page.add_patient()
    qtbot.waitExposed(dialog)
    for field, text in (
        (dialog.mrn, "NEW0001"),
        (dialog.given, "Bo"),
        (dialog.family, "Lind"),
        (dialog.birth, "03/04/1948"),
    ):
        field.setText(text)
    number, kind = dialog.patient_fields.phones.rows[0]
    assert [kind.itemText(i) for i in range(kind.count())] == ["mobile", "home", "work", "caregiver"]
    qtbot.keyClicks(number, "555-0142")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.message.text() == "Phone: 555-0142 has no area code; type all 10 digits."
    qtbot.waitUntil(number.hasFocus)
    assert number.selectedText() == "555-0142"
    assert sorted(p.mrn for p in patient_list(unlocked.workspace)) == before
    number.setText("(123) 010-0142")  # no NANP area code starts with 1
    dialog.save_button.click()
    assert dialog.message.text() == "Phone: (123) 010-0142 is not a number in use: no such area code or exchange."
    number.setText("(555) 010-0142")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert dialog.saved is not None and dialog.saved.phones == (Phone(number="(555) 010-0142", kind="mobile"),)


def test_edit_keeps_stored_rows_as_they_are_and_checks_what_is_changed(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    patient_records.edit_patient(unlocked.workspace, pid, phones=LEGACY)
    tab = _record(unlocked, pid)
    assert tab.values["Phones"].text() == "555-0142 (cell) · (555) 010-4477 (daughter)"  # shown as stored
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    f = dialog.patient_fields
    (first, first_kind), (_, second_kind) = f.phones.rows
    assert (first.text(), first_kind.currentText(), second_kind.currentText()) == ("555-0142", "cell", "daughter")
    _type(qtbot, f.address, "12 Elm St")  # another field: the stored rows are not asked about
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).patient.phones == LEGACY
    assert _stored(unlocked, pid).patient.address == "12 Elm St"

    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    f = dialog.patient_fields
    (first, _), (_, second_kind) = f.phones.rows
    _type(qtbot, first, "555-0199")  # a changed number is a number entered
    _type(qtbot, f.address, "14 Elm St")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text() == "Phone: 555-0199 has no area code; type all 10 digits."
    qtbot.waitUntil(first.hasFocus)
    assert _stored(unlocked, pid).patient.address == "12 Elm St"  # nothing of the refused form saved
    _type(qtbot, first, "(555) 010-0199")
    second_kind.setCurrentText("caregiver")  # the relative's row: its number is kept as stored
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).patient.phones == (
        Phone(number="(555) 010-0199", kind="cell"),  # only the number was changed: its type kept
        Phone(number="(555) 010-4477", kind="caregiver"),
    )


def test_practice_details_refuse_a_line_without_its_area_code_and_save_nothing(unlocked):
    dialog = unlocked.open_practice_details()
    dialog.fields["care_manager_name"].setText("Sam Rivera")
    dialog.fields["after_hours_phone"].setText("555-0142")  # it would print on the patient's copy
    dialog.save()
    assert dialog.isVisible()
    assert dialog.message.text() == "After-hours phone: 555-0142 has no area code; type all 10 digits."
    assert practice.get_profile(unlocked.workspace).is_empty


def test_a_refused_second_phone_gets_the_cursor_in_add_patient(unlocked, qtbot):
    """A tester's find: with phone 2 refused the cursor stayed on phone 1 (the fields a refusal
    can name were read when the form opened, before Another phone added the row), and the
    message read "Phone 2 must have 7 to 15 digits" where 7 digits are then refused."""
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    for field, text in (
        (dialog.mrn, "NEW0001"),
        (dialog.given, "Bo"),
        (dialog.family, "Lind"),
        (dialog.birth, "03/04/1948"),
    ):
        field.setText(text)
    phones = dialog.patient_fields.phones
    qtbot.keyClicks(phones.rows[0][0], "617-555-0150")
    qtbot.mouseClick(phones.more, Qt.MouseButton.LeftButton)
    second = phones.rows[1][0]
    qtbot.keyClicks(second, "12345")
    phones.rows[0][0].setFocus()  # where the tester's cursor was
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Phone 2: 12345 is not a phone number; type all 10 digits."
    qtbot.waitUntil(second.hasFocus)
    assert second.selectedText() == "12345"


def test_a_refused_added_phone_gets_the_cursor_in_edit_details(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    patient_records.edit_patient(unlocked.workspace, pid, phones=(Phone(number="(555) 010-4477", kind="home"),))
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    phones = dialog.patient_fields.phones
    qtbot.mouseClick(phones.more, Qt.MouseButton.LeftButton)
    second = phones.rows[1][0]
    _type(qtbot, second, "abc")
    phones.rows[0][0].setFocus()
    _save(qtbot, dialog)
    assert dialog.message.text() == 'Phone 2: "abc" is not a phone number; type all 10 digits.'
    qtbot.waitUntil(second.hasFocus)
