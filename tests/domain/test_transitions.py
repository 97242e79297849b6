"""TCM deadlines from a discharge: contact in 2 business days, visit in 7 or 14 days."""

from datetime import date

from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.transitions import (
    FACE_TO_FACE,
    TCM_CONTACT,
    Deadline,
    DeadlineStatus,
    open_deadlines,
    tcm_deadlines,
)


def _t(discharged, *, pid=1, complexity=Complexity.MODERATE, contacted=None, seen=None):
    return Transition(
        patient_id=pid,
        facility="General",
        admitted_on=None,
        discharged_on=discharged,
        complexity=complexity,
        contacted_on=contacted,
        seen_on=seen,
    )


DUE = date(2026, 11, 10)


def test_done_on_the_due_date_is_met():
    assert Deadline(TCM_CONTACT, DUE, DUE).status(date(2026, 12, 1)) is DeadlineStatus.MET


def test_done_after_the_due_date_is_met_late():
    assert Deadline(TCM_CONTACT, DUE, date(2026, 11, 11)).status(date(2026, 11, 11)) is DeadlineStatus.MET_LATE


def test_not_done_on_the_due_date_is_still_due():
    assert Deadline(TCM_CONTACT, DUE, None).status(DUE) is DeadlineStatus.DUE


def test_not_done_the_day_after_is_overdue():
    assert Deadline(TCM_CONTACT, DUE, None).status(date(2026, 11, 11)) is DeadlineStatus.OVERDUE


def test_high_complexity_visit_due_in_7_days_moderate_in_14():
    high = tcm_deadlines(_t(date(2026, 11, 2), complexity=Complexity.HIGH))[1]
    moderate = tcm_deadlines(_t(date(2026, 11, 2)))[1]
    assert (high.kind, high.due) == (FACE_TO_FACE, date(2026, 11, 9))
    assert moderate.due == date(2026, 11, 16)


def test_deadlines_carry_what_was_done():
    contact, visit = tcm_deadlines(_t(date(2026, 11, 2), contacted=date(2026, 11, 3), seen=date(2026, 11, 20)))
    assert contact.done_on == date(2026, 11, 3)
    assert contact.status(date(2026, 11, 30)) is DeadlineStatus.MET
    assert visit.status(date(2026, 11, 30)) is DeadlineStatus.MET_LATE


def test_open_deadlines_leave_out_met_and_old_discharges_and_sort_by_due():
    as_of = date(2026, 11, 20)
    recent = _t(date(2026, 11, 18), pid=1)  # contact due Fri 20, visit due Dec 2
    met_contact = _t(date(2026, 11, 10), pid=2, contacted=date(2026, 11, 11))  # visit due Nov 24
    all_met = _t(date(2026, 11, 9), pid=3, contacted=date(2026, 11, 10), seen=date(2026, 11, 12))
    too_old = _t(date(2026, 10, 1), pid=4)  # beyond the 30-day TCM period
    found = open_deadlines([recent, met_contact, all_met, too_old], as_of)
    assert [(t.patient_id, d.kind, d.due) for t, d in found] == [
        (1, TCM_CONTACT, date(2026, 11, 20)),
        (2, FACE_TO_FACE, date(2026, 11, 24)),
        (1, FACE_TO_FACE, date(2026, 12, 2)),
    ]


def test_open_deadlines_keep_overdue_within_thirty_days():
    t = _t(date(2026, 11, 2))  # contact due Wed Nov 4, never made
    found = open_deadlines([t], date(2026, 11, 20))
    assert [d.kind for _t, d in found] == [TCM_CONTACT, FACE_TO_FACE]
    assert found[0][1].status(date(2026, 11, 20)) is DeadlineStatus.OVERDUE
    assert open_deadlines([t], date(2026, 12, 2)) == []  # day 30 after discharge: period over
