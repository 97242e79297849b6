"""The chart's Clinical tab through its real widgets, on a store made as `caredesk init` makes it:
conditions by ICD-10-CM code (the description shown before saving, the month's bill following),
allergies with "No known allergies", the care team, and medications with dose changes, stops and
adherence checks; refusals keep the form and store nothing; a lock leaves no patient detail."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QWidget,
)

from caredesk.clock import FixedClock
from caredesk.domain.patients import Adherence
from caredesk.services import clinical
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from caredesk.ui.chart.clinical_tab import ALLERGIES_NOT_ASKED, NO_MEDICATIONS, ClinicalTab
from caredesk.ui.chart.icd10_field import Icd10Field
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.month.page import MonthPage
from tests.conftest import PASSPHRASE
from tests.ui.conftest import CANARY_CONDITION, CANARY_FAMILY, unlock_with
from tests.ui.test_month_page import settle


@pytest.fixture
def window(make_window, canary_store, data_dir, clock: FixedClock, qtbot):
    """The canary (CCM since 2025, two chronic conditions) with 25 minutes this month, unlocked."""
    from caredesk.services.calls import log_contact

    ws = Access(DataFolder(data_dir), clock).unlock(PASSPHRASE)
    try:
        log_contact(ws, canary_store["canary"], outcome="reached", minutes=25, on=date(2026, 11, 10))
    finally:
        ws.lock()
    w = make_window()
    unlock_with(qtbot, w)
    return w


def open_tab(window, patient_id: int, qtbot) -> ClinicalTab:
    page = window.view.show_page(PatientsPage)
    assert page.select_patient(patient_id)
    qtbot.waitUntil(lambda: page.chart.patient_id == patient_id)
    tab = page.chart.tab(ClinicalTab)
    page.chart.show_tab(tab)
    qtbot.waitUntil(lambda: tab.record is not None)
    return tab


def cells(table: QTableWidget, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def answer_box(qtbot, tab: ClinicalTab, yes: bool) -> None:
    box = tab.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: tab.dialog is None)


def month_codes(window, patient_id: int) -> tuple[str, ...]:
    page = window.view.page(MonthPage)
    settle(page)
    (row,) = [r for r in page.model.rows() if r.patient_id == patient_id]
    return tuple(c.code for c in row.result.codes)


def offered(field: Icd10Field) -> list[str]:
    """The codes the completer lists now."""
    return [item.split("  ", 1)[0] for item in field.model.stringList()]


def type_code(qtbot, field: Icd10Field, text: str) -> None:
    field.edit.setFocus()
    # A dialog just opened is not yet the active window: keys sent before it is would reach an
    # unfocused field, and its completer (shown only while the field has the focus) stays hidden.
    qtbot.waitUntil(field.edit.hasFocus)
    qtbot.keyClicks(field.edit, text)
    qtbot.waitUntil(lambda: Icd10Field._ready and not field._timer.isActive(), timeout=15_000)


def test_a_condition_typed_without_its_dot_shows_its_description_and_the_bill_follows(window, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = open_tab(window, pid, qtbot)
    assert cells(tab.conditions, 0) == ["E11.9", "I11.9"] and tab.chronic_count.text() == "2 chronic conditions"
    assert month_codes(window, pid) == ("99490",)

    # Removing one of the two chronic conditions (asked first) stops the month's CCM bill at once.
    tab.conditions.select_id(next(c.id for c in tab.record.conditions if c.icd10 == "E11.9"))
    tab.remove_condition_button.click()
    answer_box(qtbot, tab, yes=False)
    assert len(tab.record.conditions) == 2  # No keeps it
    tab.remove_condition_button.click()
    answer_box(qtbot, tab, yes=True)
    assert cells(tab.conditions, 0) == ["I11.9"] and tab.chronic_count.text() == "1 chronic condition"
    assert month_codes(window, pid) == ()

    # Typed without its dot: the official description shows before saving.
    dialog = tab.add_condition()
    type_code(qtbot, dialog.code, "n1831")
    assert dialog.code.description.text() == "N18.31: Chronic kidney disease, stage 3a"
    assert dialog.chronic.isChecked()
    qtbot.keyClicks(dialog.onset, "03/15/2021")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert cells(tab.conditions, 0) == ["I11.9", "N18.31"]
    assert tab.conditions.current_id() == dialog.saved.id  # the new one is selected
    assert cells(tab.conditions, 3) == ["—", "03/15/2021"]
    assert month_codes(window, pid) == ("99490",)
    # The Summary tab and the list follow too.
    summary = window.view.page(PatientsPage).chart.conditions
    assert "Chronic kidney disease, stage 3a" in cells(summary, 1)


def test_an_unknown_code_is_refused_in_the_form_with_the_nearest_codes_and_nothing_is_saved(
    window, canary_store, qtbot
):
    pid = canary_store["canary"]
    tab = open_tab(window, pid, qtbot)
    dialog = tab.add_condition()
    type_code(qtbot, dialog.code, "E11.99")
    assert dialog.code.description.text() == "E11.99 is not an ICD-10-CM code; choose one from the list."
    assert offered(dialog.code) == ["E11.9"]
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.message.text().startswith("ICD-10 code E11.99 is not an ICD-10-CM code; nearest: E11.9 ")
    assert dialog.focusWidget() is dialog.code.edit
    # A category is refused the same way, offering the billable codes below it.
    dialog.code.edit.clear()
    type_code(qtbot, dialog.code, "E11")
    assert offered(dialog.code)[:2] == ["E11.8", "E11.9"]
    dialog.save_button.click()
    assert "E11 is a category, not a billable code" in dialog.message.text()
    assert [c.icd10 for c in clinical.record(window.workspace, pid).conditions] == ["E11.9", "I11.9"]
    dialog.reject()


def test_words_find_codes_and_the_keyboard_picks_one(window, canary_store, qtbot):
    tab = open_tab(window, canary_store["Young"], qtbot)
    dialog = tab.add_condition()
    type_code(qtbot, dialog.code, "essential hypertension")
    assert offered(dialog.code)[0] == "I10"
    popup = dialog.code.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.code.description.text() == "I10: Essential (primary) hypertension")
    assert dialog.code.text() == "I10"
    qtbot.keyClick(dialog.code.edit, Qt.Key.Key_Return)  # Enter saves the form
    assert [c.icd10 for c in tab.record.conditions] == ["I10"]


def test_no_known_allergies_then_an_allergy_found_then_corrected_and_removed(window, canary_store, qtbot):
    tab = open_tab(window, canary_store["Young"], qtbot)
    assert tab.no_allergies.isVisible() and tab.no_allergies.text() == ALLERGIES_NOT_ASKED
    chart = window.view.page(PatientsPage).chart
    # The Summary says the same: never asked is not "No known allergies" (NKA is a fact of its own).
    assert chart._empty[chart.allergies].text() == ALLERGIES_NOT_ASKED
    tab.none_known_button.click()
    assert cells(tab.allergies, 0) == ["No known allergies"]
    qtbot.waitUntil(lambda: chart.allergies.rowCount() == 1)
    assert chart.allergies.item(0, 0).text() == "No known allergies"
    assert not tab.none_known_button.isEnabled() and not tab.edit_allergy_button.isEnabled()

    dialog = tab.add_allergy()
    dialog.save_button.click()
    assert dialog.message.text() == "Allergy substance is required."
    qtbot.keyClicks(dialog.substance, "Latex")
    qtbot.keyClicks(dialog.reaction, "rash")
    dialog.save_button.click()
    assert cells(tab.allergies, 0) == ["Latex"]  # the allergy replaced "No known allergies"

    dialog = tab.edit_allergy()
    dialog.reaction.setText("hives and wheezing")
    dialog.save_button.click()
    assert cells(tab.allergies, 1) == ["hives and wheezing"]
    tab.remove_allergy_button.click()
    answer_box(qtbot, tab, yes=True)
    assert tab.allergies.rowCount() == 0 and tab.none_known_button.isEnabled()


def test_a_care_team_member_with_a_bad_phone_keeps_the_form_until_it_is_right(window, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = open_tab(window, pid, qtbot)
    dialog = tab.add_member()
    dialog.role.setCurrentText("Cardiologist")
    qtbot.keyClicks(dialog.name, "Dr. Lee Chen")
    qtbot.keyClicks(dialog.phone, "555-12")
    dialog.save_button.click()
    assert (
        dialog.isVisible()
        and dialog.message.text() == "Care-team phone: 555-12 is not a phone number; type all 10 digits."
    )
    assert dialog.focusWidget() is dialog.phone and dialog.name.text() == "Dr. Lee Chen"  # what was typed stays
    assert len(clinical.record(window.workspace, pid).care_team) == 1
    dialog.phone.setText("(555) 019-0456")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert cells(tab.team, 0) == ["PCP", "Cardiologist"] and tab.team.current_id() == dialog.saved.id

    dialog = tab.edit_member()
    dialog.organization.setText("Heart Center")
    dialog.save_button.click()
    assert cells(tab.team, 3) == ["—", "Heart Center"]
    tab.remove_member_button.click()
    answer_box(qtbot, tab, yes=True)
    assert cells(tab.team, 1) == ["Dr. Ana Ruiz"]


def test_a_dose_change_an_adherence_check_and_a_stop_keep_the_medication_history(window, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = open_tab(window, pid, qtbot)
    assert cells(tab.current, 0) == ["Lisinopril"] and tab.stopped.rowCount() == 0

    # Enter on the medication changes its dose; the old dose is kept as stopped.
    tab.current.setFocus()
    tab.current.selectRow(0)
    qtbot.keyClick(tab.current, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert dialog is not None and dialog.windowTitle() == "Change dose"
    dialog.dose.setText("20 mg")
    dialog.save_button.click()
    assert cells(tab.current, 1) == ["20 mg"] and cells(tab.current, 4) == ["11/24/2026"]
    assert cells(tab.stopped, 0) == ["Lisinopril, 10 mg, daily"] and cells(tab.stopped, 2) == ["dose changed"]

    dialog = tab.check_adherence()
    dialog.save_button.click()
    assert dialog.message.text() == "Adherence answer must be chosen."
    dialog.answer_buttons[next(iter(dialog.answer_buttons))].click()  # taken as prescribed
    dialog.answer_buttons[list(dialog.answer_buttons)[1]].click()  # no: missed doses
    qtbot.keyClicks(dialog.note, "forgets the evening dose")
    dialog.save_button.click()
    assert cells(tab.current, 3) == [Adherence.PARTIAL.value]
    history = tab.show_history()
    assert cells(history.table, 1) == ["missed doses"] and cells(history.table, 2) == ["forgets the evening dose"]
    history.reject()

    # Delete stops it; the reason is required.
    tab.current.setFocus()
    qtbot.keyClick(tab.current, Qt.Key.Key_Delete)
    dialog = tab.dialog
    assert dialog is not None and dialog.windowTitle() == "Stop medication"
    dialog.save_button.click()
    assert dialog.message.text() == "Stop reason is required."
    assert cells(tab.current, 0) == ["Lisinopril"]
    dialog.reason.setCurrentText("side effects")
    dialog.save_button.click()
    assert tab.current.rowCount() == 0 and tab.no_current.isVisible() and tab.no_current.text() == NO_MEDICATIONS
    assert cells(tab.stopped, 2) == ["side effects", "dose changed"]
    assert [m.dose for m in clinical.record(window.workspace, pid).stopped_medications] == ["20 mg", "10 mg"]


def test_a_medication_is_added_from_the_keyboard(window, canary_store, qtbot):
    tab = open_tab(window, canary_store["Young"], qtbot)
    label = next(w for w in tab.findChildren(QWidget) if getattr(w, "buddy", lambda: None)() is tab.current)
    assert label.text() == "&Medications"
    window.activateWindow()
    tab.current.setFocus()
    qtbot.keyClick(tab.current, Qt.Key.Key_Insert)
    dialog = tab.dialog
    assert dialog is not None and dialog.windowTitle() == "Add medication"
    qtbot.keyClicks(dialog.name, "Metformin")
    qtbot.keyClicks(dialog.dose, "500 mg")
    dialog.frequency.setCurrentText("twice a day")
    qtbot.keyClicks(dialog.start, "12/01/2026")  # after today
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.text() == "Start date cannot be after today."
    assert dialog.focusWidget() is dialog.start
    dialog.start.setText("01/05/2026")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert cells(tab.current, 0) == ["Metformin"] and cells(tab.current, 4) == ["01/05/2026"]


def test_a_lock_closes_the_form_and_leaves_no_patient_detail(window, canary_store, qtbot):
    tab = open_tab(window, canary_store["canary"], qtbot)
    dialog = tab.add_allergy()
    qtbot.keyClicks(dialog.substance, "Qzxsubstance")
    window.lock()
    qtbot.waitUntil(lambda: window.workspace is None)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what the event loop does next
    assert tab.dialog is None and not shiboken6.isValid(dialog)  # closed and gone, with what was typed
    assert tab.record is None and tab.patient_id is None
    texts = []
    for table in tab.findChildren(QTableWidget):
        texts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    texts += [w.text() for w in tab.findChildren(QLineEdit)]
    joined = "\n".join(texts)
    for secret in ("Lisinopril", "Penicillin", CANARY_CONDITION, CANARY_FAMILY, "Qzxsubstance"):
        assert secret not in joined


def test_every_control_of_the_tab_and_its_forms_has_an_accessible_name(window, canary_store, qtbot):
    tab = open_tab(window, canary_store["canary"], qtbot)
    tab.current.selectRow(0)
    roots: list[QWidget] = [tab]
    for make in (tab.add_condition, tab.add_allergy, tab.add_member, tab.add_medication):
        roots.append(make())
        roots[-1].reject()
    for make in (tab.change_dose, tab.stop_medication, tab.check_adherence):
        tab.current.selectRow(0)
        roots.append(make())
        roots[-1].reject()
    missing = []
    for root in roots:
        for kind in (QPushButton, QRadioButton, QLineEdit, QComboBox, QCheckBox, QTableWidget):
            for w in root.findChildren(kind):
                if isinstance(w, QLineEdit) and isinstance(w.parent(), QComboBox):
                    continue  # the combo's own editor
                if not w.accessibleName():
                    missing.append(f"{root.windowTitle()} {type(w).__name__} {w.parent().metaObject().className()}")
    QApplication.processEvents()
    assert missing == []


def test_the_add_condition_dialog_takes_typing_in_the_code_at_once_and_on_alt_i(workspace, qtbot):
    # A keyboard-only tester typed "diabetes type 2" into a new Add condition dialog and it went
    # nowhere: the focus was on the code field's container, and Alt+I (its label) did nothing.
    from datetime import date

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from caredesk.domain.patients import Patient
    from caredesk.ui.chart.clinical_dialogs import ConditionDialog
    from tests.conftest import add_patient

    pid = add_patient(
        workspace, Patient(mrn="K0001", given_name="Ada", family_name="Key", birth_date=date(1950, 1, 2))
    ).id
    dialog = ConditionDialog(workspace, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    assert dialog.focusWidget() is dialog.code.edit
    qtbot.keyClicks(dialog.code.edit, "E11.9")
    assert dialog.code.text() == "E11.9"
    # Alt+I: a QLabel focuses its buddy on its shortcut only if the buddy takes focus.
    (label,) = [w for w in dialog.findChildren(QLabel) if w.text() == "&ICD-10 code"]
    assert label.buddy() is dialog.code and label.buddy().focusPolicy() != Qt.FocusPolicy.NoFocus
    dialog.onset.setFocus()
    label.buddy().setFocus(Qt.FocusReason.ShortcutFocusReason)  # what the label does on Alt+I
    assert dialog.focusWidget() is dialog.code.edit


def test_enter_on_a_typed_code_that_is_not_a_code_refuses_it_and_never_takes_a_suggestion(window, canary_store, qtbot):
    """A keyboard-only tester typed E11.99X and Enter: E11.9, the first suggestion, was saved without a
    word (the list kept the row chosen at its last showing, and Enter took it). Enter with no row
    chosen leaves what was typed and saves the form, which refuses it naming the field; then the long
    refusal for E11 wrapped over the field, squeezed to a few pixels until the next key."""
    pid = canary_store["Young"]
    tab = open_tab(window, pid, qtbot)
    dialog = tab.add_condition()
    qtbot.waitExposed(dialog)
    popup = dialog.code.completer.popup()
    for typed, refusal in (
        ("I1", "ICD-10 code I1 is not an ICD-10-CM code; check the code"),  # the list's first showing
        ("E11.99X", "ICD-10 code E11.99X is not an ICD-10-CM code; nearest: E11.9 "),
        ("E11", "ICD-10 code E11 is a category, not a billable code; choose one of: E11.8 "),
    ):
        dialog.code.edit.clear()
        dialog.activateWindow()  # back from the closed list: the field takes keys once its window is active
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        type_code(qtbot, dialog.code, typed)
        qtbot.waitUntil(popup.isVisible)
        assert not popup.currentIndex().isValid()  # nothing chosen until Down, Up or a click
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert dialog.code.text() == typed and dialog.isVisible()
        assert dialog.message.text().startswith(refusal)
        assert dialog.focusWidget() is dialog.code.edit
        edit, message = dialog.code.edit, dialog.message
        assert edit.height() >= edit.minimumSizeHint().height()  # the field keeps its height
        assert message.height() >= message.heightForWidth(message.width())  # every line of the refusal shows
    assert clinical.record(window.workspace, pid).conditions == ()
    # Down, then Enter, picks the suggestion: the user chose it.
    dialog.code.edit.clear()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    type_code(qtbot, dialog.code, "E11.99X")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.code.text() == "E11.9"
    dialog.reject()
