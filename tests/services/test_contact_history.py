"""Contacts and minutes history, corrections and voids, on a real store: the bill and the queue follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome
from caredesk.domain.coordination import Transition
from caredesk.domain.patients import Condition, Enrollment, Patient, Program, Status
from caredesk.errors import NotFound, ValidationError
from caredesk.services import billing_report
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from caredesk.services.changes import Kind
from caredesk.services.contact_corrections import correct_contact, correct_time_entry, void_contact, void_time_entry
from caredesk.services.contact_history import history, months, program_minutes
from caredesk.services.patients import patient_list, summaries
from tests.conftest import ZONE, add_patient

NOVEMBER = Month(2026, 11)
NOTE = "Qzx daughter says sugars high"  # patient content: must never reach the audit


def _patient(ws, mrn: str, *programs: Program) -> int:
    """A consented patient with two chronic conditions (CCM's 99490 needs both: CMS MLN909188)."""
    p = add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name=f"Patient{mrn}", birth_date=date(1950, 1, 1)))
    with ws.uow() as uow:
        for program in programs or (Program.CCM,):
            uow.enrollments.add(
                Enrollment(
                    patient_id=p.id,
                    program=program,
                    start_date=date(2025, 1, 1),
                    consent_date=date(2025, 1, 2),
                    consent_method="verbal",
                )
            )
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _bill(ws, pid):
    return next(r for r in billing_report.month_report(ws, NOVEMBER).rows if r.patient_id == pid)


def _audit(ws):
    with ws.uow() as uow:
        return uow.audit_log.all()


def _stored(ws, pid):
    with ws.uow() as uow:
        return (
            uow.contacts.for_patient(pid),
            uow.time_entries.for_patient(pid),
            uow.transitions.for_patient(pid),
            uow.audit_log.count(),
        )


# -- the history -------------------------------------------------------------------------


def test_history_is_newest_first_with_contacts_minutes_and_voided_rows_marked(workspace):
    pid = _patient(workspace, "H1")
    old = log_contact(workspace, pid, outcome="voicemail", minutes=0, on=date(2026, 10, 30))
    call = log_contact(workspace, pid, outcome="reached", minutes=25, on=date(2026, 11, 3), note=NOTE)
    plan = log_time(workspace, pid, minutes=10, activity="care plan", on=date(2026, 11, 5), note="plan")
    void_contact(workspace, old.contact.id, reason="duplicate entry")

    rows = history(workspace, pid)
    assert [(r.kind, r.on) for r in rows] == [
        ("time entry", date(2026, 11, 5)),
        ("contact", date(2026, 11, 3)),
        ("contact", date(2026, 10, 30)),
    ]
    assert rows[0].record_id == plan.value.id and rows[0].activity.value == "care plan" and rows[0].note == "plan"
    reached = rows[1]
    assert reached.record_id == call.contact.id and reached.minutes == 25 and reached.programs == (Program.CCM,)
    assert reached.contact.outcome is Outcome.REACHED and reached.note == NOTE and reached.voided is None
    voided = rows[2].voided
    assert voided is not None and voided.reason == "duplicate entry" and voided.by == workspace.actor
    assert voided.at == workspace.clock.now()
    assert months(rows) == [NOVEMBER, Month(2026, 10)]


def test_a_month_shows_its_rows_and_its_minutes_per_program(workspace):
    pid = _patient(workspace, "H2", Program.CCM, Program.BHI)
    log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 10, 12))
    log_contact(workspace, pid, outcome="reached", minutes=15, on=date(2026, 11, 2))
    log_time(workspace, pid, minutes=7, activity="care coordination", program="BHI", on=date(2026, 11, 4))
    entry = log_time(workspace, pid, minutes=9, activity="documentation", on=date(2026, 11, 6)).value
    void_time_entry(workspace, entry.id, reason="entered in error")

    rows = history(workspace, pid, NOVEMBER)
    assert [r.on for r in rows] == [date(2026, 11, 6), date(2026, 11, 4), date(2026, 11, 2)]
    assert rows[0].voided is not None  # shown, but it counts nowhere
    assert program_minutes(rows, NOVEMBER) == {Program.CCM: 15, Program.BHI: 7}
    assert program_minutes(history(workspace, pid)) == {Program.CCM: 35, Program.BHI: 7}


