"""The Record tab's programs through the real widgets: a program is chosen as the list fills (and
stays chosen when it is read again), so End program and Edit program act at once by keys; a
program not yet begun reads "starts MM/DD/YYYY", Remove program takes back one entered in error (refused in the form, nothing
removed, while minutes are logged under it), and a date of death before logged minutes is
refused in the status form naming the field. The clock fixture's today is 11/24/2026.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from caredesk.domain.patients import Program, Status
from caredesk.services import enrollments
from caredesk.services.calls import log_time
from caredesk.ui.chart.record_dialogs import EndProgramDialog, EnrollmentDialog, StatusDialog
from caredesk.ui.chart.remove_program_dialog import RemoveProgramDialog
from caredesk.ui.common.hub import publish
from tests.ui.test_record_tab import _open, _record, _save, _stored, _type


def _row_of(tab, program: str) -> int:
    return next(r for r in range(tab.programs.rowCount()) if tab.programs.item(r, 0).text() == program)


def test_a_program_starting_after_today_reads_starts_and_is_not_flagged_for_consent(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    enrollments.enroll(unlocked.workspace, pid, Program.BHI, date(2026, 12, 15))
    tab = _record(unlocked, pid)
    qtbot.waitUntil(lambda: tab.programs.rowCount() == 2)
    upcoming = _row_of(tab, "BHI")
    assert tab.programs.item(upcoming, 1).text() == "starts 12/15/2026"
    assert tab.programs.item(_row_of(tab, "CCM"), 1).text() == "03/01/2025"  # running: its plain date


def test_remove_program_takes_back_an_enrollment_entered_in_error(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    enrollments.enroll(unlocked.workspace, pid, Program.PCM, date(2026, 11, 1))
    tab = _record(unlocked, pid)
    qtbot.waitUntil(lambda: tab.programs.rowCount() == 2)
    tab.programs.setFocus()
    tab.programs.selectRow(_row_of(tab, "PCM"))
    assert tab.remove_button.isEnabled() and tab.remove_button.accessibleName()
    qtbot.keyClick(tab.programs, Qt.Key.Key_Delete)  # Delete on the list, as in the other chart lists
    qtbot.waitUntil(lambda: isinstance(tab.dialog, RemoveProgramDialog) and tab.dialog.isVisible())
    dialog = tab.dialog
    assert dialog.reason.currentText() == "entered in error"
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [e.program for e in _stored(unlocked, pid).enrollments] == [Program.CCM]
    qtbot.waitUntil(lambda: tab.programs.rowCount() == 1)


def test_remove_is_refused_in_the_form_while_minutes_are_logged_under_the_program(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    log_time(unlocked.workspace, pid, minutes=14, activity="care coordination", on=date(2026, 11, 3))
    tab = _record(unlocked, pid)
    tab.programs.setFocus()
    tab.programs.selectRow(_row_of(tab, "CCM"))
    dialog = _open(qtbot, tab, tab.remove_button, RemoveProgramDialog)
    _type(qtbot, dialog.reason.lineEdit(), "")
    _save(qtbot, dialog)
    assert dialog.message.text() == "Reason is required."
    dialog.reason.setCurrentText("wrong program")
    _save(qtbot, dialog)
    assert dialog.message.text() == (
        "Program has 14 minutes logged under this CCM enrollment (the first on 11/03/2026): "
        "correct their program or void them in Contacts first."
    )
    assert dialog.isVisible()  # the form stays
    assert [e.program for e in _stored(unlocked, pid).enrollments] == [Program.CCM]


def test_a_date_of_death_before_logged_minutes_is_refused_in_the_status_form(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    log_time(unlocked.workspace, pid, minutes=14, activity="care coordination", on=date(2026, 11, 3))
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.status_button, StatusDialog)
    dialog.status.setCurrentText("deceased")
    _type(qtbot, dialog.died_on, "11/02/2026")
    _save(qtbot, dialog)
    assert dialog.message.text() == (
        "Date of death is before 14 minutes already logged (the first on 11/03/2026): "
        "correct their date or void them in Contacts first."
    )
    qtbot.waitUntil(dialog.died_on.hasFocus)
    stored = _stored(unlocked, pid)
    assert stored.patient.status is Status.ACTIVE and stored.enrollments[0].end_date is None
    # On the day of those minutes it is accepted, and the program ends that day.
    _type(qtbot, dialog.died_on, "11/03/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 11, 3)
    qtbot.waitUntil(lambda: tab.programs.item(0, 2).text() == "11/03/2026")
    assert tab.values["Status"].text() == "Deceased 11/03/2026"


def test_every_record_button_stays_in_sight_in_a_1150_px_window(unlocked, canary_store, qtbot):
    """Run also with QT_SCALE_FACTOR=1.25: the heading beside four buttons pushed Remove out of sight."""
    unlocked.resize(1150, 720)
    tab = _record(unlocked, canary_store["canary"])
    qtbot.waitUntil(lambda: tab.programs.rowCount() == 1)
    scroll = tab.findChild(QScrollArea)
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible())
    viewport = scroll.viewport()
    for b in (tab.edit_button, tab.status_button, tab.enroll_button, tab.change_button, tab.end_button):
        right = b.mapTo(viewport, b.rect().topRight()).x()
        assert b.isVisible() and right <= viewport.width(), b.text()
    right = tab.remove_button.mapTo(viewport, tab.remove_button.rect().topRight()).x()
    assert tab.remove_button.isVisible() and right <= viewport.width()


def _alt(qtbot, widget, key: Qt.Key, kind, tab):
    """Alt+key from wherever the focus is in the tab; the form it opens."""
    window = tab.window()
    window.activateWindow()  # a form closed a moment ago may have had it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    widget.setFocus()
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(tab.dialog, kind) and tab.dialog.isVisible())
    qtbot.waitExposed(tab.dialog)
    tab.dialog.activateWindow()
    return tab.dialog


def test_the_program_is_chosen_as_the_list_fills_so_end_and_edit_act_at_once(unlocked, canary_store, qtbot):
    """A keyboard-only tester: End program and Edit program stayed greyed out for a patient with
    one program until a row of the list was clicked."""
    pid = canary_store["canary"]
    tab = _record(unlocked, pid)
    (ccm,) = tab.data.enrollments
    assert tab.programs.selected_id() == ccm.id
    assert tab.change_button.isEnabled() and tab.end_button.isEnabled() and tab.remove_button.isEnabled()
    tab.edit_button.setFocus()  # anywhere in the tab but the list
    dialog = _alt(qtbot, tab.edit_button, Qt.Key.Key_P, EnrollmentDialog, tab)  # Edit &program…
    assert dialog.enrollment.id == ccm.id
    dialog.reject()
    qtbot.waitUntil(lambda: tab.dialog is None)

    dialog = _alt(qtbot, tab.edit_button, Qt.Key.Key_D, EndProgramDialog, tab)  # En&d program…
    _type(qtbot, dialog.end, "11/20/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 11, 20)
    qtbot.waitUntil(lambda: tab.programs.item(0, 2) is not None and tab.programs.item(0, 2).text() == "11/20/2026")
    assert tab.programs.selected_id() == ccm.id  # read again: the same program, still chosen
    assert tab.change_button.isEnabled() and not tab.end_button.isEnabled()  # ended already


def test_the_chosen_program_stays_chosen_across_a_refresh_and_a_running_one_is_chosen_first(
    unlocked, canary_store, qtbot
):
    pid = canary_store["canary"]
    ws = unlocked.workspace
    (ccm,) = _stored(unlocked, pid).enrollments
    enrollments.end_enrollment(ws, ccm.id, date(2026, 10, 31))
    pcm = enrollments.enroll(ws, pid, Program.PCM, date(2026, 11, 1)).value
    bhi = enrollments.enroll(ws, pid, Program.BHI, date(2026, 11, 2)).value
    tab = _record(unlocked, pid)
    qtbot.waitUntil(lambda: tab.programs.rowCount() == 3)
    assert tab.programs.item(0, 0).text() == "CCM"  # oldest first, ended
    assert tab.programs.selected_id() == pcm.id  # the first still running
    tab.programs.setFocus()
    tab.programs.selectRow(_row_of(tab, "BHI"))  # the user's choice
    publish(enrollments.change_enrollment(ws, pcm.id, billing_practitioner="Dr. Ana Ruiz").changes)
    qtbot.waitUntil(lambda: tab.programs.item(_row_of(tab, "PCM"), 4).text() == "Dr. Ana Ruiz")  # read again
    assert tab.programs.selected_id() == bhi.id  # still the user's choice
    assert tab.programs.hasFocus() and tab.end_button.isEnabled()
