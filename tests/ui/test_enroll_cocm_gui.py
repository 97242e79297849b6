"""CoCM through the chart's enrollment form, with the real widgets on a store made as
`caredesk init` makes it: the program is offered, enrolled with its consent and billing
practitioner, shown in the programs table, and the month page carries APCM's behavioral
add-on (G0568 in the episode's first month; G0569 once its start is corrected to October:
CY2026 PFS final rule; SPEC 3)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from caredesk.domain.patients import Condition, Program
from caredesk.services.calls import log_time
from caredesk.ui.chart.record_dialogs import EnrollmentDialog
from caredesk.ui.common.hub import publish
from caredesk.ui.month.page import MonthPage
from caredesk.ui.month.table_model import CODES, MISSING
from tests.ui.test_month_page import settle
from tests.ui.test_record_tab import _open, _record, _save, _stored, _type


def _enroll(qtbot, tab, program: str, start: str) -> None:
    dialog = _open(qtbot, tab, tab.enroll_button, EnrollmentDialog)
    e = dialog.enrollment_fields
    assert program in [e.program.itemText(i) for i in range(e.program.count())]
    e.program.setCurrentText(program)
    assert not e.qmb.isEnabled() or program == "APCM"
    _type(qtbot, e.start, start)
    _type(qtbot, e.consent, start)
    e.consent_method.setCurrentText("verbal")
    _type(qtbot, e.practitioner, "Dr. Ana Ruiz")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def _cells(month: MonthPage, pid: int) -> tuple[str, str]:
    p = month.proxy
    (r,) = [r for r in range(p.rowCount()) if p.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == pid]
    return p.index(r, CODES).data(), p.index(r, MISSING).data()


def test_cocm_is_enrolled_in_the_form_and_the_month_page_bills_its_add_on(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]  # active, no program yet
    ws = unlocked.workspace
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    tab = _record(unlocked, pid)
    _enroll(qtbot, tab, "APCM", "11/02/2026")
    _enroll(qtbot, tab, "CoCM", "11/02/2026")
    cocm = next(x for x in _stored(unlocked, pid).enrollments if x.program is Program.COCM)
    assert (cocm.consent_date, cocm.billing_practitioner) == (date(2026, 11, 2), "Dr. Ana Ruiz")
    shown = {tab.programs.item(r, 0).text(): tab.programs.item(r, 3).text() for r in range(tab.programs.rowCount())}
    assert shown["CoCM"] == "11/02/2026 (verbal)"

    month = unlocked.view.show_page(MonthPage)
    settle(month)
    qtbot.waitUntil(lambda: any(r.patient_id == pid for r in month.model.rows()))
    assert _cells(month, pid) == ("G0557", "G0568: no CoCM care logged this month on or after the consent")
    # Minutes logged to CoCM (as the call panel's time dialog does), and the page hears of them.
    saved = log_time(ws, pid, minutes=30, activity="care coordination", on=date(2026, 11, 10), program=Program.COCM)
    publish(saved.changes)
    qtbot.waitUntil(lambda: _cells(month, pid) == ("G0557, G0568", ""))

    # The episode began in October: corrected in the form, November is a later month (G0569).
    tab = _record(unlocked, pid)
    row = next(r for r in range(tab.programs.rowCount()) if tab.programs.item(r, 0).text() == "CoCM")
    tab.programs.setFocus()
    tab.programs.selectRow(row)
    qtbot.keyClick(tab.programs, Qt.Key.Key_Return)  # Enter edits the chosen program
    qtbot.waitUntil(lambda: isinstance(tab.dialog, EnrollmentDialog) and tab.dialog.isVisible())
    dialog = tab.dialog
    _type(qtbot, dialog.enrollment_fields.start, "10/05/2026")
    _type(qtbot, dialog.enrollment_fields.consent, "10/05/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(
        lambda: next(r for r in month.model.rows() if r.patient_id == pid).result.codes_text() == "G0557, G0569"
    )


def test_the_month_page_shows_an_apcm_only_patients_consent(unlocked, canary_store, qtbot):
    # The month's table has no consent column: the patient cell's tooltip names it, as the
    # CSV's and PDF's consent columns do (an APCM-only patient's was empty).
    pid = canary_store["Abbott"]
    tab = _record(unlocked, pid)
    _enroll(qtbot, tab, "APCM", "11/02/2026")
    month = unlocked.view.show_page(MonthPage)
    settle(month)
    qtbot.waitUntil(lambda: any(r.patient_id == pid for r in month.model.rows()))
    p = month.proxy
    (r,) = [r for r in range(p.rowCount()) if p.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == pid]
    tip = p.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Practitioner: Dr. Ana Ruiz" in tip and "Consent: 11/02/2026" in tip