def test_a_voided_call_keeps_its_minutes_in_its_row(workspace):
    pid = _patient(workspace, "H4")
    call = log_contact(workspace, pid, outcome="no answer", minutes=2, on=date(2026, 11, 12))
    void_contact(workspace, call.contact.id, reason="duplicate entry")
    (row,) = history(workspace, pid)
    assert row.kind == "contact" and row.voided is not None
    assert [e.id for e in row.entries] == [call.time_entry.id] and row.entries[0].contact_id == call.contact.id
    assert program_minutes([row]) == {}


def test_minutes_voided_apart_from_their_contact_get_their_own_row(workspace):
    pid = _patient(workspace, "H3")
    call = log_contact(workspace, pid, outcome="reached", minutes=12)
    void_time_entry(workspace, call.time_entry.id, reason="wrong minutes")
    contact_row, minutes_row = history(workspace, pid)
    assert contact_row.kind == "contact" and contact_row.minutes == 0 and contact_row.voided is None
    assert minutes_row.kind == "time entry" and minutes_row.voided is not None
    assert minutes_row.of_contact == call.contact.id and minutes_row.minutes == 12


def test_history_of_an_unknown_patient_is_not_found(workspace):
    with pytest.raises(NotFound):
        history(workspace, 999)


# -- corrections: billing and the queue follow at once -------------------------------------


def test_correcting_45_minutes_to_15_drops_99490(workspace):
    """CCM 99490 needs 20 minutes of clinical-staff time in the month (CMS MLN909188)."""
    pid = _patient(workspace, "B1")
    call = log_contact(workspace, pid, outcome="reached", minutes=45, on=date(2026, 11, 3))
    assert "99490" in {c.code for c in _bill(workspace, pid).result.codes}

    saved = correct_time_entry(workspace, call.time_entry.id, minutes=15, reason="wrong minutes")
    assert saved.value.minutes == 15 and saved.changes.touches(Kind.TIME) and pid in saved.changes.patients
    row = _bill(workspace, pid)
    assert not row.result.codes and row.clinical_minutes == 15
    assert any("15 of 20 min" in r for r in row.result.reasons)


def test_voiding_a_call_takes_its_minutes_out_of_the_bill(workspace):
    pid = _patient(workspace, "B2")
    log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 2))
    call = log_contact(workspace, pid, outcome="reached", minutes=10, on=date(2026, 11, 3))
    assert _bill(workspace, pid).clinical_minutes == 22

    saved = void_contact(workspace, call.contact.id, reason="duplicate entry")
    assert saved.changes.touches(Kind.CONTACT, Kind.TIME)
    row = _bill(workspace, pid)
    assert row.clinical_minutes == 12 and not row.result.codes
    contacts, entries, _, _ = _stored(workspace, pid)
    assert call.contact.id not in {c.id for c in contacts} and call.time_entry.id not in {e.id for e in entries}


def test_the_queue_minutes_reason_changes_at_once(workspace):
    pid = _patient(workspace, "Q1")
    call = log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 3))
    queue = CallQueue(workspace)

    def minutes_reason(rows):
        row = next(r for r in rows if r.patient_id == pid)
        return next(x.text for x in row.entry.reasons if x.kind.value == "minutes")

    assert minutes_reason(queue.build()).startswith("12 of 20 min")
    saved = correct_time_entry(workspace, call.time_entry.id, minutes=16, reason="wrong minutes")
    assert minutes_reason(queue.refresh(saved.changes.patients)).startswith("16 of 20 min")
    voided = void_contact(workspace, call.contact.id, reason="entered in error")
    assert minutes_reason(queue.refresh(voided.changes.patients)).startswith("0 of 20 min")


def test_moving_a_contact_moves_its_minutes_and_names_both_patients(workspace):
    wrong, right = _patient(workspace, "M1"), _patient(workspace, "M2")
    call = log_contact(workspace, wrong, outcome="reached", minutes=25, on=date(2026, 11, 3), note=NOTE)
    saved = correct_contact(workspace, call.contact.id, patient_id=right, reason="wrong patient")
    assert saved.changes.patients == {wrong, right} and saved.changes.touches(Kind.CONTACT, Kind.TIME)
    assert history(workspace, wrong) == []
    (row,) = history(workspace, right)
    assert row.record_id == call.contact.id and row.minutes == 25 and row.entries[0].patient_id == right
    assert _bill(workspace, wrong).clinical_minutes == 0 and _bill(workspace, right).clinical_minutes == 25


