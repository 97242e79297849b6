"""The "RPM devices" tab through its real widgets over a real store: a device added and its
reading days typed with the keyboard, its 30-day periods shown, and the month's billing
recomputed at once (SPEC 3 row 99453 / 99454 / 99445; SPEC 8)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Enrollment, Program
from caredesk.services import billing_report
from caredesk.services.patients import open_chart
from caredesk.ui.chart.rpm_tab import DeviceDialog, ReadingDaysDialog, RemoveDeviceDialog, RpmDevicesTab
from tests.services.test_calls import _patient
from tests.ui.test_tasks_tab import _cells, _dialog, alt


@pytest.fixture
def patient(workspace) -> int:
    pid = _patient(workspace, "RPM1")
    with workspace.uow() as uow:
        uow.enrollments.add(
            Enrollment(
                patient_id=pid,
                program=Program.RPM,
                start_date=date(2026, 10, 1),
                consent_date=date(2026, 10, 1),
                consent_method="verbal",
            )
        )
        uow.commit()
    return pid


@pytest.fixture
def tab(qtbot, workspace, patient) -> RpmDevicesTab:
    widget = RpmDevicesTab()
    qtbot.addWidget(widget)
    widget.resize(720, 640)
    widget.open(workspace, open_chart(workspace, patient))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _codes(ws, pid) -> str:
    rows = billing_report.month_report(ws, Month(2026, 11)).rows
    return next(r for r in rows if r.patient_id == pid).result.codes_text()


def _type(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def test_a_device_and_its_reading_days_entered_by_keyboard_bill_at_once(tab, qtbot, workspace, patient):
    assert tab.no_devices.isVisible() and not tab.add_days_button.isEnabled()
    alt(qtbot, tab, Qt.Key.Key_D)  # Add device…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(DeviceDialog)))
    dialog = _dialog(tab, DeviceDialog)
    assert dialog.set_up.text() == "11/24/2026"  # today, the usual case
    _type(qtbot, dialog.set_up, "10/04/2026")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert _cells(tab.device_table) == [
        [
            "10/04/2026",
            "blood pressure cuff (blood pressure and pulse), in use\nthis period 11/03-12/02: 0 reading days",
        ]
    ]
    assert tab.period_table.rowCount() == 2 and tab.add_days_button.isEnabled()

    tab.add_days_button.click()
    days = _dialog(tab, ReadingDaysDialog)
    qtbot.keyClicks(days.dates, "10/04/2026..10/17/2026, 10/20/2026")
    days.save_button.click()
    assert not days.isVisible()
    assert _cells(tab.period_table)[1][:2] == ["1", "10/04/2026 to 11/02/2026"]
    assert _cells(tab.period_table)[1][2].startswith("15 reading days: 10/04, 10/05")
    assert _codes(workspace, patient).startswith("99453, 99445")

    tab.add_days_button.click()
    more = _dialog(tab, ReadingDaysDialog)
    qtbot.keyClicks(more.dates, "10/02/2026")
    more.save_button.click()
    assert more.isVisible() and "before the set-up date 10/04/2026" in more.message.text()
    more.dates.clear()
    qtbot.keyClicks(more.dates, "10/21/2026")
    more.save_button.click()
    assert _codes(workspace, patient).startswith("99453, 99454")


def test_an_end_date_that_leaves_days_outside_is_refused_in_the_form(tab, qtbot, workspace, patient):
    tab.add_device()
    dialog = _dialog(tab, DeviceDialog)
    dialog.kind.setCurrentText("scale")
    _type(qtbot, dialog.set_up, "11/01/2026")
    dialog.save_button.click()
    tab.add_days()
    days = _dialog(tab, ReadingDaysDialog)
    qtbot.keyClicks(days.dates, "11/10/2026")
    days.save_button.click()
    tab.edit_device()
    edit = _dialog(tab, DeviceDialog)
    _type(qtbot, edit.ended, "11/05/2026")
    edit.save_button.click()
    assert edit.isVisible() and "1 reading day is after it" in edit.message.text()
    assert edit.focusWidget() is edit.ended
    _type(qtbot, edit.ended, "11/20/2026")
    edit.save_button.click()
    assert not edit.isVisible()
    assert "ended 11/20/2026" in _cells(tab.device_table)[0][1]
    tab.remove_device()
    confirm = _dialog(tab, RemoveDeviceDialog)
    confirm.save_button.click()
    assert tab.no_devices.isVisible()


def test_the_month_page_recomputes_the_row_when_reading_days_are_added_in_the_chart(tab, qtbot, workspace, patient):
    """SPEC 8: a fact billing reads re-bills at once (the change hub, Kind.CLINICAL)."""
    from caredesk.ui.month.page import MonthPage
    from tests.ui.test_month_page import settle

    page = MonthPage()
    qtbot.addWidget(page)
    page.load(workspace)
    page.show_month(Month(2026, 11))
    settle(page)

    def codes() -> str:
        assert page.report is not None
        return next(r for r in page.report.rows if r.patient_id == patient).result.codes_text()

    assert "99454" not in codes()
    tab.add_device()
    dialog = _dialog(tab, DeviceDialog)
    _type(qtbot, dialog.set_up, "10/04/2026")
    dialog.save_button.click()
    tab.add_days()
    days = _dialog(tab, ReadingDaysDialog)
    qtbot.keyClicks(days.dates, "10/04/2026..10/19/2026")
    days.save_button.click()
    qtbot.waitUntil(lambda: "99454" in codes())
    assert codes().startswith("99453, 99454")


def test_a_device_outside_rpm_or_twice_is_refused_in_the_form(tab, qtbot, workspace, patient):
    tab.add_device()
    dialog = _dialog(tab, DeviceDialog)
    _type(qtbot, dialog.set_up, "09/20/2026")  # RPM started 10/01/2026
    dialog.save_button.click()
    assert dialog.isVisible() and "09/20/2026 is before RPM started 10/01/2026" in dialog.message.text()
    assert dialog.focusWidget() is dialog.set_up
    _type(qtbot, dialog.set_up, "10/04/2026")
    dialog.save_button.click()
    assert not dialog.isVisible()
    tab.add_device()
    again = _dialog(tab, DeviceDialog)
    _type(qtbot, again.set_up, "10/04/2026")
    again.save_button.click()
    assert again.isVisible()
    assert "a blood pressure cuff set up on 10/04/2026 is already recorded for this patient" in again.message.text()
    assert len(_cells(tab.device_table)) == 1
