"""A hospital stay entered after the calls that followed it, and stays that overlap, on a real store.

SPEC §3 "Transitions of care": the interactive contact is due by discharge + 2 business days
(weekends and US federal holidays skipped); CMS MLN908628 (TCM services): the contact is
"direct, telephone, or electronic communication" within 2 business days of discharge, so a
letter never counts, and "two or more separate attempts made in a timely manner" are recorded.
The clock fixture's today is Tuesday 11/24/2026; Thanksgiving is Thursday 11/26/2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.contacts import Channel
from caredesk.domain.transitions import DeadlineStatus
from caredesk.errors import ValidationError
from caredesk.services import stays as stay_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from tests.services.test_calls import _patient


def _call(ws, pid: int, day: date, *, outcome: str = "reached", channel: str = "phone") -> int:
    return log_contact(ws, pid, outcome=outcome, minutes=0, on=day, channel=channel).contact.id


def _stay(ws, pid: int, discharged: date, admitted: date | None = None):
    return stay_service.add_stay(ws, pid, facility="Mercy General", admitted_on=admitted, discharged_on=discharged)


def _tcm_reasons(ws, pid: int) -> list[str]:
    rows = CallQueue(ws).build()
    row = next((r for r in rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons if "TCM contact" in x.text]


def _transition_audit(ws, stay_id: int) -> list[str]:
    with ws.uow() as uow:
        return [
            e.detail
            for e in uow.audit_log.all()
            if e.entity == "transition" and e.entity_id == str(stay_id) and e.action == actions.RECORD_CHANGED
        ]


def _stored_stays(ws, pid: int):
    with ws.uow() as uow:
        return uow.transitions.for_patient(pid), uow.audit_log.count()


def test_a_call_made_before_the_stay_was_entered_is_its_tcm_contact(workspace):
    pid = _patient(workspace, "L1")
    before_discharge = _call(workspace, pid, date(2026, 11, 19))  # still in hospital: not timely
    contact_id = _call(workspace, pid, date(2026, 11, 23), channel="video")
    _call(workspace, pid, date(2026, 11, 24))  # a later one does not replace the earliest

    saved = _stay(workspace, pid, date(2026, 11, 20), admitted=date(2026, 11, 17))  # Friday; due Tue 11/24

    assert saved.changes.kinds == {Kind.TRANSITION} and saved.changes.patients == {pid}
    assert (saved.value.contacted_on, saved.value.contact_channel) == (date(2026, 11, 23), Channel.VIDEO)
    (view,) = stay_service.stays(workspace, pid)
    assert view.status(view.contact) is DeadlineStatus.MET
    assert _transition_audit(workspace, saved.value.id) == [f"TCM contact made (contact {contact_id})"]
    assert before_discharge != contact_id
    # The queue: no TCM contact reason although the stay was entered after the call.
    assert _tcm_reasons(workspace, pid) == []


def test_a_letter_is_never_taken_as_the_contact(workspace):
    pid = _patient(workspace, "L2")
    _call(workspace, pid, date(2026, 11, 23), outcome="sent", channel="letter")

    saved = _stay(workspace, pid, date(2026, 11, 20))

    assert saved.value.contacted_on is None and saved.value.contact_channel is None
    assert _transition_audit(workspace, saved.value.id) == []
    assert _tcm_reasons(workspace, pid) == ["Discharged 11/20 - TCM contact due today"]


def test_a_call_after_the_window_is_taken_as_met_late_and_a_corrected_discharge_re_evaluates(workspace):
    """One rule whatever the order of entry (services.tcm_contact): the earliest reached call in
    the 30-day period is the contact, "met late" after discharge + 2 business days, exactly as
    when the same call is logged after the stay. The call was made, so the queue stops asking;
    whether TCM bills is the bill's rule (CMS MLN908628)."""
    pid = _patient(workspace, "L3")
    contact_id = _call(workspace, pid, date(2026, 11, 20))  # Friday
    # Discharged Monday 11/16: the contact was due Wednesday 11/18, the call came after.
    saved = _stay(workspace, pid, date(2026, 11, 16))
    assert (saved.value.contacted_on, saved.value.contact_channel) == (date(2026, 11, 20), Channel.PHONE)
    (view,) = stay_service.stays(workspace, pid)
    assert view.status(view.contact) is DeadlineStatus.MET_LATE
    assert _tcm_reasons(workspace, pid) == []

    # The discharge was really Thursday 11/19: due Monday 11/23, so the Friday call was timely.
    fixed = stay_service.change_stay(workspace, saved.value.id, discharged_on=date(2026, 11, 19))

    assert fixed.value.contacted_on == date(2026, 11, 20)
    (view,) = stay_service.stays(workspace, pid)
    assert view.status(view.contact) is DeadlineStatus.MET
    assert _transition_audit(workspace, saved.value.id) == [
        f"TCM contact made (contact {contact_id})",
        "discharge date",
    ]