def test_the_audit_keeps_the_original_values_and_no_patient_content(workspace):
    pid, other = _patient(workspace, "A1", Program.CCM, Program.PCM), _patient(workspace, "A2", Program.PCM)
    entry = log_time(workspace, pid, minutes=45, activity="care plan", on=date(2026, 11, 3), note=NOTE).value
    correct_time_entry(
        workspace,
        entry.id,
        minutes=30,
        program="PCM",
        on=date(2026, 11, 4),
        patient_id=other,
        reason="Qzx daughter called back",
    )
    event = _audit(workspace)[-1]
    assert (event.action, event.entity, event.entity_id) == (actions.RECORD_CHANGED, "time entry", str(entry.id))
    assert event.detail == (
        f"minutes 45 -> 30; program CCM -> PCM; date 11/03/2026 -> 11/04/2026; patient {pid} -> {other}; "
        "reason: other (24 characters)"
    )
    call = log_contact(workspace, pid, outcome="voicemail", minutes=0, note=NOTE)
    correct_contact(workspace, call.contact.id, outcome="reached", note=NOTE + " and more", reason="Wrong outcome")
    assert _audit(workspace)[-1].detail == "outcome voicemail -> reached; note changed; reason: wrong outcome"
    void_contact(workspace, call.contact.id, reason="Qzx was never called")
    voided = _audit(workspace)[-1]
    assert (voided.action, voided.entity, voided.detail) == (
        actions.RECORD_VOIDED,
        "contact",
        "reason: other (20 characters)",
    )
    assert not any("Qzx" in e.detail for e in _audit(workspace))


def test_redating_a_contact_moves_its_minutes_to_that_day(workspace):
    pid = _patient(workspace, "D1")
    call = log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 2))
    correct_contact(workspace, call.contact.id, on=date(2026, 10, 30), reason="wrong date")
    (row,) = history(workspace, pid)
    assert row.on == date(2026, 10, 30) and row.entries[0].on == date(2026, 10, 30)
    assert row.contact.at.astimezone(ZoneInfo(ZONE)).hour == 12  # the back-filled call's time is kept
    assert _bill(workspace, pid).clinical_minutes == 0  # the minutes now count in October


def test_minutes_can_be_added_to_an_attempt_logged_without_any(workspace):
    pid = _patient(workspace, "D2")
    call = log_contact(workspace, pid, outcome="reached", minutes=0, on=date(2026, 11, 2))
    saved = correct_contact(workspace, call.contact.id, minutes=22, reason="wrong minutes")
    assert saved.changes.touches(Kind.TIME)
    (row,) = history(workspace, pid)
    assert row.minutes == 22 and row.entries[0].contact_id == call.contact.id
    assert "99490" in {c.code for c in _bill(workspace, pid).result.codes}


def test_follow_up_can_be_cleared_and_changed(workspace):
    pid = _patient(workspace, "D3")
    call = log_contact(workspace, pid, outcome="reached", minutes=5, follow_up=date(2026, 12, 1))
    correct_contact(workspace, call.contact.id, follow_up=None, reason="entered in error")
    assert history(workspace, pid)[0].contact.follow_up is None
    correct_contact(workspace, call.contact.id, follow_up=date(2026, 12, 8), reason="wrong date")
    assert history(workspace, pid)[0].contact.follow_up == date(2026, 12, 8)


# -- refusals name the field and store nothing ---------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"program": "RPM"}, "program"),  # a real program the patient is not enrolled in
        ({"program": "XYZ"}, "program"),
        ({"on": date(2026, 11, 25)}, "date"),  # tomorrow
        ({"on": date(2024, 12, 31)}, "program"),  # before the CCM enrollment began
        ({"staff_type": "intern"}, "staff type"),
        ({"minutes": 10}, "correction"),  # the value it already has
        ({"minutes": 15, "reason": "   "}, "reason"),
    ],
)
def test_a_refused_time_correction_names_the_field_and_stores_nothing(workspace, kwargs, field):
    pid = _patient(workspace, "R1")
    entry = log_time(workspace, pid, minutes=10, activity="care plan", on=date(2026, 11, 3)).value
    before = _stored(workspace, pid)
    args = {"reason": "wrong minutes"} | kwargs
    with pytest.raises(ValidationError) as err:
        correct_time_entry(workspace, entry.id, **args)
    assert err.value.field == field
    assert _stored(workspace, pid) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"on": date(2026, 11, 25)}, "date"),
        ({"outcome": "maybe"}, "outcome"),
        ({"channel": "fax"}, "channel"),
        ({"follow_up": date(2026, 11, 1)}, "follow-up date"),  # before the call
        ({"minutes": 0}, "minutes"),
        ({"program": "RPM"}, "program"),
        ({"note": "x" * 4001}, "note"),
        ({"outcome": "reached"}, "correction"),
        ({"outcome": "voicemail", "reason": ""}, "reason"),
    ],
)
def test_a_refused_contact_correction_names_the_field_and_stores_nothing(workspace, kwargs, field):
    pid = _patient(workspace, "R2")
    call = log_contact(workspace, pid, outcome="reached", minutes=10, on=date(2026, 11, 3))
    before = _stored(workspace, pid)
    args = {"reason": "wrong outcome"} | kwargs
    with pytest.raises(ValidationError) as err:
        correct_contact(workspace, call.contact.id, **args)
    assert err.value.field == field
    assert _stored(workspace, pid) == before


