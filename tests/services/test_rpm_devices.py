"""RPM devices and reading days over a real store: entered, checked, corrected, audited, and
the month's billing recomputed from them (SPEC 3 row 99453 / 99454 / 99445; SPEC 8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.errors import NotFound, ValidationError
from caredesk.services import billing_report
from caredesk.services import rpm_devices as rpm
from caredesk.services.changes import Kind
from caredesk.services.patients import add_patient
from tests.conftest import TODAY

NOV = Month(2026, 11)
OCT4 = date(2026, 10, 4)  # first period 10/04-11/02 closes in November


def _rpm_patient(
    ws,
    mrn: str = "R1",
    consent: date | None = date(2026, 10, 1),
    program: Program = Program.RPM,
    end: date | None = None,
) -> int:
    enrollment = Enrollment(
        patient_id=0,
        program=program,
        start_date=date(2026, 10, 1),
        end_date=end,
        consent_date=consent,
        consent_method="verbal" if consent else None,
    )
    p = add_patient(
        ws, Patient(mrn=mrn, given_name="Rita", family_name="Monitor", birth_date=date(1950, 1, 1)), enrollment
    )
    return p.value.id


def _events(ws, action: str) -> list:
    with ws.uow() as uow:
        return [e for e in uow.audit_log.all() if e.action == action and e.entity == rpm.ENTITY]


def _row(ws, pid: int):
    report = billing_report.month_report(ws, NOV)
    return next(r for r in report.rows if r.patient_id == pid)


def test_a_device_and_its_reading_days_bill_99453_and_99454_at_once(workspace):
    pid = _rpm_patient(workspace)
    before = billing_report.month_report(workspace, NOV)
    assert "99454" not in _row(workspace, pid).result.codes_text()
    saved = rpm.add_device(workspace, pid, kind="blood pressure cuff", set_up_on=OCT4)
    assert saved.changes.patients == {pid} and saved.changes.touches(Kind.CLINICAL)
    days = [OCT4 + timedelta(days=i) for i in range(16)]
    after = rpm.add_reading_days(workspace, saved.value.id, days)
    assert after.value.reading_days == tuple(days)
    report = billing_report.refresh_rows(workspace, before, after.changes.patients)
    row = next(r for r in report.rows if r.patient_id == pid)
    assert row.result.codes_text().startswith("99453, 99454")
    assert len(_events(workspace, actions.RECORD_CREATED)) == 1
    assert [e.detail for e in _events(workspace, actions.RECORD_CHANGED)] == ["16 reading days added"]


def test_a_bad_reading_date_stores_none_of_the_dates(workspace):
    pid = _rpm_patient(workspace)
    device = rpm.add_device(workspace, pid, kind="scale", set_up_on=OCT4).value
    with pytest.raises(ValidationError) as before_setup:
        rpm.add_reading_days(workspace, device.id, [OCT4, OCT4 - timedelta(days=1)])
    assert before_setup.value.field == "reading date" and "before the set-up date 10/04/2026" in str(before_setup.value)
    with pytest.raises(ValidationError, match="after today"):
        rpm.add_reading_days(workspace, device.id, [TODAY + timedelta(days=1)])
    rpm.add_reading_days(workspace, device.id, [OCT4])
    with pytest.raises(ValidationError, match="10/04/2026 is already recorded"):
        rpm.add_reading_days(workspace, device.id, [OCT4 + timedelta(days=1), OCT4])
    assert rpm.devices(workspace, pid)[0].reading_days == (OCT4,)


def test_ending_or_moving_a_device_keeps_its_reading_days_inside(workspace):
    pid = _rpm_patient(workspace)
    device = rpm.add_device(workspace, pid, kind="glucometer", set_up_on=OCT4).value
    rpm.add_reading_days(workspace, device.id, [OCT4, date(2026, 10, 20)])
    with pytest.raises(ValidationError) as late:
        rpm.change_device(workspace, device.id, ended_on=date(2026, 10, 10))
    assert late.value.field == "end date" and "1 reading day is after it" in str(late.value)
    with pytest.raises(ValidationError) as early:
        rpm.change_device(workspace, device.id, set_up_on=date(2026, 10, 5))
    assert early.value.field == "set-up date"
    with pytest.raises(ValidationError) as future:
        rpm.change_device(workspace, device.id, ended_on=TODAY + timedelta(days=3))
    assert future.value.field == "end date"
    ended = rpm.change_device(workspace, device.id, ended_on=date(2026, 10, 25), kind="pulse oximeter")
    assert ended.value.ended_on == date(2026, 10, 25) and ended.value.kind.value == "pulse oximeter"
    assert _events(workspace, actions.RECORD_CHANGED)[-1].detail == "device kind; end date"
    # The period closed early on 10/25 with 2 days: October's 99445 and set-up, not November's.
    assert "99445" not in _row(workspace, pid).result.codes_text()


def test_removing_days_and_devices_recomputes_and_is_audited(workspace):
    pid = _rpm_patient(workspace)
    device = rpm.add_device(workspace, pid, kind="scale", set_up_on=OCT4).value
    rpm.add_reading_days(workspace, device.id, [OCT4 + timedelta(days=i) for i in range(16)])
    with pytest.raises(ValidationError, match="10/30/2026 is not recorded"):
        rpm.remove_reading_days(workspace, device.id, [OCT4, date(2026, 10, 30)])
    rpm.remove_reading_days(workspace, device.id, [OCT4])
    assert "99445" in _row(workspace, pid).result.codes_text()  # 15 days now
    rpm.remove_device(workspace, device.id)
    assert rpm.devices(workspace, pid) == []
    assert [e.detail for e in _events(workspace, actions.RECORD_REMOVED)] == ["with 15 reading days"]
    with pytest.raises(NotFound):
        rpm.add_reading_days(workspace, device.id, [OCT4])


def test_reading_days_before_consent_do_not_bill(workspace):
    pid = _rpm_patient(workspace, consent=date(2026, 10, 31))
    device = rpm.add_device(workspace, pid, kind="blood pressure cuff", set_up_on=OCT4).value
    rpm.add_reading_days(workspace, device.id, [OCT4 + timedelta(days=i) for i in range(20)])
    row = _row(workspace, pid)
    assert "99454" not in row.result.codes_text() and "99445" not in row.result.codes_text()
    assert any("20 reading days before the RPM consent of 10/31 do not count" in r for r in row.result.reasons)


def test_a_device_is_checked_before_it_is_stored(workspace):
    pid = _rpm_patient(workspace)
    with pytest.raises(ValidationError) as kind:
        rpm.add_device(workspace, pid, kind="toaster", set_up_on=OCT4)
    assert kind.value.field == "device kind"
    with pytest.raises(ValidationError) as order:
        rpm.add_device(workspace, pid, kind="scale", set_up_on=OCT4, ended_on=date(2026, 10, 1))
    assert order.value.field == "end date"
    with pytest.raises(ValidationError) as born:
        rpm.add_device(workspace, pid, kind="scale", set_up_on=date(1949, 1, 1))
    assert born.value.field == "set-up date"
    with pytest.raises(NotFound):
        rpm.add_device(workspace, 9999, kind="scale", set_up_on=OCT4)
    assert rpm.devices(workspace, pid) == []


def test_the_chart_sees_what_each_closed_period_bills_and_why(workspace):
    pid = _rpm_patient(workspace)
    cuff = rpm.add_device(workspace, pid, kind="blood pressure cuff", set_up_on=OCT4).value
    rpm.add_reading_days(workspace, cuff.id, [OCT4 + timedelta(days=i) for i in range(16)])
    scale = rpm.add_device(workspace, pid, kind="scale", set_up_on=date(2026, 10, 6), ended_on=date(2026, 10, 20)).value
    rpm.add_reading_days(workspace, scale.id, [date(2026, 10, 7), date(2026, 10, 8)])
    bills = rpm.period_bills(workspace, pid)
    # Periods are billed in the order they close: the scale, taken back on 10/20, closed first
    # with 2 days (99445 and the episode's set-up); the cuff's overlapping 30 days bill nothing.
    assert bills[(scale.id, 1)] == "99453, 99445"
    assert bills[(cuff.id, 1)] == (
        "nothing: blood pressure cuff period 10/04-11/02: one device code per 30 days, "
        "the scale period 10/06-11/04 has it"
    )
    assert (cuff.id, 2) not in bills  # open until 12/02: it bills when it ends


def test_a_device_needs_rpm_on_its_set_up_day(workspace):
    """A device for a patient not in RPM would never bill (SPEC 3: RPM's codes are for a patient
    enrolled in RPM): refused on the set-up date, adding or moving it."""
    ccm_only = _rpm_patient(workspace, "C1", program=Program.CCM)
    with pytest.raises(ValidationError) as err:
        rpm.add_device(workspace, ccm_only, kind="scale", set_up_on=date(2026, 11, 5))
    assert err.value.field == "set-up date"
    assert err.value.message == "the patient is not enrolled in RPM on 11/05/2026 - enroll them in RPM first"
    assert rpm.devices(workspace, ccm_only) == []
    ended = _rpm_patient(workspace, "E1", end=date(2026, 11, 15))
    with pytest.raises(ValidationError) as after:
        rpm.add_device(workspace, ended, kind="scale", set_up_on=date(2026, 11, 16))
    assert after.value.field == "set-up date" and after.value.message == "11/16/2026 is after RPM ended 11/15/2026"
    with pytest.raises(ValidationError) as before:
        rpm.add_device(workspace, ended, kind="scale", set_up_on=date(2026, 9, 30))
    assert before.value.message == "09/30/2026 is before RPM started 10/01/2026"
    device = rpm.add_device(workspace, ended, kind="scale", set_up_on=date(2026, 11, 4)).value
    with pytest.raises(ValidationError) as moved:
        rpm.change_device(workspace, device.id, set_up_on=date(2026, 9, 28))
    assert moved.value.field == "set-up date" and "before RPM started 10/01/2026" in moved.value.message


def test_reading_days_outside_rpm_are_refused(workspace):
    pid = _rpm_patient(workspace, end=date(2026, 11, 15))
    device = rpm.add_device(workspace, pid, kind="scale", set_up_on=date(2026, 11, 4)).value
    with pytest.raises(ValidationError) as err:
        rpm.add_reading_days(workspace, device.id, [date(2026, 11, 14), date(2026, 11, 16)])
    assert err.value.field == "reading date" and err.value.message == "11/16/2026 is after RPM ended 11/15/2026"
    assert rpm.devices(workspace, pid)[0].reading_days == ()
    rpm.add_reading_days(workspace, device.id, [date(2026, 11, 14), date(2026, 11, 15)])


def test_the_same_device_twice_is_refused(workspace):
    pid = _rpm_patient(workspace)
    first = rpm.add_device(workspace, pid, kind="scale", set_up_on=date(2026, 11, 5)).value
    with pytest.raises(ValidationError) as err:
        rpm.add_device(workspace, pid, kind="scale", set_up_on=date(2026, 11, 5))
    assert err.value.field == "device"
    assert err.value.message == "a scale set up on 11/05/2026 is already recorded for this patient"
    other = rpm.add_device(workspace, pid, kind="blood pressure cuff", set_up_on=date(2026, 11, 5)).value
    with pytest.raises(ValidationError, match="a scale set up on 11/05/2026 is already recorded"):
        rpm.change_device(workspace, other.id, kind="scale")
    assert {d.id for d in rpm.devices(workspace, pid)} == {first.id, other.id}
