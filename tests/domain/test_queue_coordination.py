"""The queue's coordination reasons, with plain values: appointments, letters, the TCM steps.

SPEC §3 "Call queue": overdue and due-today follow-ups and tasks rank after transition
deadlines; after three unanswered attempts in a month a letter task is proposed.
SPEC §3 "Transitions of care": each deadline appears until met; medication reconciliation
is due by the visit (CMS MLN908628).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus, clock_time, reminder_day
from caredesk.domain.contacts import Outcome
from caredesk.domain.coordination import Transition
from caredesk.domain.queue import ReasonKind, entry_for
from caredesk.errors import ValidationError
from tests.domain.test_queue import NY, TODAY, call, facts


def appt(day: date, hour: int = 9, minute: int = 30, **kw) -> Appointment:
    kw.setdefault("kind", AppointmentKind.PCP)
    return Appointment(patient_id=1, at=datetime.combine(day, time(hour, minute), tzinfo=NY), with_whom="Dr. A", **kw)


def texts(f, as_of: date) -> list[str]:
    e = entry_for(f, as_of, NY)
    return [] if e is None else [r.text for r in e.reasons]


def test_reminder_day_is_the_working_day_before():
    assert reminder_day(date(2026, 11, 30)) == date(2026, 11, 27)  # Monday -> Friday
    assert reminder_day(date(2026, 11, 27)) == date(2026, 11, 25)  # Friday after Thanksgiving -> Wednesday
    assert reminder_day(date(2027, 1, 19)) == date(2027, 1, 15)  # Tuesday after MLK day -> Friday
    assert reminder_day(date(2026, 11, 25)) == date(2026, 11, 24)


def test_clock_time_reads_like_a_us_clinic():
    assert [clock_time(datetime(2026, 1, 1, h, m)) for h, m in ((9, 30), (0, 5), (12, 0), (14, 5))] == [
        "9:30 AM",
        "12:05 AM",
        "12:00 PM",
        "2:05 PM",
    ]


def test_appointment_tomorrow_is_a_reminder_call_today():
    f = facts(minutes={}, appointments=(appt(date(2026, 11, 25)),))
    e = entry_for(f, TODAY, NY)
    reason = next(r for r in e.reasons if "Appointment" in r.text)
    assert reason.text == "Appointment tomorrow (PCP visit 9:30 AM) - reminder call"
    assert reason.kind is ReasonKind.TASK and reason.due == TODAY


def test_a_monday_appointment_is_reminded_on_friday_not_before():
    f = facts(minutes={}, appointments=(appt(date(2026, 11, 30), 14, 0, kind=AppointmentKind.SPECIALIST),))
    assert not any("Appointment" in t for t in texts(f, date(2026, 11, 25)))
    assert "Appointment Mon 11/30 (specialist 2:00 PM) - reminder call" in texts(f, date(2026, 11, 27))
    assert not any("Appointment" in t for t in texts(f, date(2026, 11, 30)))  # the day itself: no reminder


def test_a_call_that_reaches_the_patient_or_leaves_a_message_is_the_reminder():
    a = appt(date(2026, 11, 25))
    before = facts(minutes={}, appointments=(a,), contacts=(call(TODAY - timedelta(days=1), cid=1),))
    assert any("reminder call" in t for t in texts(before, TODAY))  # a call the day before does not count
    reached = facts(minutes={}, appointments=(a,), contacts=(call(TODAY, hour=9, cid=2),))
    assert not any("reminder call" in t for t in texts(reached, TODAY))


def test_after_the_appointment_it_asks_kept_or_missed_until_recorded():
    past = appt(date(2026, 11, 20))
    f = facts(minutes={}, appointments=(past,))
    e = entry_for(f, TODAY, NY)
    (reason,) = [r for r in e.reasons if "Appointment" in r.text]
    assert reason.text == "Appointment on 11/20 - kept or missed?" and reason.kind is ReasonKind.TASK
    for status in (AppointmentStatus.KEPT, AppointmentStatus.MISSED, AppointmentStatus.CANCELLED):
        recorded = facts(minutes={}, appointments=(Appointment(**{**_fields(past), "status": status}),))
        assert not any("Appointment" in t for t in texts(recorded, TODAY))


def _fields(a: Appointment) -> dict:
    return {k: getattr(a, k) for k in a.__dataclass_fields__}


def test_a_closed_letter_task_ends_the_letter_reason_until_three_more_go_unanswered():
    tries = tuple(call(date(2026, 11, d), Outcome.VOICEMAIL, cid=d) for d in (16, 18, 20))
    pending = facts(contacts=tries, minutes={})
    assert ReasonKind.LETTER in [r.kind for r in entry_for(pending, TODAY, NY).reasons]
    closed = facts(contacts=tries, minutes={}, letter_closed_at=datetime(2026, 11, 23, 15, tzinfo=NY))
    e = entry_for(closed, TODAY, NY)
    assert e is None or ReasonKind.LETTER not in [r.kind for r in e.reasons]
    # A letter closed before this run of unanswered calls does not stand for it.
    old = facts(contacts=tries, minutes={}, letter_closed_at=datetime(2026, 11, 2, 15, tzinfo=NY))
    assert ReasonKind.LETTER in [r.kind for r in entry_for(old, TODAY, NY).reasons]


def test_reconciliation_left_after_the_visit_is_its_own_overdue_reason():
    stay = Transition(
        patient_id=1,
        facility="General",
        admitted_on=None,
        discharged_on=date(2026, 11, 16),
        contacted_on=date(2026, 11, 17),
        seen_on=date(2026, 11, 20),
    )
    f = facts(transitions=(stay,))
    e = entry_for(f, TODAY, NY)
    assert e.reasons[0].text == "Discharged 11/16 - medication reconciliation overdue since 11/20"
    assert e.reasons[0].kind is ReasonKind.TRANSITION
    done = facts(transitions=(Transition(**{**_fields(stay), "meds_reconciled_on": date(2026, 11, 20)}),))
    assert entry_for(done, TODAY, NY) is None  # every deadline met: nothing left to call about


def test_typed_clock_times():
    from caredesk.domain.appointments import parse_clock_time

    for text, expected in (("9:30 AM", time(9, 30)), ("9:30am", time(9, 30)), ("2 PM", time(14, 0))):
        assert parse_clock_time("time", text) == expected
    assert parse_clock_time("time", "12:15 a.m.") == time(0, 15)
    assert parse_clock_time("time", "14:30") == time(14, 30)
    for bad in ("", "9", "13:00 PM", "24:00", "9:75", "noon"):
        with pytest.raises(ValidationError) as caught:
            parse_clock_time("time", bad)
        assert caught.value.field == "time"