def test_a_contacts_minutes_move_only_with_the_contact(workspace):
    pid, other = _patient(workspace, "R3"), _patient(workspace, "R4")
    call = log_contact(workspace, pid, outcome="reached", minutes=10)
    before = _stored(workspace, pid)
    with pytest.raises(ValidationError) as err:
        correct_time_entry(workspace, call.time_entry.id, patient_id=other, reason="wrong patient")
    assert err.value.field == "patient" and str(call.contact.id) in err.value.message
    assert _stored(workspace, pid) == before


def test_moving_minutes_to_a_patient_not_in_that_program_is_refused(workspace):
    pid, other = _patient(workspace, "R5"), _patient(workspace, "R6", Program.PCM)
    call = log_contact(workspace, pid, outcome="reached", minutes=10)
    before = _stored(workspace, pid), _stored(workspace, other)
    with pytest.raises(ValidationError) as err:
        correct_contact(workspace, call.contact.id, patient_id=other, reason="wrong patient")
    assert err.value.field == "program" and "PCM" in err.value.message
    assert (_stored(workspace, pid), _stored(workspace, other)) == before
    # ... and with the program given too, it moves.
    correct_contact(workspace, call.contact.id, patient_id=other, program="PCM", reason="wrong patient")
    assert history(workspace, other)[0].programs == (Program.PCM,)


def test_no_date_after_the_date_of_death(workspace):
    pid = _patient(workspace, "R7")
    call = log_contact(workspace, pid, outcome="reached", minutes=10, on=date(2026, 11, 2))
    with workspace.uow() as uow:
        p = uow.patients.get(pid)
        uow.patients.update(replace(p, status=Status.DECEASED, died_on=date(2026, 11, 5)))
        uow.commit()
    with pytest.raises(ValidationError) as err:
        correct_contact(workspace, call.contact.id, on=date(2026, 11, 6), reason="wrong date")
    assert err.value.field == "date"
    correct_contact(workspace, call.contact.id, on=date(2026, 11, 4), reason="wrong date")  # before it: fine
    assert history(workspace, pid)[0].on == date(2026, 11, 4)


def test_a_voided_record_cannot_be_corrected_or_voided_again(workspace):
    pid = _patient(workspace, "R8")
    call = log_contact(workspace, pid, outcome="reached", minutes=10)
    void_contact(workspace, call.contact.id, reason="duplicate entry")
    before = _stored(workspace, pid)
    with pytest.raises(NotFound):
        correct_contact(workspace, call.contact.id, outcome="voicemail", reason="wrong outcome")
    with pytest.raises(NotFound):
        void_contact(workspace, call.contact.id, reason="duplicate entry")
    with pytest.raises(NotFound):
        void_time_entry(workspace, call.time_entry.id, reason="duplicate entry")
    with pytest.raises(ValidationError) as err:
        void_contact(workspace, call.contact.id, reason="")
    assert err.value.field == "reason"
    assert _stored(workspace, pid) == before


# -- TCM: the contact deadline follows the contact that met it ---------------------------------


def _discharged(ws, pid, day: date) -> None:
    with ws.uow() as uow:
        uow.transitions.add(Transition(patient_id=pid, facility="General", admitted_on=None, discharged_on=day))
        uow.commit()


def _tcm_reasons(queue, changes, pid):
    rows = {r.patient_id: r for r in queue.refresh(changes.patients)}
    return [x.text for x in rows[pid].entry.reasons if "TCM contact" in x.text] if pid in rows else []


