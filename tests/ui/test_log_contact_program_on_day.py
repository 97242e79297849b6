"""Log contact…'s Program box follows the form's day (SPEC 3: minutes count for the program
running on their day). A fresh tester's patient's CCM ended 12/01; changing the form's date
to 12/01, a day CCM still covered, left Program "Not enrolled" and greyed out, and the save
filed the contact under CCM with its minutes: the form did not show what it saved. And minutes
on a day no program covers ask, as the call panel does, before the contact is saved without them.
The clock fixture's today is 11/24/2026; the canary is in CCM since 03/01/2025.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program
from caredesk.services import enrollments
from caredesk.services import patients as patient_records
from caredesk.ui.chart.log_contact_dialog import LogContactDialog
from caredesk.ui.common.forms import qdate
from caredesk.ui.common.message_box import MessageBox


def _dialog(window, qtbot, pid: int) -> LogContactDialog:
    """CCM ended 11/20; Log contact… opened (on today, 11/24), Reached, 5 min."""
    ws = window.workspace
    ccm = enrollments.open_enrollment(ws, pid, Program.CCM)
    assert ccm.id is not None
    enrollments.end_enrollment(ws, ccm.id, date(2026, 11, 20))
    dialog = LogContactDialog(ws, patient_records.open_chart(ws, pid), window)
    qtbot.addWidget(dialog)
    dialog.form.set_outcome(Outcome.REACHED)
    dialog.form.minutes.setValue(5)
    return dialog


def _offered(dialog: LogContactDialog) -> tuple[list[str], bool]:
    box = dialog.form.program
    return [box.itemText(i) for i in range(box.count())], box.isEnabled()


def test_the_program_box_offers_the_programs_of_the_forms_day(unlocked, canary_store, qtbot):
    dialog = _dialog(unlocked, qtbot, canary_store["canary"])
    assert _offered(dialog) == (["Not enrolled"], False)
    dialog.day.setDate(qdate(date(2026, 11, 20)))  # CCM's last day
    assert _offered(dialog) == (["CCM"], True)
    assert dialog.form.program.currentData() == Program.CCM
    dialog.day.setDate(qdate(date(2026, 11, 21)))
    assert _offered(dialog) == (["Not enrolled"], False)
    dialog.day.setDate(qdate(date(2026, 11, 19)))
    result = dialog.submit()
    assert result is not None and result.time_entry is not None
    assert (result.time_entry.on, result.time_entry.program, result.time_entry.minutes) == (
        date(2026, 11, 19),
        Program.CCM,
        5,
    )


def test_minutes_on_a_day_without_a_program_ask_before_saving_the_contact_without_them(unlocked, canary_store, qtbot):
    dialog = _dialog(unlocked, qtbot, canary_store["canary"])
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, MessageBox):
            seen.append(f"no question: {box!r}")
            return
        seen.extend([box.text(), box.informativeText()])
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=2_000)
        qtbot.keyClick(box, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Save without minutes

    QTimer.singleShot(50, answer)
    result = dialog.submit()
    assert seen == [
        "The patient is not enrolled in a program on 11/24/2026: 5\N{NO-BREAK SPACE}min cannot be logged for that day.",
        "Save without minutes: the contact's outcome, note and follow-up are saved, the 5 min are not logged. "
        "Or go back and correct the program's end date in the chart's Record tab.",
    ]
    assert result is not None and result.time_entry is None and result.contact.outcome is Outcome.REACHED
