"""The chart's "RPM devices" tab: each device with its 30-day periods and reading days.

What RPM's device codes read (99453, 99454, 99445; caredesk.domain.billing_rpm_devices):
the devices, newest first, each with its kind, set-up day and end day; below, the selected
device's 30-day periods (days 1-30, 31-60, ... from the set-up) with the days that had
readings, and buttons to record or take back reading days (typed as the vendor's portal
lists them: dates, or FROM..TO for a run). Every write goes through services.rpm_devices
and is published, so the month's billing recomputes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date, us_month_day
from caredesk.domain.rpm_devices import MEASURES, DeviceKind, Period, RpmDevice, parse_reading_dates, periods
from caredesk.services import rpm_devices as rpm
from caredesk.services.changes import Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.tab_parts import (
    DATE_HINT,
    ButtonRow,
    ConfirmRemoveDialog,
    FormDialog,
    LazyTab,
    RecordTable,
    Row,
    date_text,
    line,
    open_form,
    typed_date,
)
from caredesk.ui.common.forms import button, combo, heading, info_label

# The fewest reading days a 30-day period bills with from 2026 (99445), and 99454's (CMS CY2026
# PFS final rule): a closed period short of the first is flagged, one short of 16 is noted.
_FEWEST, _FULL = 2, 16


def device_row(d: RpmDevice, today: date) -> Row:
    """(set up, device with its state and the current period's days) for the list of devices."""
    assert d.id is not None
    state = f"ended {us_date(d.ended_on)}" if d.ended_on else "in use"
    now = periods(d, today)
    current = ""
    if now and d.ended_on is None:
        p = now[-1]
        current = f"\nthis period {p.span}: {_days(len(p.days))}"
    return Row(
        d.id,
        (us_date(d.set_up_on), f"{d.kind.value} ({MEASURES[d.kind]}), {state}{current}"),
        "" if d.ended_on is None else "muted",
    )


def period_row(p: Period, today: date, bills: str = "") -> Row:
    """(period, dates, reading days, what it bills) for one 30-day period; a closed period with
    too few days for any device code is red, one short of 99454's 16 amber."""
    closed = p.closes < today or (p.device.ended_on is not None and p.closes <= today)
    dates = f"{us_date(p.start)} to {us_date(p.closes)}" + ("" if closed else " (open)")
    days = _days(len(p.days))
    if p.days:
        days += ": " + ", ".join(us_month_day(d) for d in p.days)
    role = ""
    if closed and len(p.days) < _FEWEST:
        role = "error"
    elif closed and len(p.days) < _FULL:
        role = "warning"
    short = bills.split(":")[0].split(" (")[0]  # "99453, 99454" or "nothing"; the why goes below
    return Row(p.number, (str(p.number), dates, days, short or ("when it ends" if not closed else "")), role)


RULES = (
    "Each 30-day period bills in the month it ends: 16 or more reading days 99454, 2-15 days 99445 "
    "(from 2026); one device code per patient per 30 days; 99453 once, with the first."
)


def _why(bills: str) -> str:
    """The reason part of services.rpm_devices.period_bills' text ("" when it bills in full)."""
    if bills.startswith("nothing: "):
        return bills.removeprefix("nothing: ")
    return bills.partition(" (")[2].removesuffix(")")


def _days(n: int) -> str:
    return f"{n} reading day{'' if n == 1 else 's'}"


class DeviceDialog(FormDialog):
    """Add a device, or correct one's kind and dates (an end day ends it)."""

    def __init__(self, ws: Workspace, patient_id: int, device: RpmDevice | None = None, parent: QWidget | None = None):
        super().__init__("Edit RPM device" if device else "Add RPM device", parent)
        self.ws, self.patient_id, self.device = ws, patient_id, device
        self.kind = combo("Device kind", [k.value for k in DeviceKind])
        self.kind.setToolTip("\n".join(f"{k.value}: {MEASURES[k]}" for k in DeviceKind))
        if device is not None:
            self.kind.setCurrentText(device.kind.value)
        self.set_up = line(
            "Set-up date",
            f"{DATE_HINT}: supplied and set up with the patient",
            date_text(device.set_up_on if device else ws.today()),
        )
        self.ended = line(
            "End date", f"{DATE_HINT}, blank while in use", date_text(device.ended_on if device else None)
        )
        self.add_rows(
            [
                ("&Kind", self.kind, "device kind"),
                ("&Set up", self.set_up, "set-up date"),
                ("&Ended", self.ended, "end date"),
            ]
        )

    def save(self) -> Saved[Any]:
        set_up = typed_date("set-up date", self.set_up)
        assert set_up is not None
        ended = typed_date("end date", self.ended, required=False)
        if self.device is None:
            return rpm.add_device(
                self.ws, self.patient_id, kind=self.kind.currentText(), set_up_on=set_up, ended_on=ended
            )
        assert self.device.id is not None
        return rpm.change_device(
            self.ws, self.device.id, kind=self.kind.currentText(), set_up_on=set_up, ended_on=ended
        )


class ReadingDaysDialog(FormDialog):
    """Record, or take back, days on which the device transmitted readings."""

    def __init__(self, ws: Workspace, device: RpmDevice, *, remove: bool = False, parent: QWidget | None = None):
        super().__init__("Remove reading days" if remove else "Add reading days", parent)
        self.ws, self.device, self.remove = ws, device, remove
        self.dates = QPlainTextEdit()
        self.dates.setAccessibleName("Reading dates")
        self.dates.setTabChangesFocus(True)  # Tab goes on to the buttons, as in every form
        self.dates.setPlaceholderText(f"{DATE_HINT}, separated by spaces or commas; FROM..TO for every day of a run")
        self.dates.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.form.addRow(
            heading(f"The {device.name}" + (f", ended {us_date(device.ended_on)}" if device.ended_on else ""), "")
        )
        self.add_rows([("&Dates", self.dates, "reading date")])
        if remove:
            self.save_button.setText("&Remove")
            self.save_button.setAccessibleName("Remove")

    def save(self) -> Saved[Any]:
        assert self.device.id is not None
        days = parse_reading_dates(self.dates.toPlainText())
        if self.remove:
            return rpm.remove_reading_days(self.ws, self.device.id, days)
        return rpm.add_reading_days(self.ws, self.device.id, days)


class RemoveDeviceDialog(ConfirmRemoveDialog):
    def __init__(self, ws: Workspace, device: RpmDevice, parent: QWidget | None = None):
        device_id = device.id
        assert device_id is not None
        super().__init__(
            "Remove RPM device",
            f"Remove the {device.name} and its {_days(len(device.reading_days))}? Use this for a device "
            "entered by mistake; a device that was used and taken back is ended instead (Edit device).",
            lambda: rpm.remove_device(ws, device_id),
            parent,
        )


D = TypeVar("D", bound=FormDialog)


class RpmDevicesTab(LazyTab):
    tab_title = "RPM devices"
    kinds = (Kind.CLINICAL,)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("RPM devices")
        self._devices: dict[int, RpmDevice] = {}
        self._bills: dict[tuple[int, int], str] = {}
        self.device_table = RecordTable("RPM devices", ("Set up", "Device"), 1)
        self.device_table.current_changed.connect(self._show_current)
        self.device_table.activated.connect(lambda _index: self.edit_device())
        self.no_devices = heading(
            "No RPM devices recorded. Add a device when it is set up with the patient; its reading days bill "
            "99453, 99454 or 99445.",
            "muted",
        )
        self.add_button = button("Add &device…", "Add RPM device")
        self.edit_button = button("Ed&it device…", "Edit RPM device")
        self.remove_button = button("Re&move device…", "Remove RPM device")
        self.add_button.clicked.connect(self.add_device)
        self.edit_button.clicked.connect(self.edit_device)
        self.remove_button.clicked.connect(self.remove_device)

        self.detail_title = info_label("Selected device", "section")
        self.period_table = RecordTable(
            "30-day periods", ("Period", "Dates", "Reading days", "Bills"), 2, fit_height=True
        )
        self.period_table.setSelectionMode(RecordTable.SelectionMode.NoSelection)  # read, not picked
        self.detail = info_label("How periods bill")
        self.add_days_button = button("Add &reading days…", "Add reading days")
        self.remove_days_button = button("Remove reading da&ys…", "Remove reading days")
        self.add_days_button.clicked.connect(self.add_days)
        self.remove_days_button.clicked.connect(self.remove_days)

        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(heading("RPM devices", "section"))
        lay.addWidget(self.device_table, 1)
        lay.addWidget(self.no_devices)
        lay.addLayout(ButtonRow(self.add_button, self.edit_button, self.remove_button))
        lay.addWidget(self.detail_title)
        lay.addWidget(self.period_table)
        lay.addWidget(self.detail)
        lay.addLayout(ButtonRow(self.add_days_button, self.remove_days_button))
        lay.addStretch(0)
        self.drop()

    # -- reading -----------------------------------------------------------------
    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        found = rpm.devices(self.ws, self.patient_id)
        self._devices = {d.id: d for d in found if d.id is not None}
        self._bills = rpm.period_bills(self.ws, self.patient_id)
        today = self.ws.today()
        self.device_table.fill([device_row(d, today) for d in found])
        self.setEnabled(True)
        self._show_current()

    def drop(self) -> None:
        self._devices, self._bills = {}, {}
        self.device_table.fill([])
        self.setEnabled(self.patient_id is not None)
        self._show_current()

    def current(self) -> RpmDevice | None:
        did = self.device_table.current_id()
        return None if did is None else self._devices.get(did)

    def _show_current(self) -> None:
        device = self.current()
        has_rows = self.device_table.rowCount() > 0
        self.device_table.setVisible(has_rows)
        self.no_devices.setVisible(not has_rows)
        self.add_button.setEnabled(self.patient_id is not None)
        for w in (self.edit_button, self.remove_button, self.add_days_button, self.remove_days_button):
            w.setEnabled(device is not None)
        self.remove_days_button.setEnabled(device is not None and bool(device.reading_days))
        for part in (self.detail_title, self.period_table, self.detail):
            part.setVisible(device is not None)
        if device is None or self.ws is None:
            self.detail_title.clear()
            self.period_table.fill([])
            return
        today = self.ws.today()
        self.detail_title.setText(f"{device.name[:1].upper()}{device.name[1:]}: 30-day periods, newest first")
        shown = periods(device, today)[::-1]
        bills = [self._bills.get((device.id or 0, p.number), "") for p in shown]
        self.period_table.fill([period_row(p, today, b) for p, b in zip(shown, bills, strict=True)])
        # Why a period bills less than it might, newest first, above the rules themselves.
        whys = [f"Period {p.number}: {_why(b)}" for p, b in zip(shown, bills, strict=True) if _why(b)]
        self.detail.setText("\n".join([*whys[:3], RULES]))

    # -- writing -------------------------------------------------------------------
    def add_device(self) -> DeviceDialog | None:
        return self._open(lambda ws, pid: DeviceDialog(ws, pid, parent=self))

    def edit_device(self) -> DeviceDialog | None:
        d = self.current()
        return None if d is None else self._open(lambda ws, pid: DeviceDialog(ws, pid, d, parent=self))

    def remove_device(self) -> RemoveDeviceDialog | None:
        d = self.current()
        return None if d is None else self._open(lambda ws, _pid: RemoveDeviceDialog(ws, d, parent=self))

    def add_days(self) -> ReadingDaysDialog | None:
        d = self.current()
        return None if d is None else self._open(lambda ws, _pid: ReadingDaysDialog(ws, d, parent=self))

    def remove_days(self) -> ReadingDaysDialog | None:
        d = self.current()
        return None if d is None else self._open(lambda ws, _pid: ReadingDaysDialog(ws, d, remove=True, parent=self))

    def _open(self, make: Callable[[Workspace, int], D]) -> D | None:
        return open_form(self, make, self.device_table, lambda i: i in self._devices)