def test_voiding_the_reached_call_reopens_the_tcm_contact_deadline(workspace):
    """Discharged 11/23: interactive contact due within 2 business days (CMS MLN908628)."""
    pid = _patient(workspace, "T1")
    _discharged(workspace, pid, date(2026, 11, 23))
    queue = CallQueue(workspace)
    queue.build()
    call = log_contact(workspace, pid, outcome="reached", minutes=5)
    assert _tcm_reasons(queue, call.changes, pid) == []

    voided = void_contact(workspace, call.contact.id, reason="wrong patient")
    assert voided.changes.touches(Kind.TRANSITION)
    assert _tcm_reasons(queue, voided.changes, pid) == ["Discharged 11/23 - TCM contact due by 11/25"]
    (_, _, (stay,), _) = _stored(workspace, pid)
    assert stay.contacted_on is None
    assert "TCM contact un-marked" in _audit(workspace)[-1].detail


def test_another_reached_contact_keeps_the_deadline_met(workspace):
    pid = _patient(workspace, "T2")
    _discharged(workspace, pid, date(2026, 11, 20))
    first = log_contact(workspace, pid, outcome="reached", minutes=5, on=date(2026, 11, 23))
    log_contact(workspace, pid, outcome="reached", minutes=5, on=date(2026, 11, 24))
    voided = void_contact(workspace, first.contact.id, reason="duplicate entry")
    assert voided.changes.touches(Kind.TRANSITION)
    (_, _, (stay,), _) = _stored(workspace, pid)
    assert stay.contacted_on == date(2026, 11, 24)


def test_a_voicemail_corrected_to_reached_meets_the_deadline_and_back(workspace):
    pid = _patient(workspace, "T3")
    _discharged(workspace, pid, date(2026, 11, 23))
    call = log_contact(workspace, pid, outcome="voicemail", minutes=0)
    reached = correct_contact(workspace, call.contact.id, outcome="reached", reason="wrong outcome")
    assert reached.changes.touches(Kind.TRANSITION)
    assert _stored(workspace, pid)[2][0].contacted_on == date(2026, 11, 24)
    letter = correct_contact(workspace, call.contact.id, channel="letter", outcome="sent", reason="entered in error")
    assert letter.changes.touches(Kind.TRANSITION)  # a letter is never an interactive contact
    assert _stored(workspace, pid)[2][0].contacted_on is None


def test_voiding_an_unanswered_attempt_leaves_transitions_alone(workspace):
    pid = _patient(workspace, "T4")
    _discharged(workspace, pid, date(2026, 11, 23))
    log_contact(workspace, pid, outcome="reached", minutes=5)
    attempt = log_contact(workspace, pid, outcome="no answer", minutes=0)
    voided = void_contact(workspace, attempt.contact.id, reason="entered in error")
    assert not voided.changes.touches(Kind.TRANSITION, Kind.TIME)
    assert _stored(workspace, pid)[2][0].contacted_on == date(2026, 11, 24)


def test_a_redated_timed_call_keeps_its_timer_start_on_the_new_day(workspace):
    pid = _patient(workspace, "T5")
    started = datetime(2026, 11, 23, 9, 5, tzinfo=ZoneInfo(ZONE))
    call = log_contact(workspace, pid, outcome="reached", minutes=5, on=date(2026, 11, 23))
    with workspace.uow() as uow:
        uow.time_entries.update(replace(call.time_entry, started_at=started))
        uow.commit()
    correct_contact(workspace, call.contact.id, on=date(2026, 11, 20), reason="wrong date")
    (entry,) = history(workspace, pid)[0].entries
    assert entry.started_at == datetime(2026, 11, 20, 9, 5, tzinfo=ZoneInfo(ZONE))


# -- the patient list: an unanswered attempt is not a contact made ---------------------------


def test_the_list_shows_the_last_attempt_and_the_last_time_reached(workspace):
    reached, never = _patient(workspace, "L1"), _patient(workspace, "L2")
    log_contact(workspace, reached, outcome="reached", minutes=10, on=date(2026, 11, 20))
    log_contact(workspace, reached, outcome="voicemail", minutes=0, on=date(2026, 11, 23))
    attempt = log_contact(workspace, never, outcome="no answer", minutes=0, on=date(2026, 11, 22))
    rows = {r.id: r for r in patient_list(workspace)}
    assert (rows[reached].last_reached, rows[reached].last_attempt) == (date(2026, 11, 20), date(2026, 11, 23))
    assert (rows[never].last_reached, rows[never].last_attempt) == (None, date(2026, 11, 22))
    void_contact(workspace, attempt.contact.id, reason="entered in error")  # a voided attempt was never made
    assert summaries(workspace, [never])[0].last_attempt is None
