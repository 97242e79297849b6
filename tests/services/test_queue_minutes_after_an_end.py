"""The queue counts a month's minutes as the bill does, minutes after a program's end included
(SPEC 3 "Billing": a program that ended bills nothing after its end date; "Call queue": enrolled
patients short of the month's time threshold), on a real store through the services the app and
the CLI call: the queue and `caredesk report billing` (services.billing_report) agree."""

from __future__ import annotations

from datetime import date

from caredesk.domain.calendar import Month
from caredesk.domain.queue import ReasonKind
from caredesk.services import billing_report
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_time
from caredesk.services.enrollments import end_enrollment, enroll
from tests.services.test_billing_days import _patient

TODAY = date(2026, 11, 24)  # the clock fixture's clinic day


def test_minutes_after_the_end_moved_back_count_for_nothing_in_the_queue_as_in_the_report(workspace):
    # CCM from 01/05 with consent; 5 min on 11/05 and 12 min on 11/15 while it ran; then its end
    # is moved back to 11/10 and the patient is enrolled again from 11/20, consent on file.
    pid = _patient(workspace, "E1", date(2026, 1, 5))
    log_time(workspace, pid, minutes=5, activity="care plan", on=date(2026, 11, 5))
    log_time(workspace, pid, minutes=12, activity="care plan", on=date(2026, 11, 15))
    with workspace.reading() as uow:
        (first,) = uow.enrollments.for_patient(pid)
    end_enrollment(workspace, first.id, date(2026, 11, 10))
    enroll(workspace, pid, "CCM", date(2026, 11, 20), consent_date=date(2026, 11, 20), consent_method="verbal")

    row = next(r for r in billing_report.month_report(workspace, Month(2026, 11)).rows if r.patient_id == pid)
    # The report's (the bill's) minutes so far and the next threshold, and why the 12 do not count.
    assert row.next_threshold == (5, 20)
    assert "12 min after CCM ended 11/10 count for nothing" in row.result.reasons

    entry = next(r.entry for r in CallQueue(workspace).build(TODAY) if r.patient_id == pid)
    assert (entry.minutes, entry.threshold) == row.next_threshold
    minutes = next(r.text for r in entry.reasons if r.kind is ReasonKind.MINUTES)
    assert minutes == "5 of 20 min this month, 4 working days left (12 min after CCM ended 11/10 count for nothing)"
