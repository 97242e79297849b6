"""The chart's Record tab through the real widgets, on a store made as `caredesk init` makes it:
demographics, status (with the date of death) and programs with consent are shown, edited by
keyboard, refused with the field named (nothing saved), and the queue and the month follow."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from caredesk.domain.patients import Condition, ConsentMethod, Program, RiskTier, Status
from caredesk.domain.queue import ReasonKind
from caredesk.services import patient_records
from caredesk.services.calls import log_time
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_dialogs import EditPatientDialog, EndProgramDialog, EnrollmentDialog, StatusDialog
from caredesk.ui.chart.record_tab import RecordTab
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import CANARY_FAMILY, CANARY_MRN
from tests.ui.test_month_page import settle


def _record(window, patient_id: int) -> RecordTab:
    page = window.view.show_page(PatientsPage)
    assert page.select_patient(patient_id)
    tab = page.chart.tab(RecordTab)
    page.chart.show_tab(tab)
    return tab


def _type(qtbot, field: QLineEdit, text: str) -> None:
    """Replace the field's text by typing, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(field, text)


def _open(qtbot, tab: RecordTab, button, kind):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(tab.dialog, kind) and tab.dialog.isVisible())
    qtbot.waitExposed(tab.dialog)
    tab.dialog.activateWindow()
    return tab.dialog


def _save(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)  # Enter saves the form


def _stored(window, pid):
    return patient_records.record(window.workspace, pid)


def _queue_ids(window) -> set[int]:
    model = window.view.page(QueuePage).model
    return {model.queue_row(r).patient_id for r in range(model.rowCount())}


def test_the_tab_shows_demographics_status_and_programs_with_consent(unlocked, canary_store):
    tab = _record(unlocked, canary_store["canary"])
    assert tab.values["MRN"].text() == CANARY_MRN
    assert tab.values["Name"].text().startswith(CANARY_FAMILY)
    assert tab.values["Preferred name"].text() == "Billie"
    assert tab.values["Date of birth"].text() == "03/04/1950"
    assert tab.values["Risk tier"].text() == "high"
    assert tab.values["Status"].text() == "Active"
    cells = [tab.programs.item(0, c).text() for c in range(tab.programs.columnCount())]
    assert cells == ["CCM", "03/01/2025", "", "03/02/2025 (verbal)", "", ""]
    # Nobody's End or QMB filled: those columns give their width to the practitioner's name.
    assert tab.programs.isColumnHidden(2) and tab.programs.isColumnHidden(5)
    assert not tab.programs.isColumnHidden(4)
    assert tab.programs.horizontalHeaderItem(4).toolTip() == "Billing practitioner"
    assert tab.programs.selected_id() == tab.data.enrollments[0].id  # chosen: Edit and End act at once
    assert tab.change_button.isEnabled() and tab.end_button.isEnabled()


