"""Working a call against a real store: contact and minutes together, the queue re-ranks."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome, StaffType
from caredesk.domain.coordination import Transition
from caredesk.domain.patients import Condition, Enrollment, Patient, Program, Status
from caredesk.errors import ValidationError
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Changes, Kind
from caredesk.services.patients import patient_list
from tests.conftest import add_patient


def _patient(ws, mrn: str, *, consent: bool = True, status: Status = Status.ACTIVE) -> int:
    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2025, 1, 1),
        consent_date=date(2025, 1, 2) if consent else None,
        consent_method="verbal" if consent else None,
    )
    p = add_patient(
        ws,
        Patient(mrn=mrn, given_name="Test", family_name=f"Patient{mrn}", birth_date=date(1950, 1, 1), status=status),
        enrollment,
    )
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _contacts(ws, pid):
    with ws.uow() as uow:
        return uow.contacts.for_patient(pid), uow.time_entries.for_patient(pid), uow.tasks.for_patient(pid)


def test_a_call_stores_the_contact_and_its_minutes_together(workspace):
    pid = _patient(workspace, "C1")
    logged = log_contact(
        workspace, pid, outcome="reached", minutes=14, note="Talked about sugars", follow_up=date(2026, 12, 1)
    )
    contacts, entries, _ = _contacts(workspace, pid)
    assert [c.id for c in contacts] == [logged.contact.id]
    (entry,) = entries
    assert (entry.minutes, entry.program, entry.staff_type, entry.contact_id) == (
        14,
        Program.CCM,
        StaffType.CLINICAL_STAFF,
        logged.contact.id,
    )
    assert entry.on == date(2026, 11, 24) and contacts[0].follow_up == date(2026, 12, 1)


def test_a_quick_unanswered_attempt_may_log_no_minutes(workspace):
    pid = _patient(workspace, "C2")
    logged = log_contact(workspace, pid, outcome="no answer", minutes=0)
    assert logged.time_entry is None and logged.contact.outcome is Outcome.NO_ANSWER


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"on": date(2026, 11, 25)}, "date"),
        ({"follow_up": date(2026, 11, 20)}, "follow-up date"),
        # More than a year after the call (FOLLOW_UP_MAX_DAYS): a tester's 12/31/9999 was saved.
        ({"follow_up": date(9999, 12, 31)}, "follow-up date"),
        ({"follow_up": date(2027, 11, 26)}, "follow-up date"),  # 367 days after 11/24/2026
        ({"minutes": -1}, "minutes"),
        ({"minutes": 700}, "minutes"),
        ({"time_of_day": time(10, 31)}, "time"),  # NOW is 10:30 on 11/24/2026: a minute ahead
        ({"outcome": "maybe"}, "outcome"),
        ({"program": "XYZ"}, "program"),
        ({"program": "RPM"}, "program"),  # a real program the patient is not enrolled in
        ({"program": "CCM", "on": date(2024, 12, 31)}, "program"),  # before the CCM enrollment began
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(workspace, kwargs, field):
    pid = _patient(workspace, "C3")
    args = {"outcome": "reached", "minutes": 10} | kwargs
    with pytest.raises(ValidationError) as err:
        log_contact(workspace, pid, **args)
    assert err.value.field == field
    assert _contacts(workspace, pid) == ([], [], [])


def test_a_follow_up_a_year_after_the_call_is_taken_and_the_refusal_names_the_latest(workspace):
    pid = _patient(workspace, "C4")
    logged = log_contact(workspace, pid, outcome="reached", minutes=5, follow_up=date(2027, 11, 25))  # 366 days
    assert logged.contact.follow_up == date(2027, 11, 25)
    with pytest.raises(ValidationError) as err:
        log_contact(workspace, pid, outcome="reached", minutes=5, follow_up=date(2027, 11, 26))
    assert err.value.message == "cannot be more than a year after the call (11/25/2027 at the latest)"


def test_backfilled_call_counts_on_its_own_day(workspace):
    pid = _patient(workspace, "C4")
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 10, 31))
    _, (entry,), _ = _contacts(workspace, pid)
    assert entry.on == date(2026, 10, 31)
    assert patient_list(workspace)[0].minutes_this_month == 0


def test_a_call_logged_with_its_time_is_stamped_then_in_clinic_time(workspace):
    # The chart's Log contact… takes the time of a call a patient made back (an inbound call).
    pid = _patient(workspace, "C5")
    today = log_contact(workspace, pid, outcome="reached", minutes=5, time_of_day=time(9, 5))
    earlier = log_contact(
        workspace, pid, outcome="voicemail", minutes=0, on=date(2026, 11, 20), time_of_day=time(16, 45)
    )
    assert today.contact.at == datetime(2026, 11, 24, 9, 5, tzinfo=workspace.tz)
    assert earlier.contact.at == datetime(2026, 11, 20, 16, 45, tzinfo=workspace.tz)
    assert log_contact(workspace, pid, outcome="reached", minutes=0, time_of_day=time(10, 30)).contact.at == (
        workspace.clock.now().replace(second=0, microsecond=0)
    )


def test_a_reached_call_meets_the_discharge_contact(workspace):
    pid = _patient(workspace, "C5")
    with workspace.uow() as uow:
        uow.transitions.add(
            Transition(patient_id=pid, facility="General", admitted_on=None, discharged_on=date(2026, 11, 23))
        )
        uow.commit()
    q = CallQueue(workspace)
    before = next(r for r in q.build() if r.patient_id == pid)
    assert before.entry.reasons[0].text == "Discharged 11/23 - TCM contact due by 11/25"
    logged = log_contact(workspace, pid, outcome="reached", minutes=25)
    assert logged.transition_met
    after = {r.patient_id: r for r in q.refresh(logged.patient_ids)}
    texts = [x.text for x in after[pid].entry.reasons] if pid in after else []
    assert not any("TCM contact" in t for t in texts)


def test_three_unanswered_calls_add_one_letter_task(workspace):
    pid = _patient(workspace, "C6")
    for day in (date(2026, 11, 18), date(2026, 11, 20)):
        assert log_contact(workspace, pid, outcome="voicemail", minutes=1, on=day).letter_task is None
    third = log_contact(workspace, pid, outcome="no answer", minutes=1)
    assert (
        third.letter_task is not None and third.letter_task.title == "Send a letter: calls unanswered in November 2026"
    )
    assert third.letter_task.due == date(2026, 11, 25)
    log_contact(workspace, pid, outcome="no answer", minutes=0)
    _, _, tasks = _contacts(workspace, pid)
    assert [t.kind for t in tasks] == ["letter"]  # never a second one while the first is open


def test_a_letter_closed_this_month_is_not_proposed_again_by_the_next_unanswered_call(workspace):
    """SPEC 3: after three unanswered attempts in a month a letter task is proposed (once a month)."""
    from caredesk.services.tasks import complete_task

    pid = _patient(workspace, "C6b")
    for day in (date(2026, 11, 18), date(2026, 11, 20)):
        log_contact(workspace, pid, outcome="voicemail", minutes=1, on=day)
    third = log_contact(workspace, pid, outcome="no answer", minutes=1)
    assert third.letter_task is not None and third.letter_task.id is not None
    complete_task(workspace, third.letter_task.id)  # the letter was sent
    assert log_contact(workspace, pid, outcome="voicemail", minutes=0).letter_task is None
    _, _, tasks = _contacts(workspace, pid)
    assert [(t.kind, t.status.value) for t in tasks] == [("letter", "done")]


def test_logging_a_call_reranks_the_queue_and_changes_the_minutes(workspace):
    ids = [_patient(workspace, f"Q{i}") for i in range(3)]
    q = CallQueue(workspace)
    rows = q.build()
    assert {r.patient_id for r in rows} == set(ids)
    first = rows[0].patient_id
    log_contact(workspace, first, outcome="reached", minutes=12)
    rows = q.refresh({first})
    mine = next(r for r in rows if r.patient_id == first)
    assert (mine.entry.minutes, mine.entry.threshold) == (12, 20)
    assert rows[-1].patient_id == first  # reached today: after those not yet called (issue 12)
    assert q.rows == rows
    # Reaching the threshold ends the minutes chase; only the missing care plan remains.
    log_contact(workspace, first, outcome="reached", minutes=8)
    mine = next(r for r in q.refresh({first}) if r.patient_id == first)
    assert [x.text for x in mine.entry.reasons] == ["No finalized care plan", "Reached today at 10:30 AM"]
    assert (mine.entry.minutes, mine.entry.threshold) == (20, 40)


def test_the_refreshed_queue_equals_a_fresh_build(workspace):
    ids = [_patient(workspace, f"R{i}") for i in range(4)]
    q = CallQueue(workspace)
    q.build()
    log_contact(workspace, ids[2], outcome="voicemail", minutes=2)
    refreshed = q.refresh({ids[2]})
    assert refreshed == CallQueue(workspace).build()


def test_paused_patient_is_never_in_the_queue(workspace):
    _patient(workspace, "P1", status=Status.PAUSED)
    assert CallQueue(workspace).build() == []


def test_month_report_counts_minutes_in_the_clinic_month(workspace):
    pid = _patient(workspace, "M1")
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 1))
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 24))
    log_contact(workspace, pid, outcome="reached", minutes=15, on=date(2026, 10, 31))
    from caredesk.services.billing_report import month_report

    (row,) = month_report(workspace, Month(2026, 11)).rows
    assert row.clinical_minutes == 40 and row.result.codes_text() == "99490, 99439"
    (october,) = month_report(workspace, Month(2026, 10)).rows
    assert october.clinical_minutes == 15 and not october.ready and october.needs_minutes
    assert "15 of 20 min for 99490" in october.result.reasons


def test_typed_time_for_other_work_counts_toward_the_month(workspace):
    from caredesk.domain.contacts import Activity
    from caredesk.services.calls import log_time

    pid = _patient(workspace, "T1")
    logged = log_time(workspace, pid, minutes=15, activity="care plan", note="Updated goals")
    assert logged.changes == Changes.of([pid], Kind.TIME)
    entry = logged.value
    assert (entry.activity, entry.program, entry.contact_id) == (Activity.CARE_PLAN, Program.CCM, None)
    log_time(workspace, pid, minutes=6, activity="care coordination", on=date(2026, 11, 2))
    assert patient_list(workspace)[0].minutes_this_month == 21
    with pytest.raises(ValidationError, match="minutes"):
        log_time(workspace, pid, minutes=0, activity="care plan")
    with pytest.raises(ValidationError, match="activity"):
        log_time(workspace, pid, minutes=5, activity="gardening")
    assert len(_contacts(workspace, pid)[1]) == 2


def test_minutes_for_a_program_the_patient_is_not_in_name_the_programs_they_are_in(workspace):
    pid = _patient(workspace, "C9")
    with pytest.raises(ValidationError, match=r"not enrolled in RPM on 11/24/2026 \(enrolled in CCM\)"):
        log_contact(workspace, pid, outcome="reached", minutes=5, program="RPM")
    logged = log_contact(workspace, pid, outcome="reached", minutes=5, program="CCM")
    assert logged.time_entry is not None and logged.time_entry.program is Program.CCM