def test_the_same_late_call_logged_after_the_stay_is_the_same_contact(workspace):
    """The order of entry changes nothing: the 11/20 call logged after the 11/16 stay."""
    pid = _patient(workspace, "L4")
    saved = _stay(workspace, pid, date(2026, 11, 16))
    assert _tcm_reasons(workspace, pid) == ["Discharged 11/16 - TCM contact overdue since 11/18"]
    _call(workspace, pid, date(2026, 11, 20))
    (view,) = stay_service.stays(workspace, pid)
    assert (view.stay.contacted_on, view.status(view.contact)) == (date(2026, 11, 20), DeadlineStatus.MET_LATE)
    assert saved.value.id == view.stay.id and _tcm_reasons(workspace, pid) == []


def test_a_call_before_the_discharge_or_after_the_30_day_period_is_never_the_contact(workspace):
    pid = _patient(workspace, "L5")
    _call(workspace, pid, date(2026, 10, 1))  # before the discharge
    saved = _stay(workspace, pid, date(2026, 10, 2))
    _call(workspace, pid, date(2026, 11, 1))  # day 31 of the period beginning 10/02
    (view,) = stay_service.stays(workspace, pid)
    assert view.stay.contacted_on is None and saved.value.contacted_on is None


def test_two_timely_unanswered_attempts_before_the_stay_are_recorded_not_taken_as_the_contact(workspace):
    pid = _patient(workspace, "L4")
    _call(workspace, pid, date(2026, 11, 20), outcome="voicemail")
    _call(workspace, pid, date(2026, 11, 23), outcome="no answer")

    saved = _stay(workspace, pid, date(2026, 11, 20))

    # As for a call logged after the stay: attempts never fill the contact date, the stay lists them.
    assert saved.value.contacted_on is None
    (view,) = stay_service.stays(workspace, pid)
    assert view.attempts == (date(2026, 11, 20), date(2026, 11, 23))


OVERLAP = "this stay overlaps the stay of 11/10/2026 to 11/23/2026"


@pytest.mark.parametrize(
    ("admitted", "discharged", "field"),
    [
        (date(2026, 11, 5), date(2026, 11, 12), "admission date"),  # runs into it
        (date(2026, 11, 12), date(2026, 11, 15), "admission date"),  # inside it
        (None, date(2026, 11, 15), "discharge date"),  # a discharge inside it
        (date(2026, 11, 20), date(2026, 11, 24), "admission date"),  # starts inside it
    ],
)
def test_an_overlapping_stay_is_refused_naming_the_other_and_nothing_is_stored(workspace, admitted, discharged, field):
    pid = _patient(workspace, "O1")
    _stay(workspace, pid, date(2026, 11, 23), admitted=date(2026, 11, 10))
    before = _stored_stays(workspace, pid)

    with pytest.raises(ValidationError) as err:
        _stay(workspace, pid, discharged, admitted=admitted)

    assert (err.value.field, err.value.message) == (field, OVERLAP)
    assert _stored_stays(workspace, pid) == before


def test_a_transfer_on_the_discharge_day_is_not_an_overlap(workspace):
    pid = _patient(workspace, "O2")
    _stay(workspace, pid, date(2026, 11, 16), admitted=date(2026, 11, 10))
    # Discharged from the hospital to a skilled nursing facility the same day.
    saved = _stay(workspace, pid, date(2026, 11, 23), admitted=date(2026, 11, 16))
    assert saved.value.id is not None
    assert len(_stored_stays(workspace, pid)[0]) == 2


def test_a_correction_that_makes_stays_overlap_is_refused_and_nothing_is_stored(workspace):
    pid = _patient(workspace, "O3")
    _stay(workspace, pid, date(2026, 11, 23), admitted=date(2026, 11, 10))
    other = _stay(workspace, pid, date(2026, 11, 6), admitted=date(2026, 11, 2)).value
    before = _stored_stays(workspace, pid)

    with pytest.raises(ValidationError) as err:
        stay_service.change_stay(workspace, other.id, discharged_on=date(2026, 11, 12))
    assert (err.value.field, err.value.message) == ("admission date", OVERLAP)
    with pytest.raises(ValidationError) as err:
        stay_service.change_stay(workspace, other.id, admitted_on=date(2026, 11, 12), discharged_on=date(2026, 11, 20))
    assert (err.value.field, err.value.message) == ("admission date", OVERLAP)

    assert _stored_stays(workspace, pid) == before