def test_every_demographic_field_is_edited_by_keyboard(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    f = dialog.patient_fields
    for field, text in (
        (f.mrn, "QZX90001-B"),
        (f.given, "Wilhelmine"),
        (f.family, "Qzxedited"),
        (f.preferred, "Mina"),
        (f.birth, "03/05/1950"),
        (f.language, "Spanish"),
        (f.address, "12 Elm St, Springfield"),
        (f.call_window, "evenings"),
        (f.pcp, "Dr. Lee"),
        (f.payer, "Medicare Advantage"),
    ):
        _type(qtbot, field, text)
    f.sex.setCurrentText("female")
    f.risk.setCurrentText("low")
    qtbot.mouseClick(f.phones.more, Qt.MouseButton.LeftButton)  # a second number, with its type
    number, kind = f.phones.rows[1]
    qtbot.waitUntil(number.hasFocus)
    qtbot.keyClicks(number, "(555) 010-7788")
    kind.setCurrentText("caregiver")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    p = _stored(unlocked, pid).patient
    assert (p.mrn, p.given_name, p.family_name, p.preferred_name, p.birth_date) == (
        "QZX90001-B",
        "Wilhelmine",
        "Qzxedited",
        "Mina",
        date(1950, 3, 5),
    )
    assert (p.sex.value, p.language, p.address, p.call_window, p.pcp, p.payer, p.risk_tier) == (
        "female",
        "Spanish",
        "12 Elm St, Springfield",
        "evenings",
        "Dr. Lee",
        "Medicare Advantage",
        RiskTier.LOW,
    )
    assert [(ph.number, ph.kind) for ph in p.phones] == [("(555) 010-4477", "home"), ("(555) 010-7788", "caregiver")]
    # The tab and the chart header show what was saved at once.
    assert tab.values["Name"].text() == "Qzxedited, Wilhelmine"
    chart = unlocked.view.page(PatientsPage).chart
    assert chart.name.text() == "Qzxedited, Wilhelmine" and "QZX90001-B" in chart.identity.text()
    assert "(555) 010-7788 (caregiver)" in chart.phones.text()


def test_a_refused_edit_names_the_field_keeps_the_form_and_saves_nothing(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    before = _stored(unlocked, pid)
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    f = dialog.patient_fields
    _type(qtbot, f.given, "")
    _type(qtbot, f.birth, "13/45/1950")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text() == "Given name is required."  # the first in the form's order
    qtbot.waitUntil(f.given.hasFocus)
    _type(qtbot, f.given, "Wilhelmina")
    _save(qtbot, dialog)
    assert dialog.message.text() == "Date of birth is not a real calendar date."
    _type(qtbot, f.birth, "03/04/1950")
    _type(qtbot, f.mrn, "mrn20002")  # Abbott's MRN, typed in lower case
    _save(qtbot, dialog)
    assert dialog.message.text() == "MRN is already used by another patient."
    qtbot.waitUntil(f.mrn.hasFocus)
    assert f.mrn.selectedText() == "mrn20002"
    assert _stored(unlocked, pid) == before


def test_pausing_a_patient_takes_them_out_of_the_queue_at_once(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    assert pid in _queue_ids(unlocked)
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.status_button, StatusDialog)
    assert not dialog.died_on.isEnabled()  # a date of death only for a deceased patient
    dialog.status.setCurrentText("paused")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).patient.status is Status.PAUSED
    qtbot.waitUntil(lambda: pid not in _queue_ids(unlocked))
    assert tab.values["Status"].text() == "Paused"
    assert unlocked.view.page(PatientsPage).chart.status.text() == "Paused"


def test_deceased_needs_its_date_and_the_header_shows_it(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.status_button, StatusDialog)
    dialog.status.setCurrentText("deceased")
    assert dialog.died_on.isEnabled()
    _save(qtbot, dialog)
    assert dialog.message.text() == "Date of death is required when the status is deceased."
    qtbot.waitUntil(dialog.died_on.hasFocus)
    qtbot.keyClicks(dialog.died_on, "11/25/2026")  # tomorrow
    _save(qtbot, dialog)
    assert dialog.message.text() == "Date of death cannot be after today."
    assert _stored(unlocked, pid).patient.status is Status.ACTIVE
    _type(qtbot, dialog.died_on, "11/02/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    chart = unlocked.view.page(PatientsPage).chart
    assert chart.status.text() == "Deceased 11/02/2026"
    assert tab.values["Status"].text() == "Deceased 11/02/2026"
    qtbot.waitUntil(lambda: pid not in _queue_ids(unlocked))

    # Back to active (a status set on the wrong patient): the date of death goes with it.
    dialog = _open(qtbot, tab, tab.status_button, StatusDialog)
    assert dialog.died_on.text() == "11/02/2026"
    dialog.status.setCurrentText("active")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).patient.died_on is None and chart.status.text() == ""


def test_enroll_record_consent_and_end_a_program_and_the_month_bills(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]  # active, no program yet
    ws = unlocked.workspace
    with ws.uow() as uow:  # two chronic conditions: CCM can bill once consent is on file
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    tab = _record(unlocked, pid)
    assert tab.no_programs.isVisible() and tab.programs.rowCount() == 0

    dialog = _open(qtbot, tab, tab.enroll_button, EnrollmentDialog)
    e = dialog.enrollment_fields
    assert e.start.text() == "11/24/2026"  # today
    assert not e.qmb.isEnabled()  # QMB only for APCM
    e.program.setCurrentText("CCM")
    _type(qtbot, e.start, "11/01/2026")
    _type(qtbot, e.practitioner, "Dr. Ana Ruiz")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.programs.item(0, 3).text() == "Not on file"
    chart = unlocked.view.page(PatientsPage).chart
    assert chart.consent.text() == "No consent on file"

    log_time(ws, pid, minutes=22, activity="care coordination", on=date(2026, 11, 10))
    month = unlocked.view.page(MonthPage)
    settle(month)
    qtbot.waitUntil(lambda: any(r.patient_id == pid for r in month.model.rows()))
    row = next(r for r in month.model.rows() if r.patient_id == pid)
    assert not row.ready and "no consent on file for CCM" in row.result.reasons
    model = unlocked.view.page(QueuePage).model
    reasons = {r.kind for r in model.queue_row(model.row_of(pid)).entry.reasons}
    assert ReasonKind.CONSENT in reasons

    # Record consent: the queue's reason leaves and the month bills 99490 (CMS MLN909188:
    # 20 minutes of clinical staff time, two chronic conditions, consent on file).
    tab.programs.setFocus()
    tab.programs.selectRow(0)
    qtbot.keyClick(tab.programs, Qt.Key.Key_Return)  # Enter edits the chosen program
    qtbot.waitUntil(lambda: isinstance(tab.dialog, EnrollmentDialog) and tab.dialog.isVisible())
    dialog = tab.dialog
    assert not dialog.enrollment_fields.program.isEnabled()
    qtbot.keyClicks(dialog.enrollment_fields.consent, "11/02/2026")
    dialog.enrollment_fields.consent_method.setCurrentText("written")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    (enrollment,) = _stored(unlocked, pid).enrollments
    assert (enrollment.consent_date, enrollment.consent_method) == (date(2026, 11, 2), ConsentMethod.WRITTEN)
    assert tab.programs.item(0, 3).text() == "11/02/2026 (written)"
    assert chart.consent.text() == "CCM consent written 11/02/2026"
    qtbot.waitUntil(lambda: next(r for r in month.model.rows() if r.patient_id == pid).ready)
    assert next(r for r in month.model.rows() if r.patient_id == pid).result.codes_text() == "99490"
    reasons = (
        {r.kind for r in model.queue_row(model.row_of(pid)).entry.reasons} if model.row_of(pid) is not None else set()
    )
    assert ReasonKind.CONSENT not in reasons

    # End the program: the row keeps its dates, End is no longer offered for it.
    tab.programs.selectRow(0)
    dialog = _open(qtbot, tab, tab.end_button, EndProgramDialog)
    _type(qtbot, dialog.end, "10/31/2026")
    _save(qtbot, dialog)
    assert dialog.message.text() == "End date cannot be before start date."
    _type(qtbot, dialog.end, "11/24/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 11, 24)
    assert tab.programs.item(0, 2).text() == "11/24/2026" and not tab.programs.isColumnHidden(2)
    tab.programs.selectRow(0)
    assert tab.change_button.isEnabled() and not tab.end_button.isEnabled()


def test_a_second_overlapping_program_and_a_consent_in_1900_are_refused_in_the_form(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]  # enrolled in CCM since 03/01/2025
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.enroll_button, EnrollmentDialog)
    e = dialog.enrollment_fields
    e.program.setCurrentText("CCM")
    _save(qtbot, dialog)
    assert dialog.message.text() == (
        "Program overlaps the patient's other CCM enrollment: change or end that one instead."
    )
    e.program.setCurrentText("APCM")
    e.qmb.setChecked(True)
    qtbot.keyClicks(e.consent, "01/01/1900")
    _save(qtbot, dialog)
    assert dialog.message.text() == "Consent date cannot be before the date of birth."
    qtbot.waitUntil(e.consent.hasFocus)
    assert [x.program for x in _stored(unlocked, pid).enrollments] == [Program.CCM]
    _type(qtbot, e.consent, "11/20/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    apcm = next(x for x in _stored(unlocked, pid).enrollments if x.program is Program.APCM)
    assert apcm.qmb and apcm.consent_date == date(2026, 11, 20)
    assert tab.programs.rowCount() == 2


def test_escape_cancels_a_form_and_nothing_changes(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    before = _stored(unlocked, pid)
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    _type(qtbot, dialog.patient_fields.given, "Changed")
    qtbot.keyClick(dialog.patient_fields.given, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid) == before


def test_lock_closes_the_form_and_drops_every_detail(unlocked, canary_store, qtbot):
    tab = _record(unlocked, canary_store["canary"])
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    unlocked.lock()
    assert not dialog.isVisible() and tab.dialog is None
    assert all(label.text() == "" for label in tab.values.values())
    assert tab.programs.rowCount() == 0


def test_the_tab_reads_its_patient_only_when_shown(unlocked, canary_store, qtbot):
    page = unlocked.view.show_page(PatientsPage)
    page.select_patient(canary_store["canary"])
    tab = page.chart.tab(RecordTab)
    assert not tab.isVisible() and tab.values["MRN"].text() == ""  # the Summary tab is in front
    # A change while hidden is read when the tab is next shown.
    patient_records.edit_patient(unlocked.workspace, canary_store["canary"], payer="Medicaid")
    from caredesk.services.changes import Changes, Kind
    from caredesk.ui.common.hub import publish

    publish(Changes.of([canary_store["canary"]], Kind.PATIENT))
    page.chart.show_tab(tab)
    QApplication.processEvents()
    assert tab.values["Payer"].text() == "Medicaid"


def test_edit_patient_starts_in_the_mrn_field_and_enter_saves(unlocked, canary_store, qtbot):
    """Tester finding: the focus started on Save, so Enter and typing did not edit the form."""
    pid = canary_store["canary"]
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.edit_button, EditPatientDialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.patient_fields.mrn)
    _type(qtbot, dialog.patient_fields.pcp, "Dr. Okafor")
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    assert _stored(unlocked, pid).patient.pcp == "Dr. Okafor"
