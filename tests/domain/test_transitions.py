"""TCM deadlines from a discharge: contact in 2 business days, visit in 7 or 14 days."""

from dataclasses import replace
from datetime import date

from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.transitions import (
    FACE_TO_FACE,
    MED_RECONCILIATION,
    TCM_CONTACT,
    Deadline,
    DeadlineStatus,
    open_deadlines,
    reconciliation_deadline,
    stay_deadlines,
    tcm_deadlines,
    timely_attempts,
)


def _t(discharged, *, pid=1, complexity=Complexity.MODERATE, contacted=None, seen=None, reconciled=False):
    return Transition(
        patient_id=pid,
        facility="General",
        admitted_on=None,
        discharged_on=discharged,
        complexity=complexity,
        contacted_on=contacted,
        seen_on=seen,
        meds_reconciled_on=seen if reconciled else None,
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
    all_met = _t(date(2026, 11, 9), pid=3, contacted=date(2026, 11, 10), seen=date(2026, 11, 12), reconciled=True)
    too_old = _t(date(2026, 10, 1), pid=4)  # beyond the 30-day TCM period
    found = open_deadlines([recent, met_contact, all_met, too_old], as_of)
    assert [(t.patient_id, d.kind, d.due) for t, d in found] == [
        (1, TCM_CONTACT, date(2026, 11, 20)),
        (2, FACE_TO_FACE, date(2026, 11, 24)),
        (2, MED_RECONCILIATION, date(2026, 11, 24)),
        (1, FACE_TO_FACE, date(2026, 12, 2)),
        (1, MED_RECONCILIATION, date(2026, 12, 2)),
    ]


def test_open_deadlines_keep_overdue_within_thirty_days():
    t = _t(date(2026, 11, 2))  # contact due Wed Nov 4, never made
    found = open_deadlines([t], date(2026, 11, 20))
    assert [d.kind for _t, d in found] == [TCM_CONTACT, FACE_TO_FACE, MED_RECONCILIATION]
    assert found[0][1].status(date(2026, 11, 20)) is DeadlineStatus.OVERDUE
    assert open_deadlines([t], date(2026, 12, 2)) == []  # day 30 after discharge: period over


def test_medication_reconciliation_is_due_by_the_visit_deadline_until_the_visit_is_made():
    # CMS MLN908628 (TCM): medication reconciliation "no later than the date of the face-to-face visit".
    open_stay = _t(date(2026, 11, 2))
    rec = stay_deadlines(open_stay)[2]
    assert (rec.kind, rec.due, rec.done_on) == (MED_RECONCILIATION, date(2026, 11, 16), None)
    seen_early = _t(date(2026, 11, 2), seen=date(2026, 11, 9))
    assert reconciliation_deadline(seen_early).due == date(2026, 11, 9)  # the visit came: due that day
    done = replace(seen_early, meds_reconciled_on=date(2026, 11, 10))
    assert reconciliation_deadline(done).status(date(2026, 11, 30)) is DeadlineStatus.MET_LATE
    on_time = replace(seen_early, meds_reconciled_on=date(2026, 11, 5))
    assert reconciliation_deadline(on_time).status(date(2026, 11, 30)) is DeadlineStatus.MET


def test_two_timely_attempts_are_those_up_to_the_contact_due_date():
    # CMS MLN908628: two or more separate, timely attempts stand for the contact.
    t = _t(date(2026, 11, 25))  # Wed before Thanksgiving: contact due Mon Nov 30
    tries = [date(2026, 11, 24), date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)]
    assert timely_attempts(t, tries) == [date(2026, 11, 27), date(2026, 11, 30)]
