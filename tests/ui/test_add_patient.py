"""Adding a patient from the list: saved whole, or refused with the field named and nothing saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from caredesk.domain.patients import Program
from caredesk.services.patients import open_chart, patient_list
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patient_table import NAME
from caredesk.ui.chart.patients_page import EMPTY_TEXT, PatientsPage
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.ui.conftest import unlock_with


def _page(window) -> PatientsPage:
    return window.view.show_page(PatientsPage)  # the queue is home; the tests work here


def _fill(dialog: AddPatientDialog, **values: str) -> None:
    defaults = {
        "mrn": "NEW0001",
        "given": "Zoë",
        "family": "Núñez-Qzx",
        "birth": "03/04/1948",
        "phone": "(555) 010-6060",
    }
    defaults.update(values)
    for name, text in defaults.items():
        getattr(dialog, name).setText(text)


def _saved_mrns(window) -> list[str]:
    return sorted(p.mrn for p in patient_list(window.workspace))


def test_ctrl_n_adds_a_patient_with_a_program_and_opens_the_chart(unlocked, qtbot):
    page = _page(unlocked)
    dialog = page.add_patient()
    _fill(dialog)
    dialog.program.setCurrentText(Program.CCM.value)
    dialog.consent.setText("11/20/2026")
    dialog.consent_method.setCurrentText("written")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "NEW0001" in _saved_mrns(unlocked)
    assert page.proxy.rowCount() == 5
    assert page.chart.patient_id == dialog.saved.id
    chart = open_chart(unlocked.workspace, dialog.saved.id)
    (enrollment,) = chart.enrollments
    assert enrollment.program is Program.CCM and enrollment.consent_date.isoformat() == "2026-11-20"
    assert chart.patient.birth_date.isoformat() == "1948-03-04"


def test_a_bad_date_of_birth_is_named_and_nothing_is_saved(unlocked, qtbot):
    before = _saved_mrns(unlocked)
    dialog = _page(unlocked).add_patient()
    _fill(dialog, birth="31/12/1950")
    dialog.save_button.click()
    assert dialog.isVisible()
    # Written day first: the month comes first, and the other way round it is a date (a tester's).
    assert dialog.message.text() == (
        "Date of birth is not a real calendar date (the month comes first: MM/DD/YYYY; 12/31/1950?)."
    )
    assert _saved_mrns(unlocked) == before


def test_a_bad_enrollment_saves_not_even_the_patient(unlocked, qtbot):
    before = _saved_mrns(unlocked)
    dialog = _page(unlocked).add_patient()
    _fill(dialog)
    dialog.program.setCurrentText(Program.PCM.value)
    dialog.consent.setText("12/01/2026")  # after today (11/24/2026)
    dialog.save_button.click()
    assert "Consent date cannot be after today" in dialog.message.text()
    assert _saved_mrns(unlocked) == before


def test_a_duplicate_mrn_is_refused(unlocked, qtbot):
    existing = _saved_mrns(unlocked)[0]
    dialog = _page(unlocked).add_patient()
    _fill(dialog, mrn=existing)
    dialog.save_button.click()
    assert dialog.message.text() == "MRN is already used by another patient."


def test_missing_names_are_named(unlocked):
    dialog = _page(unlocked).add_patient()
    _fill(dialog, family="  ")
    dialog.save_button.click()
    assert dialog.message.text() == "Family name is required."


def test_an_empty_store_says_how_to_add_the_first_patient(make_window, data_dir, clock, qtbot):
    from caredesk.services.access import Access
    from caredesk.store.vault import DataFolder

    Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    window = make_window()
    unlock_with(qtbot, window)
    assert _page(window).count.text() == EMPTY_TEXT

    # The first patient: counted in the singular, and the columns fit the new row's values
    # (the list was sized while empty, to its headers only).
    page = _page(window)
    dialog = page.add_patient()
    _fill(dialog, family="Núñez-Qzxcanary-Longname")
    dialog.save_button.click()
    assert page.count.text() == "1 patient"
    name = page.model.index(0, NAME).data()
    assert page.table.horizontalHeader().sectionSize(NAME) >= page.table.fontMetrics().horizontalAdvance(name)


def test_lock_closes_the_form_without_saving(unlocked, qtbot):
    dialog = _page(unlocked).add_patient()
    _fill(dialog)
    unlocked.lock()
    assert not dialog.isVisible()
    assert dialog.saved is None


def test_the_named_field_gets_the_cursor(unlocked, qtbot):
    dialog = _page(unlocked).add_patient()
    qtbot.waitExposed(dialog)
    _fill(dialog, birth="1950")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.birth.hasFocus())
    assert dialog.birth.selectedText() == "1950"


def test_ctrl_n_opens_the_add_patient_form_from_any_page(unlocked, qtbot):
    from caredesk.ui.chart.patient_form import AddPatientDialog
    from caredesk.ui.queue.page import QueuePage

    queue = unlocked.view.show_page(QueuePage)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in unlocked.findChildren(AddPatientDialog)), timeout=5_000)
    assert unlocked.view.stack.currentWidget() is _page(unlocked)  # the new chart opens beside the list
    assert unlocked.add_patient_action.text() == "&Add patient…"


def test_a_blank_form_names_the_mrn_first_errors_come_in_the_forms_order(unlocked, qtbot):
    dialog = _page(unlocked).add_patient()
    qtbot.waitExposed(dialog)
    dialog.language.clear()
    dialog.save_button.click()
    assert dialog.message.text() == "MRN is required."
    qtbot.waitUntil(dialog.mrn.hasFocus)
    dialog.mrn.setText("NEW0002")
    dialog.phone.setText("12")  # below the form's names: those come first
    dialog.save_button.click()
    assert dialog.message.text() == "Given name is required."
    _fill(dialog, mrn="NEW0002", birth="", phone="12")
    dialog.save_button.click()
    assert dialog.message.text() == "Date of birth must be a date written MM/DD/YYYY."
    _fill(dialog, mrn="NEW0002", phone="12")
    dialog.save_button.click()
    assert dialog.message.text() == "Phone: 12 is not a phone number; type all 10 digits."


def test_a_birth_date_of_today_is_refused(unlocked):
    before = _saved_mrns(unlocked)
    dialog = _page(unlocked).add_patient()
    _fill(dialog, birth="11/24/2026")  # today
    dialog.save_button.click()
    assert dialog.message.text() == "Date of birth must be before today."
    assert _saved_mrns(unlocked) == before


def test_a_consent_dated_1900_is_refused(unlocked):
    before = _saved_mrns(unlocked)
    dialog = _page(unlocked).add_patient()
    _fill(dialog)
    dialog.program.setCurrentText(Program.CCM.value)
    dialog.consent.setText("01/01/1900")
    dialog.save_button.click()
    assert dialog.message.text() == "Consent date cannot be before the date of birth."
    dialog.consent.setText("12/31/2012")  # before TCM, the oldest of these programs (CMS CY2013 PFS)
    dialog.save_button.click()
    assert dialog.message.text() == "Consent date cannot be before 01/01/2013, when these programs began."
    assert _saved_mrns(unlocked) == before


def test_an_mrn_differing_only_by_case_is_refused(unlocked):
    dialog = _page(unlocked).add_patient()
    _fill(dialog, mrn="mrn20002")  # Abbott is MRN20002
    dialog.save_button.click()
    assert dialog.message.text() == "MRN is already used by another patient."


def test_a_second_phone_and_an_apcm_qmb_enrollment_are_saved(unlocked, qtbot):
    dialog = _page(unlocked).add_patient()
    _fill(dialog)
    qtbot.mouseClick(dialog.patient_fields.phones.more, Qt.MouseButton.LeftButton)
    number, kind = dialog.patient_fields.phones.rows[1]
    number.setText("(555) 010-9911")
    kind.setCurrentText("caregiver")
    dialog.program.setCurrentText(Program.APCM.value)
    dialog.qmb.setChecked(True)
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    chart = open_chart(unlocked.workspace, dialog.saved.id)
    assert [(p.number, p.kind) for p in chart.patient.phones] == [
        ("(555) 010-6060", "mobile"),
        ("(555) 010-9911", "caregiver"),
    ]
    (enrollment,) = chart.enrollments
    assert enrollment.program is Program.APCM and enrollment.qmb


def _mnemonics(root) -> list[str]:
    """The Alt+letter of every label and button under `root` that the user can see."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    found = []
    for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if w.isVisibleTo(root) and (m := re.search(r"&([^&])", w.text().replace("&&", ""))):
            found.append(m.group(1).lower())
    return found


