"""The queue counts minutes as the bill does (SPEC 3 "A minute belongs to the clinic-local
calendar day on which it was spent"; issue 12): a timed call across midnight is split, and a
queue built for an earlier day counts only what was spent by then."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caredesk.domain.calendar import Month
from caredesk.services import billing_report
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from tests.conftest import ZONE
from tests.services.test_billing_days import _patient


def _minutes(ws, pid: int, as_of: date) -> int:
    entry = next(r.entry for r in CallQueue(ws).build(as_of) if r.patient_id == pid)
    return entry.minutes


def test_a_timed_call_across_midnight_is_split_in_the_queue_as_on_the_bill(workspace):
    pid = _patient(workspace, "Q1", date(2026, 1, 5))
    start = datetime(2026, 10, 31, 23, 50, tzinfo=ZoneInfo(ZONE))
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 1), started_at=start)
    # 10 minutes before the clinic's midnight are October's, 10 after are November's.
    assert _minutes(workspace, pid, date(2026, 10, 31)) == 10
    assert _minutes(workspace, pid, date(2026, 11, 2)) == 10
    bill = next(r for r in billing_report.month_report(workspace, Month(2026, 11)).rows if r.patient_id == pid)
    assert bill.clinical_minutes == 10


def test_a_queue_for_an_earlier_day_leaves_out_minutes_logged_after_it(workspace):
    pid = _patient(workspace, "Q2", date(2026, 1, 5))
    log_time(workspace, pid, minutes=8, activity="care plan", on=date(2026, 11, 3))
    log_time(workspace, pid, minutes=9, activity="care plan", on=date(2026, 11, 10))
    assert _minutes(workspace, pid, date(2026, 11, 5)) == 8
    assert _minutes(workspace, pid, date(2026, 11, 10)) == 17