def test_every_alt_letter_of_the_form_is_its_own(unlocked):
    """Alt+C went to PCP and to Consent date: a tester's consent date was saved as the PCP."""
    dialog = _page(unlocked).add_patient()
    dialog.program.setCurrentText(Program.CCM.value)  # every program field shown
    keys = _mnemonics(dialog)
    assert len(keys) > 15 and sorted(k for k in set(keys) if keys.count(k) > 1) == []
    dialog.reject()


def test_the_keyboard_starts_in_the_mrn_field_and_enter_adds(unlocked, qtbot):
    """Tester finding: the focus started on the scroll area, so typing went nowhere."""
    dialog = _page(unlocked).add_patient()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.mrn)
    _fill(dialog, mrn="")
    qtbot.keyClicks(dialog.mrn, "NEW0002")
    qtbot.keyClick(dialog.mrn, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "NEW0002" in _saved_mrns(unlocked)


def test_a_phone_typed_as_digits_alone_is_saved_and_shown_as_555_010_4477(unlocked, qtbot):
    """A keyboard-only tester's "5550104477" was stored and shown as typed beside "(555) 010-4477"."""
    page = _page(unlocked)
    dialog = page.add_patient()
    _fill(dialog, phone="")
    qtbot.keyClicks(dialog.phone, "5550104477")
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    chart = open_chart(unlocked.workspace, dialog.saved.id)
    assert [p.number for p in chart.patient.phones] == ["(555) 010-4477"]
    page.filter.setText("5550104477")  # still found by its digits
    assert page.proxy.rowCount() == 2  # and the canary, whose number it is too


def test_esc_after_typing_asks_before_discarding_the_new_patient(unlocked, qtbot):
    """A keyboard-only tester's Esc threw a half-typed patient away without a word. Esc (or Cancel)
    on an untouched form closes it; after typing it asks, Go back the default."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from caredesk.ui.common.message_box import MessageBox

    page = _page(unlocked)
    untouched = page.add_patient()
    qtbot.waitExposed(untouched)
    qtbot.keyClick(untouched.mrn, Qt.Key.Key_Escape)
    assert not untouched.isVisible()  # nothing typed: no question

    dialog = page.add_patient()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.mrn, "NEW0042")
    seen: list[str] = []

    def answer(keys: list[tuple[Qt.Key, Qt.KeyboardModifier]]) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, MessageBox):
            seen.append(f"no question: {box!r}")
            return
        seen.extend([box.windowTitle(), box.defaultButton().text()])
        for key, modifier in keys:
            qtbot.keyClick(box, key, modifier)
        if box.isVisible():
            qtbot.waitUntil(lambda: not box.isVisible(), timeout=2_000)

    QTimer.singleShot(50, lambda: answer([(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)]))
    qtbot.keyClick(dialog.mrn, Qt.Key.Key_Escape)
    assert seen == ["Discard the new patient?", "&Go back"]
    assert dialog.isVisible() and dialog.mrn.text() == "NEW0042"  # Esc in the question: Go back
    seen.clear()
    QTimer.singleShot(50, lambda: answer([(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)]))
    dialog.cancel()  # the Cancel button
    assert seen == ["Discard the new patient?", "&Go back"]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.saved is None and "NEW0042" not in _saved_mrns(unlocked)


def test_another_phone_grows_the_form_instead_of_scrolling_it(unlocked, qtbot):
    """A tester's Add patient scrolled after Another phone, hiding the QMB box below, on a
    screen with room for the whole form: the form grows within the screen."""
    from PySide6.QtWidgets import QScrollArea

    dialog = _page(unlocked).add_patient()
    qtbot.waitExposed(dialog)
    area = dialog.findChild(QScrollArea)
    assert area.verticalScrollBar().maximum() == 0  # the whole form shows
    before = dialog.height()
    qtbot.mouseClick(dialog.patient_fields.phones.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.height() > before)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0)
    assert dialog.frameGeometry().bottom() <= dialog.screen().availableGeometry().bottom()
    for _ in range(12):  # more rows than the screen holds: it scrolls, the new row in view
        qtbot.mouseClick(dialog.patient_fields.phones.more, Qt.MouseButton.LeftButton)
    last = dialog.patient_fields.phones.rows[-1][0]
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)
    qtbot.waitUntil(lambda: not last.visibleRegion().isEmpty())
    assert last.hasFocus()
    assert dialog.frameGeometry().top() >= dialog.screen().availableGeometry().top()
